import Foundation
import Synchronization
import TandemLoopbackTesting

/// A loopback fake of the part of Mattermost's REST API v4 a polling bot uses, faithful to the server's code
/// where the docs are vague (PLATFORMS.md §2, PLATFORMS-WEBHOOKS.md §7.3):
///
/// - every call needs `Authorization: Bearer <personal access token>`; a wrong one gets 401 with the error
///   body (`id`, `message`, `detailed_error`, `request_id`, `status_code`, `is_oauth`);
/// - `GET /users/me`, `POST /users/ids`, `GET /users/me/channels` (with `last_post_at`);
/// - `GET /channels/{id}/posts` with `since` (`update_at` strictly greater, edited and deleted posts included,
///   at most 1,000, newest first, the roots of replies in `posts` but not in `order`; 400 when combined with
///   `page`, `per_page`, `before` or `after`), `before`/`after` (`create_at` strictly around the anchor, no
///   deleted posts, paged), or plain pages; 403 for a channel the caller is not in;
/// - `POST /posts` (201) with `root_id` checks and `pending_post_id` deduplication for 30 s (a repeat gets the
///   stored post; one "still being saved" gets 500 `api.post.deduplicate_create_post.pending`);
/// - a server clock that can be far off the test machine's (``setSkew(milliseconds:)``), shown in `Date`;
/// - rate limits: `X-RateLimit-*` headers, 429 `limit exceeded` (text/plain) with `Retry-After`, on demand or
///   from a token bucket; 5xx on demand.
///
/// People post in process (``post(_:in:as:rootID:)``), as the web app would; the bot's posts are awaited with
/// ``created(until:)``: a signal, never a sleep.
public final class MattermostFake: Sendable {
    let state: MattermostFakeState
    /// e.g. `http://127.0.0.1:40123`: the bot's `serverURL`.
    public let baseURL: String
    /// The bot account, whose token the bot is given.
    public let bot: MattermostFakeUser

    private init(state: MattermostFakeState, baseURL: String, bot: MattermostFakeUser) {
        self.state = state
        self.baseURL = baseURL
        self.bot = bot
    }

    /// Runs the fake while `body` runs, then stops it. The server has one bot account, `botUsername`.
    public static func withRunning<Result>(
        botUsername: String = "tandem", body: (MattermostFake) async throws -> Result
    ) async throws -> Result {
        let state = MattermostFakeState()
        let bot = MattermostFakeUser(id: FakeIDs.make(), username: botUsername, token: FakeIDs.make(), isBot: true)
        state.mutable.withLock { $0.users[bot.id] = bot }
        return try await withLoopbackHTTPServer({ request in try await state.handle(request) }) { baseURL in
            try await body(MattermostFake(state: state, baseURL: baseURL, bot: bot))
        }
    }

    // MARK: - Arranging

    /// A new user with a token of its own.
    @discardableResult
    public func addUser(_ username: String, isBot: Bool = false) -> MattermostFakeUser {
        let user = MattermostFakeUser(id: FakeIDs.make(), username: username, token: FakeIDs.make(), isBot: isBot)
        state.mutable.withLock { $0.users[user.id] = user }
        return user
    }

    /// A new channel (`O` public, `P` private, `G` group) with these members; returns its id.
    public func addChannel(_ name: String, type: String = "O", members: [MattermostFakeUser]) -> String {
        state.mutable.withLock { m in
            let id = FakeIDs.make()
            let now = MattermostFakeState.now(&m)
            m.channels[id] = FakeChannel(
                id: id, type: type, name: name, displayName: name.capitalized, teamID: "teamteamteamteamteamteamte",
                members: Set(members.map(\.id)), createAt: now, lastPostAt: now)
            return id
        }
    }

    /// The direct channel of two users (`POST /channels/direct`), made on first use; returns its id.
    public func directChannel(_ a: MattermostFakeUser, _ b: MattermostFakeUser) -> String {
        state.mutable.withLock { m in
            let name = [a.id, b.id].sorted().joined(separator: "__")
            if let existing = m.channels.values.first(where: { $0.name == name }) { return existing.id }
            let id = FakeIDs.make()
            let now = MattermostFakeState.now(&m)
            m.channels[id] = FakeChannel(
                id: id, type: "D", name: name, displayName: "", teamID: "", members: [a.id, b.id], createAt: now, lastPostAt: now)
            return id
        }
    }

    /// Revokes every token of `user`: from now on each request with it gets 401.
    public func revokeTokens(of user: MattermostFakeUser) {
        state.mutable.withLock { $0.users[user.id]?.token = "" }
    }

    /// Adds `user` to `channel`, with the system post the server makes for it.
    public func add(_ user: MattermostFakeUser, to channel: String) {
        let post = state.mutable.withLock { m -> MattermostFakePost? in
            m.channels[channel]?.members.insert(user.id)
            return try? MattermostFakeState.createPost(
                &m, userID: user.id, channelID: channel, message: "\(user.username) joined the channel.", rootID: "", pendingPostID: "",
                type: "system_join_channel"
            ).get()
        }
        if let post { state.created.append(post) }
    }

    /// Removes `user` from `channel`.
    public func remove(_ user: MattermostFakeUser, from channel: String) {
        state.mutable.withLock { _ = $0.channels[channel]?.members.remove(user.id) }
    }

