import Foundation
import HTTPTypes
import TandemProtocol

/// One message as the local endpoint keeps it in its ``MessageLog``: a posted message with its sender and time.
///
/// Not `TandemCore.ChatMessage`, which is what a transport hands the bot; this one never leaves TandemLocal.
struct LoggedMessage: Sendable, Equatable {
    /// Increasing from 1; rendered as a string on the wire and used as the cursor.
    let id: Int
    let channelID: String
    let senderID: String
    /// The sender's display name at the time of posting (a bot may override it with `username`).
    let senderName: String
    let text: String
    let date: Date
    /// ``date`` in the wire format, formatted once when the message is posted rather than in every answer that
    /// carries it (Foundation's ISO 8601 formatting showed in the endpoint's profile).
    let timestamp: String
    /// The id of the message this one replies to, if any.
    let thread: String?
    /// The sender's idempotency key, kept so it can be forgotten when the message is evicted.
    let idempotencyKey: String?

    init(
        id: Int, channelID: String, senderID: String, senderName: String, text: String, date: Date, thread: String?,
        idempotencyKey: String?
    ) {
        self.id = id
        self.channelID = channelID
        self.senderID = senderID
        self.senderName = senderName
        self.text = text
        self.date = date
        self.timestamp = WireTimestamp.string(from: date)
        self.thread = thread
        self.idempotencyKey = idempotencyKey
    }
}

/// The answer to an updates request: the messages for the caller and the cursor to send next.
struct UpdateBatch: Sendable, Equatable {
    var messages: [LoggedMessage]
    /// The id of the last message handed to the caller, or the cursor it came with.
    var cursor: Int
}

/// Why a post was refused; each case maps to a `400` with ``message``.
enum ChatRoomError: Error, Equatable {
    case unknownChannel(String)
    case missingText
    case emptyText
    case unknownThread(String)
    case threadInAnotherChannel(String)
    case keyReused(String, firstID: Int)

    /// 409 for a reused key (the request conflicts with an earlier one), 400 for the rest.
    var status: HTTPResponse.Status { if case .keyReused = self { .conflict } else { .badRequest } }

    var message: String {
        switch self {
        case .unknownChannel(let id):
            "unknown channel \"\(id)\": GET /channels lists the channels you can post to"
        case .missingText:
            "text is required"
        case .emptyText:
            "text must not be empty"
        case .unknownThread(let id):
            "thread \"\(id)\" is not the id of an earlier message"
        case .threadInAnotherChannel(let id):
            "thread \"\(id)\" is a message of another channel"
        case .keyReused(let key, let firstID):
            "idempotency_key \"\(key)\" was used for another message (\(firstID)) with a different channel, text or "
                + "thread; use a new key for a new message"
        }
    }
}
