import Foundation
import Synchronization
import TandemLoopbackTesting

/// A loopback fake of the part of Zulip's API a bot uses, following "what a faithful Zulip fake must do"
/// (PLATFORMS-WEBHOOKS.md 6.8): HTTP Basic `email:api_key` (401 `INVALID_API_KEY` otherwise) and `X-RateLimit-*`
/// headers on every answer, 429 `RATE_LIMIT_HIT` with `Retry-After` and `retry-after` past `requestsPerMinute` or
/// on demand; `/register` (queue id, `last_event_id: -1`, `max_message_id`, the realm's limits); `GET /events`
/// holding a poll until an event or a heartbeat, pruning acknowledged events, refusing a cursor behind what it
/// pruned, and `BAD_EVENT_QUEUE_ID` for an expired queue, whose messages stay readable through `GET /messages`
/// (`anchor`, `include_anchor`, `num_before`, `num_after`, `narrow`); `POST /messages` form-encoded, checked and
/// echoed into every queue of everyone who receives it, the sender's own included.
///
/// People talk through ``say(_:as:in:topic:)`` and ``sayDirect(_:as:to:)`` (in process, as their clients would
/// through the API); tests wait for the bot's posts with ``botPosts(count:)`` and for its requests with
/// ``request(where:)``: signals, never sleeps.
public final class ZulipFake: Sendable {
    private let state: ZulipFakeState
    /// e.g. `http://127.0.0.1:40123`: the bot's `transport.site`.
    public let site: String

    private init(state: ZulipFakeState, site: String) {
        self.state = state
        self.site = site
    }

    /// Runs the fake while `body` runs, then stops it.
    public static func withRunning<Result>(
        _ configuration: ZulipFakeConfiguration = .team(), body: (ZulipFake) async throws -> Result
    ) async throws -> Result {
        let state = ZulipFakeState(configuration: configuration)
        return try await withLoopbackHTTPServer({ request in await state.respond(to: request) }) { site in
            try await body(ZulipFake(state: state, site: site))
        }
    }

    public var configuration: ZulipFakeConfiguration { state.configuration }
    public var bot: ZulipFakeConfiguration.User { configuration.bot }

    public func user(named name: String) -> ZulipFakeConfiguration.User {
        configuration.users.first { $0.fullName.hasPrefix(name) }!
    }

    public func channel(named name: String) -> Int { configuration.channels.first { $0.name == name }!.id }

    // MARK: - Talking

    /// Posts `text` as `user` in a channel's topic; returns the message id.
    @discardableResult
    public func say(_ text: String, as user: ZulipFakeConfiguration.User, in channel: Int, topic: String = "general") -> Int {
        state.add(from: user.id, channel: channel, topic: topic, people: [], content: text).id
    }

    /// Sends `text` as `user` directly to `people` (the bot, say); returns the message id.
    @discardableResult
    public func sayDirect(_ text: String, as user: ZulipFakeConfiguration.User, to people: [Int]) -> Int {
        state.add(from: user.id, channel: nil, topic: "", people: people, content: text).id
    }

    // MARK: - Arranging

    /// The next `count` requests of the bot to `path` (e.g. `/api/v1/messages`; "*" for any) answer 429
    /// `RATE_LIMIT_HIT` with `Retry-After: retryAfter` (fractional values as Zulip sends them).
    public func rateLimitNext(_ count: Int, retryAfter: Double, path: String = "*") {
        state.mutable.withLock { $0.faults[path, default: []] += Array(repeating: .rateLimited(retryAfter: retryAfter), count: count) }
    }

    /// The next `count` requests of the bot to `path` answer `status` with an HTML error page, as a proxy in front
    /// of a restarting server does.
    public func failNext(_ count: Int, status: Int = 502, path: String = "*") {
        state.mutable.withLock { $0.faults[path, default: []] += Array(repeating: .serverError(status: status), count: count) }
    }

    /// Drops every event queue of `user` (everyone's when nil), as Zulip's garbage collector does after ten idle
    /// minutes: a poll waiting on one is answered, and every later poll gets `BAD_EVENT_QUEUE_ID`. Messages sent
    /// meanwhile are not replayed to a new queue.
    public func expireQueues(of user: ZulipFakeConfiguration.User? = nil) {
        state.expireQueues(of: user?.id)
    }

    // MARK: - Reading

    /// Every message, in id order.
    public var messages: [ZulipFakeMessage] { state.mutable.withLock { $0.messages } }

    /// The bot's messages, in id order.
    public var botPosts: [ZulipFakeMessage] { messages.filter { $0.senderID == bot.id } }

    /// The bot's first `count` messages, once it has sent that many.
    /// - Throws: `CancellationError` if the calling task is cancelled first (use a time limit on the test).
    public func botPosts(count: Int) async throws -> [ZulipFakeMessage] {
        let bot = bot.id
        try await state.wait { $0.messages.filter { $0.senderID == bot }.count >= count }
        return Array(botPosts.prefix(count))
    }

    /// Every request answered so far, in order.
    public var requests: [ZulipFakeRequest] { state.mutable.withLock { $0.requests } }

    /// Waits for a request (already answered, or the next one) that `match`es, and returns it.
    /// - Throws: `CancellationError` if the calling task is cancelled first.
    @discardableResult
    public func request(where match: @escaping @Sendable (ZulipFakeRequest) -> Bool) async throws -> ZulipFakeRequest {
        try await state.wait { $0.requests.contains(where: match) }
        return requests.last(where: match)!
    }

    /// The path of the mark recorded when a poll begins to wait on a live queue with nothing pending for it.
    public static let waitingPath = "/api/v1/events (waiting)"

    /// Waits until the bot holds a long poll on a live queue with nothing pending, recorded after request number
    /// `after` (a count of ``requests`` taken before): from then on it receives everything said.
    public func botListening(after: Int = 0) async throws {
        let bot = bot.id
        try await request { $0.sequence >= after && $0.userID == bot && $0.path == Self.waitingPath }
    }

    /// The ids of the queues currently alive.
    public var queueIDs: [String] { state.mutable.withLock { Array($0.queues.keys).sorted() } }
}
