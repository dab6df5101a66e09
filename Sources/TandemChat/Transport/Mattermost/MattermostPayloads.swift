import Foundation

/// The parts of REST API v4 answers that Tandem reads: the bot's user, its channels, post lists, errors.
///
/// Decoding is lenient where other people's data is: a post whose fields have unexpected types is skipped
/// (``Lenient``), a channel or user likewise; never a reason to fail a whole poll, which would stop the bot on one
/// odd post.
struct MattermostUser: Decodable {
    var id: String
    var username: String
    var isBot: Bool?

    enum CodingKeys: String, CodingKey {
        case id, username
        case isBot = "is_bot"
    }
}

/// A channel of `GET /users/me/channels`: `type` is `O` (public), `P` (private), `D` (direct), `G` (group).
struct MattermostChannel: Decodable {
    var id: String
    var type: String
    var name: String?
    var displayName: String?
    /// Server time (ms) of the newest post: the cheap "anything new?" test before fetching posts.
    var lastPostAt: Int64
    var deleteAt: Int64

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = (try? c.decodeIfPresent(String.self, forKey: .type)) ?? "O"
        name = try? c.decodeIfPresent(String.self, forKey: .name)
        displayName = try? c.decodeIfPresent(String.self, forKey: .displayName)
        lastPostAt = (try? c.decodeIfPresent(Int64.self, forKey: .lastPostAt)) ?? 0
        deleteAt = (try? c.decodeIfPresent(Int64.self, forKey: .deleteAt)) ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case id, type, name
        case displayName = "display_name"
        case lastPostAt = "last_post_at"
        case deleteAt = "delete_at"
    }
}

/// `GET /channels/{id}/posts`: ids in `order` (newest first), posts by id in `posts`. With `since`, `posts`
/// also holds the roots of returned replies, which are not in `order` and not new.
struct MattermostPostList: Decodable {
    var order: [String]
    var posts: [String: Lenient<MattermostPost>]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        order = (try? c.decodeIfPresent([Lenient<String>].self, forKey: .order))?.decoded() ?? []
        posts = (try? c.decodeIfPresent([String: Lenient<MattermostPost>].self, forKey: .posts)) ?? [:]
    }

    enum CodingKeys: String, CodingKey { case order, posts }

    /// The posts named in `order` that decoded, in that order.
    var ordered: [MattermostPost] { order.compactMap { posts[$0]?.value } }
}

/// A post, with the fields Tandem looks at. All times are the server's milliseconds.
struct MattermostPost: Decodable {
    var id: String
    var channelID: String
    var userID: String
    var createAt: Int64
    var updateAt: Int64
    var deleteAt: Int64
    var rootID: String
    var message: String
    /// Empty for what people type; system posts (`system_join_channel`, …) have a type.
    var type: String
    /// `from_bot`, `from_webhook`: what other bots and integrations posted.
    var fromBot: Bool
    var fromWebhook: Bool
    /// `props.tandem_outbox_key`: the outbox key of a post the bot made, to find it again after a restart.
    var outboxKey: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        channelID = try c.decode(String.self, forKey: .channelID)
        userID = try c.decode(String.self, forKey: .userID)
        createAt = try c.decode(Int64.self, forKey: .createAt)
        updateAt = (try? c.decodeIfPresent(Int64.self, forKey: .updateAt)) ?? createAt
        deleteAt = (try? c.decodeIfPresent(Int64.self, forKey: .deleteAt)) ?? 0
        rootID = (try? c.decodeIfPresent(String.self, forKey: .rootID)) ?? ""
        message = (try? c.decodeIfPresent(String.self, forKey: .message)) ?? ""
        type = (try? c.decodeIfPresent(String.self, forKey: .type)) ?? ""
        let props = try? c.decodeIfPresent(Props.self, forKey: .props)
        fromBot = props?.fromBot ?? false
        fromWebhook = props?.fromWebhook ?? false
        outboxKey = props?.outboxKey
    }

    /// `props` is a free-form bag; the flags come as the string `"true"` (the server's own) or a boolean.
    struct Props: Decodable {
        var fromBot: Bool
        var fromWebhook: Bool
        var outboxKey: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            outboxKey = try? c.decodeIfPresent(String.self, forKey: .outboxKey)
            func flag(_ key: CodingKeys) -> Bool {
                if let text = try? c.decodeIfPresent(String.self, forKey: key) { return text == "true" }
                return (try? c.decodeIfPresent(Bool.self, forKey: key)) == true
            }
            fromBot = flag(.fromBot)
            fromWebhook = flag(.fromWebhook)
        }

        enum CodingKeys: String, CodingKey {
            case fromBot = "from_bot"
            case fromWebhook = "from_webhook"
            case outboxKey = "tandem_outbox_key"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, message, type, props
        case channelID = "channel_id"
        case userID = "user_id"
        case createAt = "create_at"
        case updateAt = "update_at"
        case deleteAt = "delete_at"
        case rootID = "root_id"
    }
}

/// The body of `POST /posts`. `pending_post_id` is Mattermost's idempotency key: the server answers a repeat
/// within 30 s with the post it already made.
struct MattermostNewPost: Encodable {
    var channelID: String
    var message: String
    var rootID: String?
    var pendingPostID: String
    var props: Props

    /// The outbox key, kept with the post: a reply resent after the server forgot its `pending_post_id` (30 s) is
    /// found by it instead of posted twice.
    struct Props: Encodable {
        var outboxKey: String
        enum CodingKeys: String, CodingKey { case outboxKey = "tandem_outbox_key" }
    }

    enum CodingKeys: String, CodingKey {
        case message, props
        case channelID = "channel_id"
        case rootID = "root_id"
        case pendingPostID = "pending_post_id"
    }
}

/// The error body of every failed call: `{"id": "api.context.session_expired.app_error", "message": "…",
/// "request_id": "…", "status_code": 401, "is_oauth": false}`.
struct MattermostErrorBody: Decodable {
    var id: String?
    var message: String?
}

/// Just the id of an answer (the post `POST /posts` made).
struct MattermostID: Decodable {
    var id: String
}
