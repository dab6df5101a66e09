import Foundation
import TandemLoopbackTesting
import Synchronization

/// A loopback fake of the part of Slack's Web API the relay calls: `auth.test`, `chat.postMessage`, and a slash
/// command's `response_url`, following "what a faithful fake must do" in PLATFORMS-WEBHOOKS.md (2.4, 3.5).
///
/// It listens on 127.0.0.1 at a free port for the duration of ``withRunning(_:now:body:)``. Point the relay's
/// Slack API base URL at ``apiURL`` (in place of `https://slack.com/api`). Every accepted post is kept verbatim;
/// tests read ``posts`` or wait for them with ``posts(count:)``, and arrange failures with
/// ``rateLimitNext(_:retryAfter:)`` and ``failNext(_:status:)``.
///
/// ```swift
/// try await SlackWebAPIFake.withRunning { slack in
///     // start the relay with apiBaseURL: slack.apiURL, token: slack.configuration.botToken …
///     slack.rateLimitNext(1, retryAfter: 1)
///     let posts = try await slack.posts(count: 1)
///     #expect(posts[0].text == "pong")
///     #expect(slack.refusals["ratelimited"] == 1)
/// }
/// ```
public final class SlackWebAPIFake: Sendable {
    /// The workspace the fake pretends to be and the bot's identity in it.
    public struct Configuration: Sendable {
        /// The bot token (`xoxb-…`) requests must carry as `Authorization: Bearer …`.
        public var botToken = "xoxb-0000-fake-tandem"
        public var team = "Fake"
        public var teamID = "T0FAKE"
        /// The bot's user id (`auth.test`'s `user_id`, the `user` of its messages).
        public var botUserID = "U0TANDEM"
        /// The bot's bot id (`bot_id` on its messages, which the relay must drop when they come back as events).
        public var botID = "B0TANDEM"
        /// Channels the bot is a member of and may post to: `C…` public channels, `D…` direct messages.
        public var memberChannels: Set<String> = ["C0GENERAL", "D0TANDEM"]
        /// Channels that exist but the bot has not joined: posting there gives `not_in_channel` (the fake
        /// assumes no `chat:write.public` scope). Any other id gives `channel_not_found`.
        public var otherChannels: Set<String> = ["C0ELSEWHERE"]
        /// An automatic per-channel limit on `chat.postMessage`; nil (the default) for none.
        public var channelRateLimit: ChannelRateLimit? = nil
        /// How many posts each `response_url` accepts (Slack: 5).
        public var responseURLUses = 5

        public init() {}
    }

    /// Slack's "1 message per second to a specific channel", with short bursts allowed (3.3), as a token bucket.
    public struct ChannelRateLimit: Sendable {
        public var messagesPerSecond: Double
        /// Posts allowed at once before the limit applies.
        public var burst: Int

        public init(messagesPerSecond: Double = 1, burst: Int = 3) {
            self.messagesPerSecond = messagesPerSecond
            self.burst = burst
        }
    }

    private let state: SlackWebAPIState
    /// The fake's address, e.g. `http://127.0.0.1:40123`.
    public let baseURL: String

    private init(state: SlackWebAPIState, baseURL: String) {
        self.state = state
        self.baseURL = baseURL
    }

    /// Runs the fake while `body` runs, then stops it.
    /// - Parameters:
    ///   - configuration: the workspace, the bot and its channels.
    ///   - now: the clock for message `ts` values and the automatic rate limit (inject one to control them).
    ///   - body: gets the running fake.
    public static func withRunning<Result>(
        _ configuration: Configuration = .init(),
        now: @escaping @Sendable () -> Date = Date.init,
        body: (SlackWebAPIFake) async throws -> Result
    ) async throws -> Result {
        let state = SlackWebAPIState(configuration: configuration, now: now)
        return try await withLoopbackHTTPServer({ request in state.respond(to: request) }) { baseURL in
            try await body(SlackWebAPIFake(state: state, baseURL: baseURL))
        }
    }

    /// What the fake was configured with (the token to give the relay, the bot's ids).
    public var configuration: Configuration { state.configuration }

    /// The Web API base URL, standing in for `https://slack.com/api`: methods are at `apiURL + "/chat.postMessage"`.
    public var apiURL: String { baseURL + "/api" }

    // MARK: - Arranging

    /// Makes the next `count` `chat.postMessage` calls answer HTTP 429 with `Retry-After: retryAfter` and
    /// `{"ok":false,"error":"ratelimited"}`, whatever they carry. Queued after any earlier arranged faults.
    public func rateLimitNext(_ count: Int, retryAfter: Int = 1) {
        state.mutable.withLock { $0.faults += Array(repeating: .rateLimited(retryAfter: retryAfter), count: count) }
    }

    /// Makes the next `count` `chat.postMessage` calls answer `status` with `{"ok":false,"error":"internal_error"}`
    /// (`service_unavailable` for 503), storing nothing. Queued after any earlier arranged faults.
    public func failNext(_ count: Int, status: Int = 500) {
        state.mutable.withLock { $0.faults += Array(repeating: .serverError(status: status), count: count) }
    }

    /// Records a message that someone else posted (e.g. the user message an event carried), so the bot may reply
    /// in its thread. Pass `threadTS` for a message that is itself a thread reply: it cannot be a parent.
    public func addMessage(channel: String, ts: String, threadTS: String? = nil) {
        let isReply = threadTS != nil && threadTS != ts
        state.mutable.withLock { $0.channels[channel, default: .init()].isReply[ts] = isReply }
    }

    /// A fresh `response_url` for a slash command (any `/commands/<id>` path works; this just makes unique ones).
    public func makeResponseURL() -> String {
        let id = state.mutable.withLock { state in
            defer { state.nextResponseURLID += 1 }
            return state.nextResponseURLID
        }
        return "\(baseURL)/commands/\(configuration.teamID)/\(id)/fake"
    }

    // MARK: - Reading

    /// Every post `chat.postMessage` accepted, in `ts` order.
    public var posts: [SlackPost] { state.posts.items }

    /// The first `count` accepted posts, once there are that many; waits for them without polling.
    /// - Throws: `CancellationError` if the calling task is cancelled first (use a time limit on the test).
    public func posts(count: Int) async throws -> [SlackPost] {
        try await state.posts.first(count)
    }

    /// Every post a `response_url` accepted, in arrival order.
    public var responseURLPosts: [SlackResponseURLPost] { state.responseURLPosts.items }

    /// The first `count` accepted `response_url` posts, once there are that many.
    /// - Throws: `CancellationError` if the calling task is cancelled first.
    public func responseURLPosts(count: Int) async throws -> [SlackResponseURLPost] {
        try await state.responseURLPosts.first(count)
    }

    /// How many requests the fake refused, by error code (`not_authed`, `ratelimited`, `expired_url`, …).
    public var refusals: [String: Int] { state.mutable.withLock { $0.refusals } }
}
