import Foundation

// The JSON bodies of the webhook chat protocol (v1) and of the web page's helper route.
// Field names are the wire names; they are decoupled from the in-memory types so the
// protocol cannot change by accident when the model does.

/// `GET /updates` → `{"updates": [...], "cursor": "12"}`.
struct UpdatesPayload: Codable, Equatable {
    var updates: [UpdatePayload]
    var cursor: String
}

/// One message in `updates`: `{"id","channel","user":{"id","name"},"text","ts","thread"?}`.
struct UpdatePayload: Codable, Equatable {
    var id: String
    var channel: String
    var user: UserPayload
    var text: String
    /// ISO 8601 UTC with milliseconds, e.g. `2026-11-30T10:00:00.123Z`.
    var ts: String
    var thread: String?
}

/// `{"id","name"}`: the sender of an update, or the bot in `/local/participants`.
struct UserPayload: Codable, Equatable {
    var id: String
    var name: String
}

/// `POST /messages` body. Every field is optional here so a missing `text` gets a clear
/// message instead of a decoding error; unknown fields (Slack's `blocks`, `icon_emoji`…) are ignored.
struct PostMessagePayload: Codable, Equatable {
    var channel: String?
    var text: String?
    var thread: String?
    var username: String?
    var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case channel, text, thread, username
        case idempotencyKey = "idempotency_key"
    }
}

/// `POST /messages` → `{"id": "13"}`.
struct PostedPayload: Codable, Equatable {
    var id: String
}

/// `GET /channels` → `{"channels": [...]}`.
struct ChannelsPayload: Codable, Equatable {
    var channels: [ChannelPayload]
}

/// `{"id","name","kind":"channel"|"direct","members"?}`; `members` only for direct channels.
struct ChannelPayload: Codable, Equatable {
    var id: String
    var name: String
    var kind: String
    var members: [String]?
}

/// `GET /local/participants` → the people the web page can act as, the bot, and the default channel.
struct ParticipantsPayload: Codable, Equatable {
    var participants: [ParticipantPayload]
    var bot: UserPayload?
    var defaultChannel: String
}

/// `{"id","name","role","token"}`: a person the web page can act as.
struct ParticipantPayload: Codable, Equatable {
    var id: String
    var name: String
    var role: String
    var token: String
}

/// `{"error": "..."}`: the body of every 4xx answer.
struct ErrorPayload: Codable, Equatable {
    var error: String
}

// MARK: - From the model

extension UpdatePayload {
    init(_ message: LoggedMessage) {
        self.init(
            id: String(message.id),
            channel: message.channelID,
            user: UserPayload(id: message.senderID, name: message.senderName),
            text: message.text,
            ts: Self.timestamp(message.date),
            thread: message.thread
        )
    }

    /// UTC with milliseconds and a `Z`, as JavaScript's `Date.toISOString()` writes it:
    /// `2026-11-30T10:00:00.123Z`.
    ///
    /// The milliseconds are rounded here rather than by the format style, which truncates:
    /// `…800.123` as a `Double` is `…800.12299…` and would print as `.122`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)  // "…T10:00:00Z"
        let digits = String(fraction)
        return "\(whole.dropLast()).\(String(repeating: "0", count: 3 - digits.count))\(digits)Z"
    }
}

extension UpdatesPayload {
    init(_ batch: UpdateBatch) {
        self.init(updates: batch.messages.map(UpdatePayload.init), cursor: String(batch.cursor))
    }
}

extension ChannelPayload {
    init(_ channel: ChatDirectory.Channel, name: String) {
        self.init(
            id: channel.id,
            name: name,
            kind: channel.kind.rawValue,
            members: channel.kind == .direct ? channel.members : nil
        )
    }
}
