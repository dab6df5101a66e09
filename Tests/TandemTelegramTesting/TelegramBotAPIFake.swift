import Foundation
import TandemLoopbackTesting

/// A loopback fake of Telegram's Bot API, faithful to its documentation where the bot relies on it:
///
/// - `/bot<token>/<method>`, method names case-insensitive; a path that is not shaped so, or a token not shaped
///   `digits:secret`, answers 404 `Not Found`; a well-shaped wrong token 401 `Unauthorized`. Parameters come as
///   JSON (`application/json`), as a form, or in the query string.
/// - `getMe`, `getChat`, `getUpdates` (offset confirms and forgets earlier updates, a negative offset keeps the last
///   `-offset`; long poll up to `timeout` seconds; a newer `getUpdates` ends a waiting one with 409 `Conflict:
///   terminated by other getUpdates request…`; while a webhook is set, 409 `Conflict: can't use getUpdates method
///   while webhook is active…`), `setWebhook`, `deleteWebhook`.
/// - `sendMessage`: `chat_id` and `text` required; `parse_mode: HTML` parsed strictly by ``TelegramHTML``; 400 `Bad
///   Request: message is too long` over 4,096 characters after parsing (counted as Unicode scalars, as measured on the
///   real API), `message text is empty`, `chat not found`, `message to be replied not found` unless
///   `allow_sending_without_reply`.
/// - On demand (``TelegramBotAPIState/fail(_:with:times:)``): 429 with `parameters.retry_after`, a 5xx, a 400, or
///   silence (a request held without an answer).
///
/// Tests post as people with ``TelegramBotAPIState/post(_:in:from:replyingTo:topic:)`` and await what the bot sent
/// with ``TelegramBotAPIState/until(_:)``.
public struct TelegramBotAPIFake: Sendable {
    public struct User: Sendable, Equatable {
        public var id: Int64
        public var firstName: String
        public var username: String?
        public var isBot = false

        public init(id: Int64, firstName: String, username: String? = nil, isBot: Bool = false) {
            self.id = id
            self.firstName = firstName
            self.username = username
            self.isBot = isBot
        }

        var json: [String: Any] {
            var json: [String: Any] = ["id": id, "is_bot": isBot, "first_name": firstName]
            if let username { json["username"] = username }
            return json
        }
    }

    public struct Chat: Sendable, Equatable {
        public var id: Int64
        /// `private`, `group`, `supergroup` or `channel`.
        public var type: String
        public var title: String?

        public init(id: Int64, type: String, title: String? = nil) {
            self.id = id
            self.type = type
            self.title = title
        }

        var json: [String: Any] {
            var json: [String: Any] = ["id": id, "type": type]
            if let title { json["title"] = title }
            return json
        }
    }

    public static let messageLimit = 4_096

    public let token: String
    public let state: TelegramBotAPIState
    /// Privacy mode off: what `getMe` says, and which group messages reach the bot.
    public var canReadAllGroupMessages: Bool { state.canReadAllGroupMessages }

    public init(token: String, bot: User, canReadAllGroupMessages: Bool = false) {
        self.token = token
        self.state = TelegramBotAPIState(bot: bot, canReadAllGroupMessages: canReadAllGroupMessages)
    }

    /// Serves the fake on 127.0.0.1 while `body` runs; `body` gets the base URL (the transport's `apiBaseURL`).
    public func run<T>(_ body: (String) async throws -> T) async throws -> T {
        try await withLoopbackHTTPServer({ request in await self.handle(request) }) { url in
            // A long poll left waiting (its client gone) would hold the server's shutdown until its timeout.
            do {
                let result = try await body(url)
                await state.endWaitingPoll()
                return result
            } catch {
                await state.endWaitingPoll()
                throw error
            }
        }
    }

    // MARK: - Requests

    public func handle(_ request: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 3, segments[0].isEmpty, segments[1].hasPrefix("bot"), !segments[2].isEmpty else {
            return Self.error(404, "Not Found")
        }
        let given = String(segments[1].dropFirst(3))
        let shape = given.split(separator: ":", maxSplits: 1)
        guard shape.count == 2, Int64(shape[0]) != nil, !shape[1].isEmpty else { return Self.error(404, "Not Found") }
        guard given == token else { return Self.error(401, "Unauthorized") }
        let method = segments[2].lowercased()
        guard let parameters = Self.parameters(of: request) else {
            return Self.error(400, "Bad Request: can't parse JSON object")
        }
        let replyTo = Self.int((parameters["reply_parameters"] as? [String: Any])?["message_id"])
        if let failure = await state.failure(for: method) {
            let response: LoopbackHTTPResponse
            switch failure {
            case .tooManyRequests(let seconds):
                response = Self.error(429, "Too Many Requests: retry after \(seconds)", parameters: ["retry_after": seconds])
            case .serverError(let status):
                response = Self.error(status, status == 502 ? "Bad Gateway" : "Internal Server Error")
            case .badRequest(let description):
                response = Self.error(400, "Bad Request: " + description)
            case .silence(let duration):
                try? await Task.sleep(for: duration)
                response = method == "getupdates" ? Self.ok([Any]()) : Self.ok(true)
            }
            await state.record(.init(method: method, offset: nil, timeout: nil, status: response.status, replyTo: replyTo))
            return response
        }
        let response: LoopbackHTTPResponse
        var offset: Int64?
        var timeout: Int?
        switch method {
        case "getme":
            var me = state.bot.json
            me["can_join_groups"] = true
            me["can_read_all_group_messages"] = canReadAllGroupMessages
            me["supports_inline_queries"] = false
            response = Self.ok(me)
        case "getupdates":
            offset = Self.int(parameters["offset"]) ?? 0
            timeout = Int(Self.int(parameters["timeout"]) ?? 0)
            response = await getUpdates(parameters, offset: offset ?? 0, timeout: timeout ?? 0)
        case "sendmessage":
            response = await sendMessage(parameters)
        case "getchat":
            guard let id = Self.int(parameters["chat_id"]), let chat = await state.chat(id) else {
                response = Self.error(400, "Bad Request: chat not found")
                break
            }
            response = Self.ok(chat.json)
        case "setwebhook":
            await state.setWebhook(true)
            response = Self.ok(true)
        case "deletewebhook":
            await state.setWebhook(false)
            response = Self.ok(true)
        default:
            response = Self.error(404, "Not Found")
        }
        await state.record(.init(method: method, offset: offset, timeout: timeout, status: response.status, replyTo: replyTo))
        return response
    }

