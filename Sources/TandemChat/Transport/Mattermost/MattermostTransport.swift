import Foundation
import Logging
import Synchronization
import TandemCore

/// Mattermost through REST API v4, polled: `GET /users/me/channels` and `GET /channels/{id}/posts?since=` in,
/// `POST /posts` out. Works with any server version since 6.1 and needs no WebSocket or plugin.
///
/// - The cursor holds a position per channel in server time (``MattermostCursor``); the bot journals it with the
///   outcomes it covers, so no post is missed or repeated across restarts, whatever the bot's own clock says.
///   `poll(after: nil)` starts each channel at its newest post and returns nothing.
/// - One request per idle poll: the channel list, whose `last_post_at` tells which channels have news; only
///   those are fetched. Every channel the bot is a member of is read, including direct messages (type `D`,
///   which need no address). A poll waits up to `pollWindow` for news, listing every `pollInterval`.
/// - `send` uses `<bot user id>:<outbox key>` as `pending_post_id`: the server answers a repeat within 30 s with
///   the post it already made. Each post also keeps its key in `props`; a reply that was owed when the bot started
///   (``Configuration/owedAtStart``) is first looked for among the channel's newest posts, so a resend after a
///   longer downtime is not posted twice either. A reply to a post in a thread goes into that thread (`root_id`).
/// - Rate limits: a 429's `Retry-After` (or `X-RateLimit-Reset`) is the wait; an answer with
///   `X-RateLimit-Remaining: 0` makes the next request wait `X-RateLimit-Reset` seconds first.
public final class MattermostTransport: ChatTransport {
    public struct Configuration: Sendable {
        /// e.g. `https://chat.example.com`; no trailing slash needed.
        public var serverURL: String
        /// A personal access token (of the bot account).
        public var token: String
        /// How often an idle poll lists the channels again.
        public var pollInterval: Duration = .seconds(1)
        /// How long one poll waits for news before it returns an empty batch.
        public var pollWindow: Duration = .seconds(25)
        /// How long one request may take; a server that does not answer in time is a transient error.
        public var requestTimeout: Duration = .seconds(30)
        /// Posts per page when more than the 1,000 posts `since` returns must be fetched.
        public var pageSize = 200
        public var partLimit = MattermostRenderer.defaultPartLimit
        /// Outbox keys of the replies owed when the bot started: they may have been posted before a crash.
        public var owedAtStart: Set<String> = []
        /// How many of a channel's newest posts are searched for an owed reply.
        public var owedSearchDepth = 200

        public init(serverURL: String, token: String) {
            self.serverURL = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
            self.token = token
        }
    }

    /// Who the bot is on the server.
    public struct Identity: Sendable, Equatable {
        public var userID: String
        public var username: String
    }

    /// A channel the bot is a member of, for `check-config --probe`.
    public struct ChannelSummary: Sendable, Equatable {
        public var id: String
        public var name: String?
        /// `O` public, `P` private, `D` direct, `G` group.
        public var type: String
        public var isDirect: Bool { type == "D" }
    }

    /// What `since` returns at most (`GetPostsSince`'s limit): more new posts than this are paged for.
    static let sinceCap = 1_000

    private let configuration: Configuration
    private let http: any HTTPClient
    private let logger: Logger
    private let api: String
    private let headers: [HTTPField]
    private let decoder = JSONDecoder()
    private let connecting = SharedFetch<Identity>()
    /// User id → username, for senders; usernames rarely change, and a restart forgets them.
    private let usernames = Mutex<[String: String]>([:])
    /// No request before this instant: the server said its budget is spent (`X-RateLimit-Remaining: 0`, 429).
    private let pausedUntil = Mutex<ContinuousClock.Instant?>(nil)

