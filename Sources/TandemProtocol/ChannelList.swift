/// The answer to `GET /channels`: the channels the caller can read and post in.
public struct ChannelList: Codable, Sendable, Equatable {
    /// Public channels first, then the caller's direct-message channels.
    public var channels: [Channel]

    public init(channels: [Channel]) {
        self.channels = channels
    }
}

/// A channel as ``ChannelList`` describes it.
///
/// Only ``id`` is required on decode: the client reads ``kind`` alone (to tell direct messages apart) and has
/// never required the rest of a bridge. Tandem's endpoint always sends ``name`` and ``kind``.
public struct Channel: Codable, Sendable, Equatable {
    /// What an ``Update`` and a ``NewMessage`` name the channel by.
    public var id: String
    /// The name to show; for a direct-message channel, the other member's name.
    public var name: String?
    /// Public channel or direct messages; a missing kind counts as a public channel.
    public var kind: Kind?
    /// The two members of a direct-message channel; absent for public channels.
    public var members: [String]?
    /// How the chat behind this channel reads a message's `text`; absent means ``Format/markdown``. A relay to
    /// Slack says ``Format/slack``, so the bot writes Slack's own markup there (real mentions, Slack's escaping).
    public var format: Format?

    public init(id: String, name: String?, kind: Kind?, members: [String]? = nil, format: Format? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.members = members
        self.format = format
    }

    /// `"channel"` or `"direct"`. A struct rather than an enum, so a bridge's new kind still decodes.
    public struct Kind: RawRepresentable, Codable, Sendable, Hashable {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A channel every participant sees.
        public static let channel = Kind(rawValue: "channel")
        /// Direct messages between two participants, seen only by them.
        public static let direct = Kind(rawValue: "direct")
    }

    /// `"markdown"` or `"slack"`. A struct rather than an enum, so a bridge's new format still decodes (and a
    /// client that does not know it writes Markdown).
    public struct Format: RawRepresentable, Codable, Sendable, Hashable {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The Markdown subset of Tandem's own endpoint: `**bold**`, `` `code` ``, `[title](url)`, `@id`.
        public static let markdown = Format(rawValue: "markdown")
        /// Slack's `mrkdwn`: `*bold*`, `<url|title>`, `<@U123>` mentions, `&<>` escaped.
        public static let slack = Format(rawValue: "slack")
    }
}
