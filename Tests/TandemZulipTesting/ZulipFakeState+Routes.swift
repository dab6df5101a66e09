import Foundation
import Synchronization
import TandemLoopbackTesting

/// The fake's HTTP side: authentication, rate limits, and the endpoints Tandem calls, each as Zulip's API documents it.
extension ZulipFakeState {
    func respond(to request: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        let fields = Self.formFields(request.query ?? "").merging(
            request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true
                ? Self.formFields(String(decoding: request.body, as: UTF8.self)) : [:]
        ) { $1 }
        guard let user = authenticate(request) else {
            let response = Self.error(401, code: "INVALID_API_KEY", "Invalid API key")
            record(ZulipFakeRequest(method: request.method, path: request.path, userID: nil, status: 401, fields: fields))
            return response
        }
        var response: LoopbackHTTPResponse
        if let limited = rateLimit(user, path: request.path) {
            response = limited
        } else {
            response = await route(request.method, request.path, fields: fields, user: user)
        }
        response.headers += rateLimitHeaders(user)
        record(ZulipFakeRequest(method: request.method, path: request.path, userID: user.id, status: response.status, fields: fields))
        return response
    }

    private func route(_ method: String, _ path: String, fields: [String: String], user: ZulipFakeConfiguration.User) async
        -> LoopbackHTTPResponse
    {
        switch (method, path) {
        case ("GET", "/api/v1/users/me"):
            return Self.success([
                "user_id": user.id, "full_name": user.fullName, "email": user.email, "is_bot": user.isBot, "is_active": true,
            ])
        case ("GET", "/api/v1/users"):
            return Self.success([
                "members": configuration.users.map {
                    ["user_id": $0.id, "full_name": $0.fullName, "email": $0.email, "is_bot": $0.isBot, "is_active": true] as [String: Any]
                }
            ])
        case ("GET", "/api/v1/users/me/subscriptions"):
            return Self.success([
                "subscriptions": configuration.channels.filter { $0.subscribers.contains(user.id) }.map {
                    ["stream_id": $0.id, "name": $0.name] as [String: Any]
                }
            ])
        case ("POST", "/api/v1/register"): return register(fields, user: user)
        case ("GET", "/api/v1/events"): return await events(fields, user: user)
        case ("GET", "/api/v1/messages"): return messages(fields, user: user)
        case ("POST", "/api/v1/messages"): return send(fields, user: user)
        default:
            return Self.error(404, code: "BAD_REQUEST", "Invalid API endpoint")
        }
    }

    // MARK: Auth and limits

    /// HTTP Basic `email:api_key`, compared against every user.
    private func authenticate(_ request: LoopbackHTTPRequest) -> ZulipFakeConfiguration.User? {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        let email = decoded[..<colon]
        let key = decoded[decoded.index(after: colon)...]
        return configuration.users.first { $0.email == email && $0.apiKey == key }
    }

    /// An arranged fault for the bot's request, or 429 once the user made `requestsPerMinute` requests in a minute.
    private func rateLimit(_ user: ZulipFakeConfiguration.User, path: String) -> LoopbackHTTPResponse? {
        let now = ContinuousClock.now
        let outcome: (fault: Fault?, wait: Double?) = mutable.withLock { state in
            if user.isBot {
                for key in [path, "*"] {
                    if var faults = state.faults[key], !faults.isEmpty {
                        let fault = faults.removeFirst()
                        state.faults[key] = faults
                        return (fault, nil)
                    }
                }
            }
            var times = state.requestTimes[user.id, default: []].filter { now - $0 < .seconds(60) }
            if times.count >= configuration.requestsPerMinute, let oldest = times.first {
                state.requestTimes[user.id] = times
                let wait = Double((oldest + .seconds(60) - now).components.seconds) + 0.5
                return (nil, wait)
            }
            times.append(now)
            state.requestTimes[user.id] = times
            return (nil, nil)
        }
        switch outcome.fault {
        case .rateLimited(let retryAfter): return Self.rateLimited(retryAfter)
        case .serverError(let status):
            return LoopbackHTTPResponse(status: status, headers: [("Content-Type", "text/html")], body: Array("<html>Internal server error</html>".utf8))
        case nil: return outcome.wait.map(Self.rateLimited)
        }
    }

