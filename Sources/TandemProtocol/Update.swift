import Foundation

/// One message in an ``UpdatesPage``.
public struct Update: Codable, Sendable, Equatable {
    /// The message's id, unique per server: what a reply names as its ``thread``.
    public var id: String
    /// The id of the channel it was posted in, as ``ChannelList`` lists it.
    public var channel: String
    /// Who posted it.
    public var user: User
    /// The text as posted (Markdown when the bot wrote it).
    public var text: String
    /// When the server took the message, in the ``Timestamp`` format (wire name `ts`).
    ///
    /// Tandem's endpoint always sends it; optional on decode because the client does not need it and has never
    /// required it of a bridge.
    public var timestamp: String?
    /// The id of the message this one replies to, if it is a reply.
    public var thread: String?

    public init(id: String, channel: String, user: User, text: String, timestamp: String?, thread: String? = nil) {
        self.id = id
        self.channel = channel
        self.user = user
        self.text = text
        self.timestamp = timestamp
        self.thread = thread
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, user, text, thread
        case timestamp = "ts"
    }

    /// ``timestamp`` as a date: `nil` when it is missing or not ISO 8601.
    public var date: Date? { timestamp.flatMap(Timestamp.date(from:)) }
}

/// A participant as updates name it: the sender of an ``Update``.
public struct User: Codable, Sendable, Equatable {
    /// Stable: what the bot keys its members by.
    public var id: String
    /// The display name at the time of posting.
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
