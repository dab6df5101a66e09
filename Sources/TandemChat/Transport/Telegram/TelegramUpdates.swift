/// The parts of the Bot API's answers that Tandem reads: `getUpdates`, `getMe`, `getChat`, `sendMessage` and errors.
///
/// Decoding is lenient where other people's data is: an update whose fields have unexpected types decodes with
/// those fields missing (or not at all, ``Lenient``), never failing the whole `getUpdates` answer, which would
/// stop the bot on one odd message. Only `update_id` must be there: the cursor moves past every update.

/// `{"ok": true, "result": …}` or `{"ok": false, "error_code": 429, "description": "…", "parameters": {…}}`.
struct TelegramEnvelope<Result: Decodable>: Decodable {
    var ok: Bool
    var result: Result?
}

/// The failure half of the envelope.
struct TelegramErrorBody: Decodable {
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    /// ResponseParameters: how long to wait after flood control, or where a group moved when it became a supergroup.
    struct Parameters: Decodable {
        var retryAfter: Double?
        var migrateToChatID: Int64?

        enum CodingKeys: String, CodingKey {
            case retryAfter = "retry_after"
            case migrateToChatID = "migrate_to_chat_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case errorCode = "error_code"
        case description, parameters
    }
}

/// One element of `getUpdates`' result. Edits, channel posts and the rest are not asked for
/// (`allowed_updates: ["message"]`), and are skipped if they come anyway.
struct TelegramUpdate: Decodable {
    var updateID: Int64
    var message: TelegramIncoming?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        updateID = try c.decode(Int64.self, forKey: .updateID)
        message = try? c.decodeIfPresent(TelegramIncoming.self, forKey: .message)
    }

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
        case message
    }
}

/// A Message, with the fields Tandem looks at.
struct TelegramIncoming: Decodable {
    var messageID: Int64
    var chat: Chat
    var from: TelegramUser?
    var senderChat: Chat?
    var text: String?
    var messageThreadID: Int64?
    var isTopicMessage: Bool?
    var replyToFrom: TelegramUser?

    struct Chat: Decodable {
        var id: Int64
        var type: String?
        var title: String?
        var username: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            type = try? c.decodeIfPresent(String.self, forKey: .type)
            title = try? c.decodeIfPresent(String.self, forKey: .title)
            username = try? c.decodeIfPresent(String.self, forKey: .username)
        }

        enum CodingKeys: String, CodingKey { case id, type, title, username }
    }

    /// Only the sender of the message replied to: whether the reply is to the bot.
    private struct Replied: Decodable {
        var from: TelegramUser?
        init(from decoder: any Decoder) throws {
            from = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(TelegramUser.self, forKey: .from)
        }
        enum CodingKeys: String, CodingKey { case from }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try c.decode(Int64.self, forKey: .messageID)
        chat = try c.decode(Chat.self, forKey: .chat)
        from = try? c.decodeIfPresent(TelegramUser.self, forKey: .from)
        senderChat = try? c.decodeIfPresent(Chat.self, forKey: .senderChat)
        text = try? c.decodeIfPresent(String.self, forKey: .text)
        messageThreadID = try? c.decodeIfPresent(Int64.self, forKey: .messageThreadID)
        isTopicMessage = try? c.decodeIfPresent(Bool.self, forKey: .isTopicMessage)
        replyToFrom = (try? c.decodeIfPresent(Replied.self, forKey: .replyTo))?.from
    }

    enum CodingKeys: String, CodingKey {
        case chat, from, text
        case messageID = "message_id"
        case senderChat = "sender_chat"
        case messageThreadID = "message_thread_id"
        case isTopicMessage = "is_topic_message"
        case replyTo = "reply_to_message"
    }
}

/// A User: the sender of a message, or the bot itself (`getMe`).
public struct TelegramUser: Decodable, Sendable, Equatable {
    public var id: Int64
    public var isBot: Bool
    public var firstName: String
    public var lastName: String?
    public var username: String?
    /// `getMe` only: false while privacy mode is on (the bot sees only commands, mentions and replies in groups).
    public var canReadAllGroupMessages: Bool?

    public init(id: Int64, isBot: Bool, firstName: String, lastName: String? = nil, username: String? = nil) {
        self.id = id
        self.isBot = isBot
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        isBot = (try? c.decodeIfPresent(Bool.self, forKey: .isBot)) ?? false
        firstName = (try? c.decodeIfPresent(String.self, forKey: .firstName)) ?? ""
        lastName = try? c.decodeIfPresent(String.self, forKey: .lastName)
        username = try? c.decodeIfPresent(String.self, forKey: .username)
        canReadAllGroupMessages = try? c.decodeIfPresent(Bool.self, forKey: .canReadAllGroupMessages)
    }

    /// "First Last", or the username, or the id: never empty.
    var displayName: String {
        let name = [firstName, lastName ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? (username ?? String(id)) : name
    }

    enum CodingKeys: String, CodingKey {
        case id, username
        case isBot = "is_bot"
        case firstName = "first_name"
        case lastName = "last_name"
        case canReadAllGroupMessages = "can_read_all_group_messages"
    }
}

/// What `sendMessage` answers: the Message sent; its id is all Tandem keeps.
struct TelegramSent: Decodable {
    var messageID: Int64
    enum CodingKeys: String, CodingKey { case messageID = "message_id" }
}
