import Foundation

/// The parts of Zulip's answers that Tandem reads: `/register`, `/events`, `/messages`, `/users/me`, errors.
///
/// Decoding is lenient where other people's data is: a message whose fields have unexpected types is skipped,
/// never a reason to fail the whole poll, which would stop the bot on one odd message. An event keeps its `id`
/// whenever it has one, so an event the bot cannot read is still acknowledged and never asked for again.

/// `POST /api/v1/register`.
struct ZulipRegistration: Decodable {
    var queueID: String
    /// The last event already reflected in this answer (-1 for a new queue): polls start after it.
    var lastEventID: Int
    /// The newest message the bot had received when the queue was made (-1 for none): everything after it comes
    /// through the queue, everything up to it through `GET /messages`.
    var maxMessageID: Int
    var maxMessageLength: Int?
    var longPollTimeoutSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case queueID = "queue_id"
        case lastEventID = "last_event_id"
        case maxMessageID = "max_message_id"
        case maxMessageLength = "max_message_length"
        case longPollTimeoutSeconds = "event_queue_longpoll_timeout_seconds"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queueID = try c.decode(String.self, forKey: .queueID)
        lastEventID = try c.decode(Int.self, forKey: .lastEventID)
        maxMessageID = (try? c.decodeIfPresent(Int.self, forKey: .maxMessageID)) ?? -1
        maxMessageLength = try? c.decodeIfPresent(Int.self, forKey: .maxMessageLength)
        longPollTimeoutSeconds = try? c.decodeIfPresent(Int.self, forKey: .longPollTimeoutSeconds)
    }
}

/// `GET /api/v1/events`.
struct ZulipEventsPage: Decodable {
    var events: [Lenient<ZulipEvent>]
}

/// One event of a queue: a `message`, a `heartbeat`, or anything else (ignored, but its id acknowledged).
struct ZulipEvent: Decodable {
    var id: Int
    var type: String?
    var message: ZulipMessage?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        type = try? c.decodeIfPresent(String.self, forKey: .type)
        message = try? c.decodeIfPresent(ZulipMessage.self, forKey: .message)
    }

    enum CodingKeys: String, CodingKey { case id, type, message }
}

/// `GET /api/v1/messages`: one page of history, oldest first.
struct ZulipMessagesPage: Decodable {
    var messages: [Lenient<ZulipMessage>]
    var foundNewest: Bool?

    enum CodingKeys: String, CodingKey {
        case messages
        case foundNewest = "found_newest"
    }
}

/// A message as events and `/messages` carry it (`apply_markdown=false`: `content` is the raw Markdown typed).
struct ZulipMessage: Decodable {
    /// A direct message's participant (`display_recipient` of a `private` message).
    struct Recipient: Decodable {
        var id: Int
        var fullName: String?

        enum CodingKeys: String, CodingKey {
            case id
            case fullName = "full_name"
        }
    }

    var id: Int
    /// `stream` or `private`: events use these old names even where sending says `channel`/`direct`.
    var type: String
    var senderID: Int
    var senderFullName: String?
    var content: String
    var streamID: Int?
    /// The topic; `""` for direct messages.
    var subject: String?
    /// A direct message's participants, the sender and the bot included; empty for a channel message.
    var recipients: [Recipient]

    enum CodingKeys: String, CodingKey {
        case id, type, content, subject
        case senderID = "sender_id"
        case senderFullName = "sender_full_name"
        case streamID = "stream_id"
        case displayRecipient = "display_recipient"
    }

    init(
        id: Int, type: String, senderID: Int, senderFullName: String?, content: String, streamID: Int? = nil,
        subject: String? = nil, recipients: [Recipient] = []
    ) {
        self.id = id
        self.type = type
        self.senderID = senderID
        self.senderFullName = senderFullName
        self.content = content
        self.streamID = streamID
        self.subject = subject
        self.recipients = recipients
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        senderID = try c.decode(Int.self, forKey: .senderID)
        content = try c.decode(String.self, forKey: .content)
        senderFullName = try? c.decodeIfPresent(String.self, forKey: .senderFullName)
        streamID = try? c.decodeIfPresent(Int.self, forKey: .streamID)
        subject = try? c.decodeIfPresent(String.self, forKey: .subject)
        // A channel's name (a string) or a direct message's people (a list).
        recipients = ((try? c.decodeIfPresent([Lenient<Recipient>].self, forKey: .displayRecipient)) ?? nil)?.decoded() ?? []
    }
}

/// `{"result":"error","code":"…","msg":"…"}`, with `queue_id` on `BAD_EVENT_QUEUE_ID` and `retry-after` on 429.
struct ZulipErrorBody: Decodable {
    var code: String?
    var msg: String?
    var retryAfter: Double?

    enum CodingKeys: String, CodingKey {
        case code, msg
        case retryAfter = "retry-after"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try? c.decodeIfPresent(String.self, forKey: .code)
        msg = try? c.decodeIfPresent(String.self, forKey: .msg)
        retryAfter = try? c.decodeIfPresent(Double.self, forKey: .retryAfter)
    }
}

/// `GET /api/v1/users/me`.
struct ZulipOwnUser: Decodable {
    var userID: Int
    var fullName: String
    var email: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case fullName = "full_name"
        case email
    }
}

/// `{"id": 42}`, the answer to a send.
struct ZulipSentMessage: Decodable {
    var id: Int
}
