import Foundation

/// A user of the fake server: a person or a bot, each with a personal access token of its own.
public struct MattermostFakeUser: Sendable, Equatable {
    public var id: String
    public var username: String
    public var token: String
    public var isBot: Bool
}

/// A post as the fake stores it; times are the fake server's milliseconds.
public struct MattermostFakePost: Sendable, Equatable {
    public var id: String
    public var channelID: String
    public var userID: String
    public var rootID: String
    public var message: String
    public var createAt: Int64
    public var updateAt: Int64
    public var editAt: Int64 = 0
    public var deleteAt: Int64 = 0
    /// "" for what people type; `system_join_channel` and the like for system posts.
    public var type: String = ""
    /// String-valued props (`from_bot`, `from_webhook`, …).
    public var props: [String: String] = [:]
    /// The `pending_post_id` it was created with ("" when none).
    public var pendingPostID: String = ""
}

/// One request the fake answered, for tests that check what the bot asked and when.
public struct MattermostFakeRequest: Sendable {
    public var method: String
    public var path: String
    /// Query parameters, decoded.
    public var query: [String: String]
    /// The user the token belonged to (nil for a wrong or missing token).
    public var userID: String?
    public var status: Int
    /// When the fake received it (the test process's monotonic clock).
    public var receivedAt: ContinuousClock.Instant
}

/// A channel of the fake server.
struct FakeChannel {
    var id: String
    /// `O` public, `P` private, `D` direct, `G` group.
    var type: String
    var name: String
    var displayName: String
    var teamID: String
    var members: Set<String>
    var createAt: Int64
    var lastPostAt: Int64
    var totalMessages = 0
    var deleteAt: Int64 = 0
    var postIDs: [String] = []
}

/// Something the next matching request gets instead of its normal answer.
enum FakeFault {
    /// 429 `limit exceeded`, text/plain, with `Retry-After` (and the `X-RateLimit-*` headers).
    case rateLimited(retryAfter: Int)
    /// A 5xx with Mattermost's error body.
    case serverError(status: Int)
    /// The normal answer, but with `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset: reset`.
    case budgetSpent(reset: Int)
    /// The normal answer, after `delay`: a server or proxy that hangs.
    case stall(Duration)
}

/// Which requests a fault applies to.
public enum MattermostFakeRoute: Sendable, Equatable {
    case any
    /// `POST /api/v4/posts`.
    case createPost
    /// `GET /api/v4/users/me/channels`.
    case listChannels
    /// `GET /api/v4/channels/{id}/posts`.
    case channelPosts

    func matches(method: String, path: String) -> Bool {
        switch self {
        case .any: true
        case .createPost: method == "POST" && path == "/api/v4/posts"
        case .listChannels: method == "GET" && path == "/api/v4/users/me/channels"
        case .channelPosts: method == "GET" && path.hasPrefix("/api/v4/channels/") && path.hasSuffix("/posts")
        }
    }
}

enum FakeIDs {
    /// A Mattermost id: 26 characters of lowercase letters and digits.
    static func make() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<26).map { _ in alphabet.randomElement()! })
    }

    /// The HTTP `Date` of a server time in ms.
    static func httpDate(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