    static func rateLimited(_ seconds: Double) -> LoopbackHTTPResponse {
        var response = error(429, code: "RATE_LIMIT_HIT", "API usage exceeded rate limit", extra: ["retry-after": seconds])
        response.headers.append(("Retry-After", seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)))
        return response
    }

    private func rateLimitHeaders(_ user: ZulipFakeConfiguration.User) -> [(name: String, value: String)] {
        let used = mutable.withLock { $0.requestTimes[user.id]?.count ?? 0 }
        let reset = Int(Date().timeIntervalSince1970) + 60
        return [
            ("X-RateLimit-Limit", String(configuration.requestsPerMinute)),
            ("X-RateLimit-Remaining", String(max(0, configuration.requestsPerMinute - used))), ("X-RateLimit-Reset", String(reset)),
        ]
    }

    // MARK: Queues

    private func register(_ fields: [String: String], user: ZulipFakeConfiguration.User) -> LoopbackHTTPResponse {
        let types = fields["event_types"].flatMap { Self.jsonList($0) as? [String] }
        let fetch = fields["fetch_event_types"].flatMap { Self.jsonList($0) as? [String] } ?? types ?? []
        let id: String = mutable.withLock { state in
            let id = "1764000000:\(state.nextQueue)"
            state.nextQueue += 1
            state.queues[id] = Queue(id: id, userID: user.id, wantsMessages: types?.contains("message") ?? true, lastActivity: .now)
            return id
        }
        var answer: [String: Any] = [
            "queue_id": id, "last_event_id": -1, "zulip_feature_level": 400, "zulip_version": "11.0-fake",
        ]
        if fetch.contains("message") {
            answer["max_message_id"] = mutable.withLock { state in
                state.messages.filter { receivers(of: $0).contains(user.id) }.map(\.id).max() ?? -1
            }
        }
        if fetch.contains("realm") {
            answer["max_message_length"] = configuration.maxMessageLength
            answer["max_topic_length"] = configuration.maxTopicLength
            answer["event_queue_longpoll_timeout_seconds"] = Int(configuration.heartbeat.components.seconds) + 10
        }
        return Self.success(answer)
    }

    /// `GET /events`: Zulip's `fetch_events`: unknown queue, pruned cursor, prune, answer or hold.
    private func events(_ fields: [String: String], user: ZulipFakeConfiguration.User) async -> LoopbackHTTPResponse {
        guard let queueID = fields["queue_id"] else { return Self.error(400, code: "BAD_REQUEST", "Missing 'queue_id' argument") }
        guard let lastEventID = fields["last_event_id"].flatMap(Int.init) else {
            return Self.error(400, code: "BAD_REQUEST", "Missing 'last_event_id' argument")
        }
        let dontBlock = fields["dont_block"] == "true"
        while true {
            enum Step {
                case answer(LoopbackHTTPResponse)
                case wait(Int)
            }
            var replaced: CheckedContinuation<Wake, Never>?
            let step: Step = mutable.withLock { state in
                    if let timeout = configuration.idleQueueTimeout, let queue = state.queues[queueID], queue.waiter == nil,
                        ContinuousClock.now - queue.lastActivity > timeout
                    {
                        state.queues[queueID] = nil
                    }
                    guard var queue = state.queues[queueID], queue.userID == user.id else {
                        return .answer(Self.badQueue(queueID))
                    }
                    if let pruned = queue.newestPrunedID, lastEventID < pruned {
                        return .answer(Self.error(400, code: "BAD_REQUEST", "An event newer than \(lastEventID) has already been pruned!"))
                    }
                    let dropped = queue.events.filter { $0.id <= lastEventID }
                    if let newest = dropped.last?.id { queue.newestPrunedID = newest }
                    queue.events.removeAll { $0.id <= lastEventID }
                    queue.lastActivity = .now
                    if let waiter = queue.waiter {
                        // A new poll ends the one before it, as Zulip's `finish_current_handler` does.
                        replaced = waiter.continuation
                        queue.waiter = nil
                    }
                    defer { state.queues[queueID] = queue }
                    if !queue.events.isEmpty || dontBlock {
                        return .answer(Self.success(["events": queue.events.map(\.json), "queue_id": queueID]))
                    }
                    state.nextToken += 1
                    return .wait(state.nextToken)
            }
            replaced?.resume(returning: .replaced)
            switch step {
            case .answer(let response): return response
            case .wait(let token):
                let wake: Wake = await withCheckedContinuation { continuation in
                    let registered = mutable.withLock { state -> Bool in
                        guard state.queues[queueID] != nil, state.queues[queueID]?.events.isEmpty == true else { return false }
                        state.queues[queueID]?.waiter = (token, continuation)
                        return true
                    }
                    if !registered { return continuation.resume(returning: .event) }
                    record(ZulipFakeRequest(method: "GET", path: ZulipFake.waitingPath, userID: user.id, status: 0, fields: fields))
                    let heartbeat = configuration.heartbeat
                    Task {
                        try? await Task.sleep(for: heartbeat)
                        self.wake(queueID, token: token, with: .heartbeat)
                    }
                }
                switch wake {
                case .event, .gone: continue
                case .replaced:
                    return Self.success(["events": [Any](), "queue_id": queueID])
                case .heartbeat:
                    mutable.withLock { state in
                        guard var queue = state.queues[queueID] else { return }
                        Self.push(["type": "heartbeat"], to: &queue)
                        queue.lastActivity = .now
                        state.queues[queueID] = queue
                    }
                }
            }
        }
    }

    /// Zulip's `BadEventQueueIdError`: 400, with the queue's id repeated.
    static func badQueue(_ id: String) -> LoopbackHTTPResponse {
        error(400, code: "BAD_EVENT_QUEUE_ID", "Bad event queue ID: \(id)", extra: ["queue_id": id])
    }

    // MARK: Messages

    /// `GET /messages` with `anchor` (an id, `newest` or `oldest`), `include_anchor`, `num_before`, `num_after`, and
    /// the empty narrow (all messages the user received) or `[["channel", name]]`.
    private func messages(_ fields: [String: String], user: ZulipFakeConfiguration.User) -> LoopbackHTTPResponse {
        guard let before = fields["num_before"].flatMap(Int.init), let after = fields["num_after"].flatMap(Int.init),
            let anchorText = fields["anchor"], before >= 0, after >= 0, before + after <= 5000
        else { return Self.error(400, code: "BAD_REQUEST", "Invalid num_before, num_after or anchor") }
        let narrow = Self.jsonList(fields["narrow"] ?? "[]") as? [[String]] ?? []
        var channelFilter: Int?
        for term in narrow {
            guard term.count == 2, term[0] == "channel" || term[0] == "stream",
                let channel = configuration.channels.first(where: { $0.name == term[1] })
            else { return Self.error(400, code: "BAD_REQUEST", "Invalid narrow operator: unknown operator") }
            channelFilter = channel.id
        }
        let includeAnchor = fields["include_anchor"] != "false"
        let visible = mutable.withLock { state in
            state.messages.filter { receivers(of: $0).contains(user.id) && (channelFilter == nil || $0.channelID == channelFilter) }
        }
        let anchor: Int
        switch anchorText {
        case "newest": anchor = visible.last?.id ?? Int.max
        case "oldest": anchor = visible.first?.id ?? 0
        default:
            guard let id = Int(anchorText) else { return Self.error(400, code: "BAD_REQUEST", "Invalid anchor") }
            anchor = id
        }
        let older = visible.filter { $0.id < anchor }.suffix(before)
        let at = includeAnchor ? visible.filter { $0.id == anchor } : []
        let newer = visible.filter { $0.id > anchor }.prefix(after)
        let page = Array(older) + at + Array(newer)
        return Self.success([
            "messages": page.map { message -> [String: Any] in
                var json = json(message, for: user.id)
                json["flags"] = flags(message, for: user.id)
                return json
            },
            "anchor": anchor, "found_newest": visible.filter { $0.id > anchor }.count <= after,
            "found_oldest": visible.filter { $0.id < anchor }.count <= before, "found_anchor": !at.isEmpty,
        ])
    }

    /// `POST /messages`, form-encoded: `type`, `to`, `topic`, `content`; `queue_id` and `local_id` for local echo.
    private func send(_ fields: [String: String], user: ZulipFakeConfiguration.User) -> LoopbackHTTPResponse {
        guard let type = fields["type"] else { return Self.error(400, code: "BAD_REQUEST", "Missing 'type' argument") }
        guard let to = fields["to"] else { return Self.error(400, code: "BAD_REQUEST", "Missing 'to' argument") }
        guard let content = fields["content"] else { return Self.error(400, code: "BAD_REQUEST", "Missing 'content' argument") }
        guard !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Self.error(400, code: "BAD_REQUEST", "Message must not be empty")
        }
        if !configuration.wildcardMentionsAllowed, ZulipFakeMentions.find(in: content).wildcard {
            return Self.error(
                400, code: "STREAM_WILDCARD_MENTION_NOT_ALLOWED", "You do not have permission to use channel wildcard mentions in this channel.")
        }
        let localID = fields["queue_id"].flatMap { queue in fields["local_id"].map { (queue, $0) } }
        let message: ZulipFakeMessage
        switch type {
        case "stream", "channel":
            guard let topic = fields["topic"] ?? fields["subject"] else {
                return Self.error(400, code: "BAD_REQUEST", "Missing topic")
            }
            let target = Int(to) ?? (try? JSONDecoder().decode(Int.self, from: Data(to.utf8)))
            guard let channel = configuration.channels.first(where: { target != nil ? $0.id == target : $0.name == to }) else {
                return Self.error(400, code: "STREAM_DOES_NOT_EXIST", "Channel '\(to)' does not exist", extra: ["stream": to])
            }
            guard topic.count <= configuration.maxTopicLength else {
                return Self.error(400, code: "BAD_REQUEST", "Topic too long")
            }
            message = add(from: user.id, channel: channel.id, topic: topic, people: [], content: content, localID: localID)
        case "private", "direct":
            guard let ids = Self.jsonList(to) as? [Int], !ids.isEmpty else {
                return Self.error(400, code: "BAD_REQUEST", "Invalid 'to' argument")
            }
            if let unknown = ids.first(where: { configuration.user($0) == nil }) {
                return Self.error(400, code: "BAD_REQUEST", "Invalid user ID \(unknown)")
            }
            message = add(from: user.id, channel: nil, topic: "", people: ids, content: content, localID: localID)
        default:
            return Self.error(400, code: "BAD_REQUEST", "Invalid message type")
        }
        wakeWaiters()
        return Self.success(["id": message.id])
    }

    // MARK: Encoding

    static func success(_ fields: [String: Any]) -> LoopbackHTTPResponse {
        var body = fields
        body["result"] = "success"
        body["msg"] = ""
        return json(200, body)
    }

    /// Zulip's error body: `{"result":"error","msg":…,"code":…}` plus the code's own fields.
    static func error(_ status: Int, code: String, _ message: String, extra: [String: Any] = [:]) -> LoopbackHTTPResponse {
        var body = extra
        body["result"] = "error"
        body["msg"] = message
        body["code"] = code
        return json(status, body)
    }

    static func json(_ status: Int, _ body: [String: Any]) -> LoopbackHTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return LoopbackHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    static func jsonList(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// `a=1&b=%5B%5D` (`+` is a space) as a dictionary; the last of repeated names wins.
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