    public init(configuration: Configuration, http: any HTTPClient, logger: Logger = Logger(label: "tandem.mattermost")) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        api = configuration.serverURL + "/api/v4"
        headers = [HTTPField("Authorization", "Bearer " + configuration.token)]
    }

    // MARK: - Identity

    /// Learns the bot's user id and username (once; again after a failure).
    @discardableResult
    public func connect() async throws -> Identity {
        try await connecting.value { try await self.whoAmI() }
    }

    private func whoAmI() async throws -> Identity {
        let response = try await call(get("/users/me"), what: "GET /users/me")
        let user = try decode(MattermostUser.self, response)
        usernames.withLock { $0[user.id] = user.username }
        return Identity(userID: user.id, username: user.username)
    }

    // MARK: - Receiving

    public func poll(after cursor: String?) async throws -> TransportBatch {
        let me = try await connect()
        guard let cursor, var current = MattermostCursor(cursor) else {
            if cursor != nil {
                logger.warning("the stored cursor is not a Mattermost cursor (was the transport changed?); reading from now on")
            }
            return TransportBatch(messages: [], cursor: MattermostCursor.startingAt(try await channels()).text)
        }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.pollWindow
        while true {
            let listing = try await channels()
            var next = MattermostCursor(since: max(current.since, listing.map(\.lastPostAt).max() ?? 0), channels: [:])
            var found: [(post: MattermostPost, isDirect: Bool)] = []
            for channel in listing {
                let position = current.position(of: channel.id, type: channel.type)
                next.channels[channel.id] = position
                guard channel.lastPostAt > position.at else { continue }
                let posts: [MattermostPost]
                do {
                    posts = try await newPosts(in: channel.id, after: position)
                } catch let error as TransportError where error.kind == .rejected(status: 403) || error.kind == .rejected(status: 404) {
                    logger.warning("cannot read a channel; skipping it", metadata: ["channel": "\(channel.id)", "error": "\(error)"])
                    continue
                }
                next.channels[channel.id] = position.advanced(past: posts)
                found += posts.filter { $0.isCommandCandidate(ownUserID: me.userID) }.map { ($0, channel.type == "D") }
            }
            if !found.isEmpty {
                let names = try await self.usernames(of: Set(found.map(\.post.userID)))
                let messages = found.sorted { ($0.post.createAt, $0.post.id) < ($1.post.createAt, $1.post.id) }.map {
                    $0.post.chatMessage(username: names[$0.post.userID] ?? $0.post.userID, isDirect: $0.isDirect)
                }
                return TransportBatch(messages: messages, cursor: next.text)
            }
            current = next
            // Nothing to answer: own posts, edits and system posts only move the positions, which are returned at
            // the end of the window (one journal record), not after every reply.
            if clock.now >= deadline { return TransportBatch(messages: [], cursor: current.text) }
            try await clock.sleep(for: configuration.pollInterval)
        }
    }

    /// The bot's channels, archived ones left out.
    private func channels() async throws -> [MattermostChannel] {
        let response = try await call(get("/users/me/channels"), what: "GET /users/me/channels")
        return try decode([Lenient<MattermostChannel>].self, response).decoded().filter { $0.deleteAt == 0 }
    }

    /// The posts of `channel` after `position`, oldest first: whatever kind (own, system, deleted), since all
    /// of them move the position.
    ///
    /// `since` returns at most 1,000 posts, the newest ones; when it is full, the older ones are read page by page
    /// (newest first) until the position is reached. Pages, not `before`: `before` skips the posts that share the
    /// anchor's millisecond. A post arriving meanwhile shifts the pages and shows up twice, which is filtered.
    private func newPosts(in channel: String, after position: MattermostCursor.Position) async throws -> [MattermostPost] {
        let path = "/channels/\(Self.escaped(channel))/posts"
        let list = try await postList(path + "?since=\(position.since)")
        var posts = list.ordered.filter(position.isNew)
        if list.order.count >= Self.sinceCap {
            var page = 0
            while true {
                let older = try await postList(path + "?page=\(page)&per_page=\(configuration.pageSize)").ordered
                posts += older.filter(position.isNew)
                if older.count < configuration.pageSize || older.contains(where: { $0.createAt < position.at }) { break }
                page += 1
            }
            logger.info("paged for posts past the 1,000 of one poll", metadata: ["channel": "\(channel)", "posts": "\(posts.count)"])
        }
        var seen = Set<String>()
        return posts.filter { seen.insert($0.id).inserted }.sorted { ($0.createAt, $0.id) < ($1.createAt, $1.id) }
    }

    private func postList(_ pathAndQuery: String) async throws -> MattermostPostList {
        try decode(MattermostPostList.self, try await call(get(pathAndQuery), what: "GET /channels/…/posts", channelScoped: true))
    }

    /// Usernames by user id, asking the server (`POST /users/ids`) for those not known yet.
    private func usernames(of ids: Set<String>) async throws -> [String: String] {
        let missing = usernames.withLock { known in ids.filter { known[$0] == nil } }
        if !missing.isEmpty {
            let body = try JSONEncoder().encode(missing.sorted())
            let response = try await call(
                HTTPClientRequest(
                    method: "POST", url: api + "/users/ids", headers: headers + [HTTPField("Content-Type", "application/json")],
                    body: body, timeout: configuration.requestTimeout, secrets: [configuration.token]),
                what: "POST /users/ids")
            let users = try decode([Lenient<MattermostUser>].self, response).decoded()
            usernames.withLock { known in for user in users { known[user.id] = user.username } }
        }
        return usernames.withLock { known in known.filter { ids.contains($0.key) } }
    }

    // MARK: - Sending

    /// Posts each part of the rendered reply; part n > 0 has the key `key.n`, so a retry after a failed part
    /// posts the earlier ones again as no-ops (within the server's 30 s). Returns the first part's post id ("" for
    /// an empty reply).
    public func send(_ message: OutgoingChatMessage) async throws -> String {
        let me = try await connect()
        let posted = configuration.owedAtStart.contains(message.idempotencyKey)
            ? try await alreadyPosted(in: message.channel, me: me) : [:]
        var first = ""
        for (n, part) in MattermostRenderer(partLimit: configuration.partLimit).render(message.body).enumerated() {
            let key = n == 0 ? message.idempotencyKey : message.idempotencyKey + ".\(n)"
            var id = posted[key]
            if id == nil {
                // The server's cache of pending ids is global: the bot's id keeps another bot's keys apart.
                let post = MattermostNewPost(
                    channelID: message.channel, message: part, rootID: message.thread, pendingPostID: me.userID + ":" + key,
                    props: .init(outboxKey: key))
                let response = try await call(
                    try HTTPClientRequest.json(
                        url: api + "/posts", body: post, headers: headers, timeout: configuration.requestTimeout, secrets: [configuration.token]),
                    what: "POST /posts", channelScoped: true)
                id = try decode(MattermostID.self, response).id
            } else {
                logger.info("a reply owed at the start was posted before; not posting it again", metadata: ["key": "\(key)"])
            }
            if n == 0 { first = id ?? "" }
        }
        return first
    }

    /// Outbox key → post id of the bot's posts among the channel's newest (`owedSearchDepth`).
    private func alreadyPosted(in channel: String, me: Identity) async throws -> [String: String] {
        let list = try await postList("/channels/\(Self.escaped(channel))/posts?page=0&per_page=\(configuration.owedSearchDepth)")
        var keys: [String: String] = [:]
        for post in list.ordered where post.userID == me.userID {
            if let key = post.outboxKey { keys[key] = post.id }
        }
        return keys
    }

    // MARK: - Probing

    /// The channels the bot is a member of: what `check-config --probe` lists.
    public func memberChannels() async throws -> [ChannelSummary] {
        _ = try await connect()
        return try await channels()
            .map { ChannelSummary(id: $0.id, name: $0.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? $0.name, type: $0.type) }
            .sorted { ($0.type, $0.name ?? "", $0.id) < ($1.type, $1.name ?? "", $1.id) }
    }

    // MARK: - HTTP

    private func get(_ pathAndQuery: String) -> HTTPClientRequest {
        HTTPClientRequest(url: api + pathAndQuery, headers: headers, timeout: configuration.requestTimeout, secrets: [configuration.token])
    }

    /// Sends (after any pause the server asked for) and maps the answer to what the caller should do. `what`
    /// names the call in errors without ids or tokens ("POST /posts").
    /// - Parameter channelScoped: a 403 or 404 concerns one channel (the bot is not in it), not the token.
    private func call(_ request: HTTPClientRequest, what: String, channelScoped: Bool = false) async throws -> HTTPClientResponse {
        if let until = pausedUntil.withLock({ $0 }), until > .now {
            try await ContinuousClock().sleep(until: until)
        }
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, "\(what): \(error.description)")
        }
        let reset = response.header("X-RateLimit-Reset").flatMap(Double.init)
        if response.header("X-RateLimit-Remaining").flatMap(Int.init) == 0 || response.status == 429 {
            let wait = response.status == 429 ? response.header("Retry-After").flatMap(Double.init) ?? reset ?? 1 : reset ?? 1
            pause(seconds: wait)
            if response.status == 429 {
                throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited (429), retry after \(wait) s")
            }
        }
        if (200..<300).contains(response.status) { return response }
        let error = try? decoder.decode(MattermostErrorBody.self, from: response.body)
        let redactor = Redactor(request: request)
        let reason = [error?.id, error?.message.map(redactor.mask)].compactMap { $0 }.joined(separator: ": ")
        let because = reason.isEmpty ? "\(response.status)" : "\(response.status) \(reason)"
        switch response.status {
        case 401:
            throw TransportError(
                .unauthorized, "\(what): the server refused the bot's token (\(because)); check the personal access token")
        case 403 where !channelScoped:
            throw TransportError(.unauthorized, "\(what): the bot lacks a permission (\(because))")
        case 500...:
            // Includes `api.post.deduplicate_create_post.pending`: the same post is still being saved; a retry
            // gets it.
            throw TransportError(.transient, "\(what): server error \(because)")
        default:
            throw TransportError(.rejected(status: response.status), "\(what): refused with \(because)")
        }
    }

    /// No request for `seconds` from now (never shortening a longer pause).
    private func pause(seconds: Double) {
        let until = ContinuousClock.now + .milliseconds(Int(max(seconds, 0) * 1000))
        pausedUntil.withLock { current in
            if current.map({ $0 < until }) ?? true { current = until }
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        do {
            return try decoder.decode(type, from: response.body)
        } catch {
            throw TransportError(.transient, "the Mattermost server sent an answer that is not the expected JSON: \(error)")
        }
    }

    /// Percent-encodes a path segment or query value: everything but unreserved characters.
    static func escaped(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