    private func getUpdates(_ parameters: [String: Any], offset: Int64, timeout: Int) async -> LoopbackHTTPResponse {
        if await state.webhookSet {
            return Self.error(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        }
        var allowed: [String]?
        if let list = parameters["allowed_updates"] as? [String] {
            allowed = list
        } else if let text = parameters["allowed_updates"] as? String {
            allowed = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
        }
        let limit = Int(Self.int(parameters["limit"]) ?? 100)
        guard (1...100).contains(limit) || parameters["limit"] == nil else { return Self.error(400, "Bad Request: invalid limit") }
        switch await state.getUpdates(offset: offset, limit: limit, timeout: timeout, allowed: allowed) {
        case let updates?:
            let body = Data("{\"ok\":true,\"result\":[".utf8) + Data(updates.joined(separator: Data(",".utf8))) + Data("]}".utf8)
            return LoopbackHTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        case nil:
            return Self.error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
        }
    }

    private func sendMessage(_ parameters: [String: Any]) async -> LoopbackHTTPResponse {
        guard parameters["chat_id"] != nil else { return Self.error(400, "Bad Request: chat_id is empty") }
        guard let chatID = Self.int(parameters["chat_id"]), let chat = await state.chat(chatID) else {
            return Self.error(400, "Bad Request: chat not found")
        }
        guard let raw = parameters["text"] as? String else { return Self.error(400, "Bad Request: message text is empty") }
        let parseMode = parameters["parse_mode"] as? String
        var parsed = TelegramHTML.Parsed(text: raw, entities: [])
        switch parseMode?.lowercased() {
        case nil, "": break
        case "html":
            switch TelegramHTML.parse(raw) {
            case .success(let result): parsed = result
            case .failure(let error): return Self.error(400, "Bad Request: can't parse entities: \(error.description)")
            }
        default:
            return Self.error(400, "Bad Request: unsupported parse_mode")
        }
        if parsed.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return Self.error(400, "Bad Request: message text is empty")
        }
        if parsed.text.unicodeScalars.count > Self.messageLimit { return Self.error(400, "Bad Request: message is too long") }
        var replyTo: Int64?
        if let reply = parameters["reply_parameters"] as? [String: Any] {
            guard let id = Self.int(reply["message_id"]) else { return Self.error(400, "Bad Request: invalid reply parameters") }
            let exists = await state.messageExists(id, in: chatID)
            if !exists && reply["allow_sending_without_reply"] as? Bool != true {
                return Self.error(400, "Bad Request: message to be replied not found")
            }
            replyTo = exists ? id : nil
        }
        let thread = Self.int(parameters["message_thread_id"])
        let stored = await state.store(
            .init(
                chatID: chatID, messageID: 0, text: parsed.text, raw: raw, parseMode: parseMode, entities: parsed.entities,
                replyTo: replyTo, threadID: thread))
        var message: [String: Any] = [
            "message_id": stored.messageID, "date": Int(Date().timeIntervalSince1970), "chat": chat.json,
            "from": state.bot.json, "text": parsed.text,
        ]
        if let thread { message["message_thread_id"] = thread }
        return Self.ok(message)
    }

    // MARK: - Encoding

    static func ok(_ result: Any) -> LoopbackHTTPResponse {
        json(200, ["ok": true, "result": result])
    }

    static func error(_ status: Int, _ description: String, parameters: [String: Any]? = nil) -> LoopbackHTTPResponse {
        var body: [String: Any] = ["ok": false, "error_code": status, "description": description]
        if let parameters { body["parameters"] = parameters }
        return json(status, body)
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> LoopbackHTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return LoopbackHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    /// The request's parameters: its JSON object, its form, or its query string (nil for a body that is not one).
    static func parameters(of request: LoopbackHTTPRequest) -> [String: Any]? {
        var parameters: [String: Any] = [:]
        for (name, value) in pairs(request.query ?? "") { parameters[name] = value }
        let type = request.header("Content-Type")?.lowercased() ?? ""
        if type.hasPrefix("application/json") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else { return nil }
            parameters.merge(object) { $1 }
        } else if type.hasPrefix("application/x-www-form-urlencoded") {
            for (name, value) in pairs(String(decoding: request.body, as: UTF8.self)) { parameters[name] = value }
        }
        return parameters
    }

    private static func pairs(_ form: String) -> [(String, String)] {
        form.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// An integer parameter, given as a JSON number or a string.
    static func int(_ value: Any?) -> Int64? {
        switch value {
        case let n as Int64: n
        case let n as Int: Int64(n)
        case let n as NSNumber: n.int64Value
        case let s as String: Int64(s)
        default: nil
        }
    }
}

extension TelegramBotAPIState {
    public func setWebhook(_ set: Bool) { webhookSet = set }
}
