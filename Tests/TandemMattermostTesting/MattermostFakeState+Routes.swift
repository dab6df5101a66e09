import Foundation
import Synchronization
import TandemLoopbackTesting

extension MattermostFakeState {
    /// Answers one request, first waiting out an arranged stall.
    func handle(_ request: LoopbackHTTPRequest) async throws -> LoopbackHTTPResponse {
        let stall = mutable.withLock { m -> Duration? in
            guard let index = m.faults.firstIndex(where: {
                if case .stall = $0.fault { $0.route.matches(method: request.method, path: request.path) } else { false }
            }), case .stall(let delay) = m.faults.remove(at: index).fault else { return nil }
            return delay
        }
        // Simulates a server that hangs; the waiting client is what a test observes.
        if let stall { try await Task.sleep(for: stall) }
        return respond(to: request)
    }

    /// Answers one request as a Mattermost server (REST API v4) would, for the routes Tandem uses.
    func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        let query = Self.query(request.query)
        let (answered, userID, rateHeaders, serverTime) = mutable.withLock { m -> (LoopbackHTTPResponse, String?, [(String, String)], Int64) in
            var rateHeaders: [(String, String)] = []
            m.requestCount += 1
            let now = Self.now(&m)
            let bearer = request.header("Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let user = m.users.values.first(where: { $0.token == bearer && !$0.token.isEmpty }) else {
                return (Self.error(FakeRefusal(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")), nil, [], now)
            }
            var spent: Int?
            if let index = m.faults.firstIndex(where: {
                if case .stall = $0.fault { false } else { $0.route.matches(method: request.method, path: request.path) }
            }) {
                switch m.faults.remove(at: index).fault {
                case .rateLimited(let retryAfter):
                    return (Self.limited(retryAfter: retryAfter), user.id,
                        [("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "\(retryAfter)")], now)
                case .serverError(let status):
                    return (Self.error(FakeRefusal(status, "app.fake.server_error.app_error", "We encountered an error.")), user.id, [], now)
                case .budgetSpent(let reset):
                    spent = reset
                case .stall:
                    break
                }
            }
            if let limit = m.rateLimit {
                let clock = ContinuousClock.now
                var bucket = m.buckets[user.id] ?? (Double(limit.burst), clock)
                let elapsed = (clock - bucket.at) / .seconds(1)
                bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.perSecond)
                bucket.at = clock
                let reset = Int(((1 - bucket.tokens) / limit.perSecond).rounded(.up))
                if bucket.tokens < 1 {
                    m.buckets[user.id] = bucket
                    return (Self.limited(retryAfter: max(reset, 1)), user.id,
                        [("X-RateLimit-Limit", "\(Int(limit.perSecond))"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "\(max(reset, 1))")], now)
                }
                bucket.tokens -= 1
                m.buckets[user.id] = bucket
                rateHeaders = [
                    ("X-RateLimit-Limit", "\(Int(limit.perSecond))"), ("X-RateLimit-Remaining", "\(Int(bucket.tokens))"),
                    ("X-RateLimit-Reset", "\(max(Int(((Double(limit.burst) - bucket.tokens) / limit.perSecond).rounded(.up)), 0))"),
                ]
            }
            if let spent {
                rateHeaders = [("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "\(spent)")]
            }
            return (Self.route(request, query: query, user: user, &m), user.id, rateHeaders, now)
        }
        var answer = answered
        for post in mutable.withLock({ m in defer { m.pendingCreated = [] }; return m.pendingCreated }) { created.append(post) }
        answer.headers += rateHeaders
        answer.headers += [("Date", FakeIDs.httpDate(serverTime)), ("X-Request-Id", FakeIDs.make()), ("X-Version-Id", "10.5.0.fake")]
        requests.append(
            MattermostFakeRequest(
                method: request.method, path: request.path, query: query, userID: userID, status: answer.status, receivedAt: .now))
        return answer
    }

    private static func route(_ request: LoopbackHTTPRequest, query: [String: String], user: MattermostFakeUser, _ m: inout Mutable)
        -> LoopbackHTTPResponse
    {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts) {
        case ("GET", ["api", "v4", "users", "me"]):
            return json(userJSON(user))
        case ("POST", ["api", "v4", "users", "ids"]):
            guard let ids = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String] else {
                return error(FakeRefusal(400, "api.context.invalid_body_param.app_error", "Invalid or missing user_ids in request body."))
            }
            return json(ids.compactMap { m.users[$0] }.map(userJSON))
        case ("GET", ["api", "v4", "users", "me", "channels"]):
            let mine = m.channels.values.filter { $0.members.contains(user.id) }.sorted { $0.id < $1.id }
            return json(mine.map(channelJSON))
        case ("GET", let p) where p.count == 5 && p[0...2] == ["api", "v4", "channels"] && p[4] == "posts":
            return channelPosts(channelID: p[3], query: query, user: user, m)
        case ("POST", ["api", "v4", "posts"]):
            return createPost(request, user: user, &m)
        default:
            return error(FakeRefusal(404, "api.context.404.app_error", "Sorry, we could not find the page."))
        }
    }

    // MARK: - Posts

    /// `GET /channels/{id}/posts`, as `GetPostsSince`, `getPostsAround` and the page query behave.
    private static func channelPosts(channelID: String, query: [String: String], user: MattermostFakeUser, _ m: Mutable)
        -> LoopbackHTTPResponse
    {
        guard let channel = m.channels[channelID] else {
            return error(FakeRefusal(404, "app.channel.get.existing.app_error", "Unable to find the existing channel."))
        }
        guard channel.members.contains(user.id) else {
            return error(FakeRefusal(403, "api.context.permissions.app_error", "You do not have the appropriate permissions."))
        }
        let all = channel.postIDs.compactMap { m.posts[$0] }
        let page = Int(query["page"] ?? "0") ?? 0
        let perPage = min(Int(query["per_page"] ?? "60") ?? 60, 200)
        let newestFirst = { (a: MattermostFakePost, b: MattermostFakePost) in (a.createAt, a.id) > (b.createAt, b.id) }
        var listed: [MattermostFakePost]
        var withRoots = false
        if let sinceText = query["since"], !sinceText.isEmpty {
            // "Must not be used with any of before, after, page, and per_page."
            guard ["before", "after", "page", "per_page"].allSatisfy({ query[$0] == nil }) else {
                return error(FakeRefusal(400, "api.context.invalid_url_param.app_error", "Invalid or missing since in request URL."))
            }
            guard let since = Int64(sinceText) else {
                return error(FakeRefusal(400, "api.context.invalid_url_param.app_error", "Invalid or missing since in request URL."))
            }
            // UpdateAt > since, no DeleteAt filter, CreateAt DESC, at most 1,000.
            listed = Array(all.filter { $0.updateAt > since }.sorted(by: newestFirst).prefix(sinceCap))
            withRoots = true
        } else if let anchorID = query["after"] ?? query["before"] {
            let after = query["after"] != nil
            guard let anchor = m.posts[anchorID] else { return json(postList([], m: m, withRoots: false)) }
            let around = all.filter { $0.deleteAt == 0 && (after ? $0.createAt > anchor.createAt : $0.createAt < anchor.createAt) }
            let sorted = after ? around.sorted(by: { !newestFirst($0, $1) }) : around.sorted(by: newestFirst)
            listed = Array(sorted.dropFirst(page * perPage).prefix(perPage)).sorted(by: newestFirst)
        } else {
            listed = Array(all.filter { $0.deleteAt == 0 }.sorted(by: newestFirst).dropFirst(page * perPage).prefix(perPage))
        }
        return json(postList(listed, m: m, withRoots: withRoots))
    }

    private static func postList(_ posts: [MattermostFakePost], m: Mutable, withRoots: Bool) -> [String: Any] {
        var map: [String: Any] = [:]
        for post in posts { map[post.id] = postJSON(post) }
        if withRoots {
            // The roots of returned replies come along in `posts`, but not in `order`.
            for post in posts where !post.rootID.isEmpty && map[post.rootID] == nil {
                if let root = m.posts[post.rootID] { map[root.id] = postJSON(root) }
            }
        }
        return ["order": posts.map(\.id), "posts": map, "next_post_id": "", "prev_post_id": "", "has_next": false]
    }

    /// `POST /posts`, with `pending_post_id` deduplication as `deduplicateCreatePost` does it.
    private static func createPost(_ request: LoopbackHTTPRequest, user: MattermostFakeUser, _ m: inout Mutable) -> LoopbackHTTPResponse {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true,
            let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        else {
            return error(FakeRefusal(400, "api.context.invalid_body_param.app_error", "Invalid or missing post in request body."))
        }
        guard let channelID = body["channel_id"] as? String, !channelID.isEmpty else {
            return error(FakeRefusal(400, "api.context.invalid_body_param.app_error", "Invalid or missing channel_id in request body."))
        }
        let message = body["message"] as? String ?? ""
        let rootID = body["root_id"] as? String ?? ""
        let pending = body["pending_post_id"] as? String ?? ""
        // The server keeps the props bag, but sets `from_bot` and `from_webhook` itself.
        var props = (body["props"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        props["from_bot"] = nil
        props["from_webhook"] = nil
        let now = Self.now(&m)
        func make() -> Result<MattermostFakePost, FakeRefusal> {
            createPost(&m, userID: user.id, channelID: channelID, message: message, rootID: rootID, pendingPostID: pending, props: props)
        }
        if !pending.isEmpty {
            m.pendingPostIDs = m.pendingPostIDs.filter { $0.value.expiresAt > now }
            if let left = m.inFlight[pending] {
                // The first request with this id is still being saved; after the last such answer it is done.
                if left <= 1 {
                    m.inFlight[pending] = nil
                    if case .success(let post) = make() {
                        m.pendingPostIDs[pending] = (post.id, now + pendingPostIDsTTL)
                        m.pendingCreated.append(post)
                    }
                } else {
                    m.inFlight[pending] = left - 1
                }
                return error(FakeRefusal(500, "api.post.deduplicate_create_post.pending", "Post rejected: a post with the same pending_post_id is still being created."))
            }
            if let seen = m.pendingPostIDs[pending] {
                guard let id = seen.postID, var post = m.posts[id] else {
                    return error(FakeRefusal(500, "api.post.deduplicate_create_post.pending", "Post rejected: a post with the same pending_post_id is still being created."))
                }
                // The stored post, as the database has it: no pending id.
                post.pendingPostID = ""
                m.deduplicated += 1
                return json(postJSON(post), status: 201)
            }
        }
        switch make() {
        case .success(let post):
            if !pending.isEmpty { m.pendingPostIDs[pending] = (post.id, now + pendingPostIDsTTL) }
            m.pendingCreated.append(post)
            return json(postJSON(post), status: 201)
        case .failure(let refusal):
            return error(refusal)
        }
    }

    // MARK: - JSON

    static func userJSON(_ user: MattermostFakeUser) -> [String: Any] {
        [
            "id": user.id, "create_at": 1_600_000_000_000 as Int64, "update_at": 1_600_000_000_000 as Int64, "delete_at": 0,
            "username": user.username, "auth_data": "", "auth_service": "", "email": "\(user.username)@example.com",
            "nickname": "", "first_name": "", "last_name": "", "position": "", "roles": "system_user", "locale": "en",
            "is_bot": user.isBot,
        ]
    }

    static func channelJSON(_ channel: FakeChannel) -> [String: Any] {
        [
            "id": channel.id, "create_at": channel.createAt, "update_at": channel.createAt, "delete_at": channel.deleteAt,
            "team_id": channel.teamID, "type": channel.type, "display_name": channel.displayName, "name": channel.name,
            "header": "", "purpose": "", "last_post_at": channel.lastPostAt, "last_root_post_at": channel.lastPostAt,
            "total_msg_count": channel.totalMessages, "extra_update_at": 0, "creator_id": "",
        ]
    }

    static func postJSON(_ post: MattermostFakePost) -> [String: Any] {
        [
            "id": post.id, "create_at": post.createAt, "update_at": post.updateAt, "edit_at": post.editAt, "delete_at": post.deleteAt,
            "is_pinned": false, "user_id": post.userID, "channel_id": post.channelID, "root_id": post.rootID, "original_id": "",
            "message": post.message, "type": post.type, "props": post.props, "hashtags": "", "pending_post_id": post.pendingPostID,
            "reply_count": 0, "metadata": [String: Any](),
        ]
    }

    static func json(_ value: Any, status: Int = 200) -> LoopbackHTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data("{}".utf8)
        return LoopbackHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    /// Mattermost's error body: `id`, `message`, `detailed_error`, `request_id`, `status_code`, `is_oauth`.
    static func error(_ refusal: FakeRefusal) -> LoopbackHTTPResponse {
        json(
            [
                "id": refusal.id, "message": refusal.message, "detailed_error": "", "request_id": FakeIDs.make(),
                "status_code": refusal.status, "is_oauth": false,
            ], status: refusal.status)
    }

    /// The rate limiter's answer: plain text, not JSON.
    static func limited(retryAfter: Int) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(
            status: 429, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "\(retryAfter)")],
            body: Array("limit exceeded\n".utf8))
    }

    static func query(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            result[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return result
    }
}
