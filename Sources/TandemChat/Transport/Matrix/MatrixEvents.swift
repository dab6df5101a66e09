import Foundation

/// The parts of the client-server API's answers that Tandem reads: `/sync`, `/messages`, errors, login.
///
/// Decoding is lenient where other people's data is: an event whose fields have unexpected types is skipped
/// (``Lenient``), never a reason to fail the whole `/sync`, which would stop the bot on one odd message.
struct MatrixSyncResponse: Decodable {
    var nextBatch: String
    var rooms: Rooms?

    struct Rooms: Decodable {
        var join: [String: JoinedRoom]?
        var invite: [String: InvitedRoom]?
    }

    struct JoinedRoom: Decodable {
        var timeline: Timeline?
        var state: EventList?
    }

    struct Timeline: Decodable {
        var events: [Lenient<MatrixEvent>]?
        var limited: Bool?
        var prevBatch: String?

        enum CodingKeys: String, CodingKey {
            case events, limited
            case prevBatch = "prev_batch"
        }
    }

    struct InvitedRoom: Decodable {
        var inviteState: EventList?

        enum CodingKeys: String, CodingKey { case inviteState = "invite_state" }
    }

    struct EventList: Decodable {
        var events: [Lenient<MatrixEvent>]?
    }

    enum CodingKeys: String, CodingKey {
        case nextBatch = "next_batch"
        case rooms
    }
}

/// One page of `GET /rooms/{id}/messages`.
struct MatrixMessagesPage: Decodable {
    var chunk: [Lenient<MatrixEvent>]
    var end: String?
}

/// A room event or a stripped state event, with the content fields Tandem looks at.
struct MatrixEvent: Decodable {
    var type: String
    var eventID: String?
    var sender: String
    var stateKey: String?
    var content: Content

    struct Content: Decodable {
        var msgtype: String?
        var body: String?
        var membership: String?
        var relation: Relation?

        init() {}

        /// Each field on its own: a number where a string is expected loses that field, not the event.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            msgtype = try? c.decodeIfPresent(String.self, forKey: .msgtype)
            body = try? c.decodeIfPresent(String.self, forKey: .body)
            membership = try? c.decodeIfPresent(String.self, forKey: .membership)
            relation = try? c.decodeIfPresent(Relation.self, forKey: .relation)
        }

        enum CodingKeys: String, CodingKey {
            case msgtype, body, membership
            case relation = "m.relates_to"
        }
    }

    /// `m.relates_to`: a thread (`rel_type: m.thread`), an edit (`m.replace`), or a reply (`m.in_reply_to`).
    struct Relation: Decodable {
        var relType: String?
        var eventID: String?
        var inReplyTo: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            relType = try? c.decodeIfPresent(String.self, forKey: .relType)
            eventID = try? c.decodeIfPresent(String.self, forKey: .eventID)
            inReplyTo = (try? c.decodeIfPresent(InReplyTo.self, forKey: .inReplyTo))?.eventID
        }

        struct InReplyTo: Decodable {
            var eventID: String?
            enum CodingKeys: String, CodingKey { case eventID = "event_id" }
        }

        enum CodingKeys: String, CodingKey {
            case relType = "rel_type"
            case eventID = "event_id"
            case inReplyTo = "m.in_reply_to"
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        sender = try c.decode(String.self, forKey: .sender)
        eventID = try? c.decodeIfPresent(String.self, forKey: .eventID)
        stateKey = try? c.decodeIfPresent(String.self, forKey: .stateKey)
        content = (try? c.decodeIfPresent(Content.self, forKey: .content)) ?? Content()
    }

    enum CodingKeys: String, CodingKey {
        case type, sender, content
        case eventID = "event_id"
        case stateKey = "state_key"
    }
}

/// The standard error body: `{"errcode": "M_LIMIT_EXCEEDED", "error": "…", "retry_after_ms": 2000}`.
struct MatrixErrorBody: Decodable {
    var errcode: String?
    var error: String?
    var retryAfterMs: Double?

    enum CodingKeys: String, CodingKey {
        case errcode, error
        case retryAfterMs = "retry_after_ms"
    }
}

/// `POST /login` and `GET /account/whoami` both answer with the user id (and the device).
struct MatrixIdentity: Decodable {
    var userID: String
    var accessToken: String?
    var deviceID: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case accessToken = "access_token"
        case deviceID = "device_id"
    }
}

/// `{"event_id": "$…"}`, the answer to a send.
struct MatrixEventID: Decodable {
    var eventID: String
    enum CodingKeys: String, CodingKey { case eventID = "event_id" }
}