    /// Posts `message` as `user`, as the web app would; `createAt` forces the server time (ms) it gets, e.g. the
    /// same millisecond as another post. Returns the post.
    @discardableResult
    public func post(
        _ message: String, in channel: String, as user: MattermostFakeUser, rootID: String = "", props: [String: String] = [:],
        type: String = "", createAt: Int64? = nil
    ) throws -> MattermostFakePost {
        let result = state.mutable.withLock { m in
            MattermostFakeState.createPost(
                &m, userID: user.id, channelID: channel, message: message, rootID: rootID, pendingPostID: "", props: props, type: type,
                createAt: createAt)
        }
        let post = try result.mapError { MattermostFakeError(description: "\($0.status) \($0.id)") }.get()
        state.created.append(post)
        return post
    }

    /// Edits a post: new message, `update_at` and `edit_at` now.
    public func edit(_ postID: String, message: String) {
        state.mutable.withLock { m in
            let now = MattermostFakeState.now(&m)
            m.posts[postID]?.message = message
            m.posts[postID]?.updateAt = now
            m.posts[postID]?.editAt = now
        }
    }

    /// Deletes a post: `delete_at` and `update_at` now.
    public func delete(_ postID: String) {
        state.mutable.withLock { m in
            let now = MattermostFakeState.now(&m)
            m.posts[postID]?.deleteAt = now
            m.posts[postID]?.updateAt = now
        }
    }

    /// Sets the server's clock to the test machine's plus `milliseconds` (negative: behind).
    public func setSkew(milliseconds: Int64) {
        state.mutable.withLock { m in
            m.skew = milliseconds
            m.lastMillis = 0
        }
    }

    /// Whether each post gets a millisecond of its own (the default); off, posts made in a burst share them.
    public func setDistinctMilliseconds(_ distinct: Bool) {
        state.mutable.withLock { $0.distinctMilliseconds = distinct }
    }

    /// The server's clock now, in ms.
    public var serverTime: Int64 { state.mutable.withLock { MattermostFakeState.now(&$0) } }

    /// The next `count` requests on `route` get 429 `limit exceeded` with `Retry-After: retryAfter`.
    public func rateLimitNext(_ count: Int, retryAfter: Int = 1, on route: MattermostFakeRoute = .any) {
        state.mutable.withLock { $0.faults += Array(repeating: (route, .rateLimited(retryAfter: retryAfter)), count: count) }
    }

    /// The next `count` requests on `route` get `status` with the error body, and change nothing.
    public func failNext(_ count: Int, status: Int = 500, on route: MattermostFakeRoute = .any) {
        state.mutable.withLock { $0.faults += Array(repeating: (route, .serverError(status: status)), count: count) }
    }

    /// The next request on `route` is answered normally, but says the budget is spent: `X-RateLimit-Remaining: 0`,
    /// `X-RateLimit-Reset: reset` (seconds).
    public func spendBudgetNext(reset: Int, on route: MattermostFakeRoute = .any) {
        state.mutable.withLock { $0.faults.append((route, .budgetSpent(reset: reset))) }
    }

    /// The next request on `route` is answered only after `delay`, as a hanging server or proxy would.
    public func stallNext(for delay: Duration, on route: MattermostFakeRoute = .any) {
        state.mutable.withLock { $0.faults.append((route, .stall(delay))) }
    }

    /// Turns on the server's own rate limit (per user, a token bucket), or off with nil.
    public func setRateLimit(perSecond: Double?, burst: Int = 100) {
        state.mutable.withLock { m in
            m.rateLimit = perSecond.map { ($0, burst) }
            m.buckets = [:]
        }
    }

    /// A post with `pendingPostID` is "still being saved" by a first request: the next `answers` requests with
    /// that id get 500 `api.post.deduplicate_create_post.pending`; with the last of them the post is made, and a
    /// later request gets it.
    public func simulateInFlight(pendingPostID: String, answers: Int) {
        state.mutable.withLock { $0.inFlight[pendingPostID] = answers }
    }

    /// Forgets every `pending_post_id`, as 30 s passing does.
    public func expirePendingPostIDs() {
        state.mutable.withLock { $0.pendingPostIDs = [:] }
    }

    // MARK: - Reading

    /// Every post now stored, with edits and deletions, oldest first.
    public var posts: [MattermostFakePost] {
        state.mutable.withLock { $0.posts.values.sorted { ($0.createAt, $0.id) < ($1.createAt, $1.id) } }
    }

    /// Every post made (by anyone), in the order made, as it was made.
    public var created: [MattermostFakePost] { state.created.items }

    /// The posts made so far, once `done` holds for them.
    public func created(until done: @escaping @Sendable ([MattermostFakePost]) -> Bool) async throws -> [MattermostFakePost] {
        try await state.created.wait(until: done)
    }

    /// The posts `user` made so far, once there are `count`.
    public func created(by user: MattermostFakeUser, count: Int) async throws -> [MattermostFakePost] {
        let id = user.id
        return try await created { $0.filter { $0.userID == id }.count >= count }.filter { $0.userID == id }
    }

    /// How many `POST /posts` were answered with a post made before (a resend within 30 s).
    public var deduplicatedPosts: Int { state.mutable.withLock { $0.deduplicated } }

    /// Every request answered so far.
    public var requests: [MattermostFakeRequest] { state.requests.items }

    /// The requests answered so far, once `done` holds for them.
    public func requests(until done: @escaping @Sendable ([MattermostFakeRequest]) -> Bool) async throws -> [MattermostFakeRequest] {
        try await state.requests.wait(until: done)
    }
}

/// The fake refused what a test asked of it.
public struct MattermostFakeError: Error, CustomStringConvertible {
    public var description: String
}
