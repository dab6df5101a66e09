import Foundation

/// The organisation a ``ZulipFake`` pretends to be: people, bots, channels and the server's limits.
public struct ZulipFakeConfiguration: Sendable {
    public struct User: Sendable, Equatable {
        public var id: Int
        public var fullName: String
        public var email: String
        public var apiKey: String
        public var isBot: Bool

        public init(id: Int, fullName: String, email: String, apiKey: String, isBot: Bool = false) {
            self.id = id
            self.fullName = fullName
            self.email = email
            self.apiKey = apiKey
            self.isBot = isBot
        }
    }

    public struct Channel: Sendable, Equatable {
        public var id: Int
        public var name: String
        public var subscribers: Set<Int>

        public init(id: Int, name: String, subscribers: Set<Int>) {
            self.id = id
            self.name = name
            self.subscribers = subscribers
        }
    }

    public var users: [User]
    public var channels: [Channel]
    /// How long `GET /events` holds an idle poll before it answers with a heartbeat (Zulip: 45–55 s).
    public var heartbeat: Duration = .seconds(2)
    /// A queue not polled for this long is gone (Zulip: 10 minutes); nil: queues live until expired by hand.
    public var idleQueueTimeout: Duration? = nil
    /// Requests a user may make per minute before 429 `RATE_LIMIT_HIT` (Zulip's default: 200).
    public var requestsPerMinute = 200
    public var maxMessageLength = 10_000
    public var maxTopicLength = 60
    /// Whether `@**all**`, `@**everyone**`, `@**channel**`, `@**stream**` and `@**topic**` may be sent.
    public var wildcardMentionsAllowed = true

    public init(users: [User], channels: [Channel]) {
        self.users = users
        self.channels = channels
    }

    /// The bot, Mia (marketing lead), Sam (sales), Jonas (sales, German); channels `joint` (1) and `sales` (2) with all
    /// of them, `elsewhere` (3) without the bot.
    public static func team() -> ZulipFakeConfiguration {
        let users = [
            User(id: 100, fullName: "Tandem", email: "tandem-bot@zulip.example.org", apiKey: "bot-key-4d1f9a", isBot: true),
            User(id: 11, fullName: "Mia Wagner", email: "mia@example.org", apiKey: "mia-key"),
            User(id: 12, fullName: "Sam Carter", email: "sam@example.org", apiKey: "sam-key"),
            User(id: 13, fullName: "Jonas Becker", email: "jonas@example.org", apiKey: "jonas-key"),
        ]
        let everyone = Set(users.map(\.id))
        return ZulipFakeConfiguration(
            users: users,
            channels: [
                Channel(id: 1, name: "joint", subscribers: everyone), Channel(id: 2, name: "sales", subscribers: everyone),
                Channel(id: 3, name: "elsewhere", subscribers: [11, 12]),
            ])
    }

    public var bot: User { users.first(where: \.isBot) ?? users[0] }
    public func user(_ id: Int) -> User? { users.first { $0.id == id } }
}

/// A message the fake holds, as Zulip stores it.
public struct ZulipFakeMessage: Sendable, Equatable {
    public var id: Int
    public var senderID: Int
    /// The channel's id, or nil for a direct message.
    public var channelID: Int?
    /// The topic; `""` for a direct message.
    public var topic: String
    /// A direct message's people, the sender included; empty for a channel message.
    public var people: [Int]
    public var content: String
    /// What Zulip's Markdown would notify: user ids mentioned, and whether a wildcard or a group was.
    public var mentions: ZulipFakeMentions
    /// The content was longer than `maxMessageLength` and was cut, as Zulip does ("[message truncated]").
    public var truncated = false
}

/// The mentions Zulip would find in a message's raw content (a simplified `zerver/lib/mention.py`).
public struct ZulipFakeMentions: Sendable, Equatable {
    public var userIDs: Set<Int> = []
    public var userNames: Set<String> = []
    public var wildcard = false
    public var groups: Set<String> = []

    public init() {}

    /// Mentions need `@` (or `@_`) right before `**name**` (users, wildcards) or `*name*` (groups), after the start,
    /// whitespace or one of `'"({[/<`. Code spans are left out, as Zulip renders them as code.
    public static func find(in content: String) -> ZulipFakeMentions {
        var found = ZulipFakeMentions()
        let text = Array(withoutCodeSpans(content))
        var i = 0
        while i < text.count {
            defer { i += 1 }
            guard text[i] == "@", i == 0 || text[i - 1].isWhitespace || "'\"({[/<".contains(text[i - 1]) else { continue }
            var j = i + 1
            if j < text.count, text[j] == "_" { j += 1 }
            let stars = j + 1 < text.count && text[j] == "*" && text[j + 1] == "*" ? 2 : (j < text.count && text[j] == "*" ? 1 : 0)
            guard stars > 0 else { continue }
            let start = j + stars
            var end = start
            while end < text.count, text[end] != "*" { end += 1 }
            guard end > start, end + stars <= text.count, text[end..<(end + stars)].allSatisfy({ $0 == "*" }) else { continue }
            let inner = String(text[start..<end])
            if stars == 1 {
                found.groups.insert(inner)
            } else if ["all", "everyone", "stream", "channel", "topic"].contains(inner) {
                found.wildcard = true
            } else if let bar = inner.lastIndex(of: "|"), let id = Int(inner[inner.index(after: bar)...]) {
                found.userIDs.insert(id)
            } else {
                found.userNames.insert(inner)
            }
            i = end + stars - 1
        }
        return found
    }

    private static func withoutCodeSpans(_ s: String) -> String {
        var out = ""
        var inCode = false
        for ch in s {
            if ch == "`" { inCode.toggle() } else if !inCode { out.append(ch) }
        }
        return inCode ? s : out
    }
}

/// One request the fake answered: who made it, and what.
public struct ZulipFakeRequest: Sendable {
    /// Its place among all requests recorded, from 0.
    public var sequence = 0
    public var method: String
    public var path: String
    public var userID: Int?
    /// The answer's status; 0 for the mark ``ZulipFake/waitingPath`` that a poll began to wait on a live queue.
    public var status: Int
    /// Query and form fields.
    public var fields: [String: String]
    /// When it was answered (or, for the waiting mark, when the poll began to wait).
    public var at = ContinuousClock.now
}
