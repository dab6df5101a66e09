import Foundation
import TandemLoopbackTesting
import Synchronization

/// The fake's HTTP surface: `POST /api/<method>` and `POST /commands/<id>`.
///
/// Web API errors are HTTP 200 with `{"ok":false,"error":…}`, as Slack answers them (PLATFORMS-WEBHOOKS.md 3.2);
/// only rate limiting (429) and injected server errors use another status.
extension SlackWebAPIState {
    func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        if request.path.hasPrefix("/api/") {
            guard request.method == "POST" else {
                // Slack also takes GET for some methods; the relay has no reason to, so the fake refuses it.
                return apiError("method_not_allowed", status: 405)
            }
            switch request.path.dropFirst("/api/".count) {
            case "auth.test": return authTest(request)
            case "chat.postMessage": return postMessage(request)
            default: return apiError("unknown_method")
            }
        }
        if request.path.hasPrefix("/commands/"), request.method == "POST" {
            return responseURLPost(id: String(request.path.dropFirst("/commands/".count)), request)
        }
        return LoopbackHTTPResponse(status: 404, body: Array("not found".utf8))
    }

    // MARK: - Methods

    private func authTest(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        if let refusal = checkToken(request) { return apiError(refusal) }
        return ok([
            ("url", "https://fake.slack.com/"), ("team", .string(configuration.team)), ("user", "tandem"),
            ("team_id", .string(configuration.teamID)), ("user_id", .string(configuration.botUserID)),
            ("bot_id", .string(configuration.botID)),
        ])
    }

    private func postMessage(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        switch takeFault() {
        case .rateLimited(let retryAfter):
            return apiError("ratelimited", status: 429, headers: [("Retry-After", String(retryAfter))])
        case .serverError(let status):
            return apiError(status == 503 ? "service_unavailable" : "internal_error", status: status)
        case nil:
            break
        }
        if let refusal = checkToken(request) ?? checkJSONContentType(request) { return apiError(refusal) }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed])
        else { return apiError("invalid_json") }
        guard let fields = parsed as? [String: Any] else { return apiError("json_not_object") }

        let channel = fields["channel"] as? String ?? ""
        let threadTS = fields["thread_ts"] as? String
        let outcome: Result<SlackPost, PostRefusal> = mutable.withLock { state in
            if configuration.otherChannels.contains(channel) { return .failure(.init("not_in_channel")) }
            guard configuration.memberChannels.contains(channel) else { return .failure(.init("channel_not_found")) }
            guard let text = fields["text"] as? String, !text.isEmpty else { return .failure(.init("no_text")) }
            // [unconfirmed] Slack's answer to an unknown or non-parent thread_ts is not documented; the fake refuses
            // it so that a relay replying under the wrong ts is caught.
            if let threadTS, state.channels[channel]?.isReply[threadTS] != false {
                return .failure(.init("thread_not_found"))
            }
            if let limit = configuration.channelRateLimit,
                let wait = spendToken(channel: channel, limit: limit, &state)
            {
                return .failure(.init("ratelimited", retryAfter: wait))
            }
            let ts = makeTS(&state)
            state.channels[channel, default: Channel()].isReply[ts] = threadTS != nil
            let post = SlackPost(channel: channel, text: text, threadTS: threadTS, ts: ts, rawBody: request.body)
            posts.append(post)  // under the lock, so the list is in ts order even for concurrent posts
            return .success(post)
        }
        switch outcome {
        case .failure(let refusal):
            guard let retryAfter = refusal.retryAfter else { return apiError(refusal.code) }
            return apiError(refusal.code, status: 429, headers: [("Retry-After", String(retryAfter))])
        case .success(let post):
            return ok([
                ("channel", .string(post.channel)), ("ts", .string(post.ts)),
                (
                    "message",
                    .fields([
                        "type": "message", "text": .string(post.text), "user": .string(configuration.botUserID),
                        "bot_id": .string(configuration.botID), "thread_ts": post.threadTS.map(OrderedJSON.string),
                        "ts": .string(post.ts),
                    ])
                ),
            ])
        }
    }

    /// A slash command's `response_url`: an incoming-webhook-like endpoint good for a limited number of posts.
    ///
    /// [unconfirmed] Slack's answer once the uses are spent is not documented; the fake answers 404 `expired_url`.
    /// Refused posts (bad JSON, no text) do not spend a use. The 30-minute window is not modelled.
    private func responseURLPost(id: String, _ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        func refuse(_ status: Int, _ code: String) -> LoopbackHTTPResponse {
            self.refuse(code)
            return LoopbackHTTPResponse(status: status, body: Array(code.utf8))
        }
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return refuse(400, "invalid_payload")
        }
        guard let text = fields["text"] as? String, !text.isEmpty else { return refuse(400, "no_text") }
        let accepted = mutable.withLock { state in
            guard state.responseURLUses[id, default: 0] < configuration.responseURLUses else { return false }
            state.responseURLUses[id, default: 0] += 1
            return true
        }
        guard accepted else { return refuse(404, "expired_url") }
        let replace = fields["replace_original"].map { ($0 as? Bool).map { $0 ? "true" : "false" } ?? "\($0)" }
        responseURLPosts.append(
            SlackResponseURLPost(
                id: id, text: text, responseType: fields["response_type"] as? String,
                threadTS: fields["thread_ts"] as? String, replaceOriginal: replace, rawBody: request.body))
        return LoopbackHTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))
    }

    // MARK: - Checks

    /// `not_authed` without a bearer token, `invalid_auth` with another one (both HTTP 200, per 3.5).
    private func checkToken(_ request: LoopbackHTTPRequest) -> String? {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer "),
            !authorization.dropFirst("Bearer ".count).isEmpty
        else { return "not_authed" }
        return authorization == "Bearer \(configuration.botToken)" ? nil : "invalid_auth"
    }

    /// The relay sends JSON, so the fake takes only JSON: `missing_post_type` without a `Content-Type` (or an empty
    /// one), `invalid_post_type` with another type (Slack would also take a form body; the relay must not rely on it),
    /// `invalid_charset` for a charset other than the two Slack lists.
    private func checkJSONContentType(_ request: LoopbackHTTPRequest) -> String? {
        guard let contentType = request.header("Content-Type"), !contentType.allSatisfy(\.isWhitespace) else {
            return "missing_post_type"  // an empty value names no type either
        }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return "invalid_post_type" }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if charset != "utf-8" && charset != "iso-8859-1" { return "invalid_charset" }
        }
        return nil
    }

    // MARK: - Answers

    private func ok(_ fields: [(String, OrderedJSON)]) -> LoopbackHTTPResponse {
        json(.object([("ok", .bool(true))] + fields), status: 200)
    }

    private func apiError(_ code: String, status: Int = 200, headers: [(name: String, value: String)] = [])
        -> LoopbackHTTPResponse
    {
        refuse(code)
        return json(.object([("ok", .bool(false)), ("error", .string(code))]), status: status, headers: headers)
    }

    private func json(_ value: OrderedJSON, status: Int, headers: [(name: String, value: String)] = [])
        -> LoopbackHTTPResponse
    {
        LoopbackHTTPResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: value.bytes)
    }
}

/// Why `chat.postMessage` refused a well-formed request.
private struct PostRefusal: Error {
    let code: String
    var retryAfter: Int? = nil
    init(_ code: String, retryAfter: Int? = nil) {
        self.code = code
        self.retryAfter = retryAfter
    }
}
