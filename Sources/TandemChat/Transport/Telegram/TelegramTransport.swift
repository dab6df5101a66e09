import Foundation
import Logging
import Synchronization
import TandemCore

/// Telegram through the Bot API: `getUpdates` long polls in, `sendMessage` (HTML parse mode) out.
///
/// - The token is part of every URL (`/bot<token>/METHOD`): it is a secret of every request, so no error or log
///   line can carry it, and errors name the method only.
/// - The cursor is the next `offset` (last `update_id` + 1). Telegram forgets an update once a `getUpdates` asks
///   with a higher offset, so the offset sent is the older of this call's cursor and the previous call's: the bot
///   asks after a batch's cursor while that batch is still being journaled, and only once it asks again is the
///   batch durable. Updates before the cursor asked for are dropped from the answer (they were returned already).
///   So Telegram forgets an update only after its outcome is journaled.
/// - `poll(after: nil)` starts from now: `offset=-1` makes Telegram forget all but the newest pending update, which
///   is history too; Telegram keeps up to 24 hours of updates, and a new install must not answer them.
/// - `allowed_updates: ["message"]`: edits (which would answer a command twice), channel posts and the rest never come.
/// - `409 Conflict` (a webhook is set, or another program polls with the same token) stops the bot with a line
///   saying what to do: as ``TransportError/Kind/unauthorized``, the kind the bot stops on. Retrying would only
///   fight the other poller.
/// - `sendMessage` has no idempotency key: a reply whose answer was lost (a crash or a timeout after Telegram took it)
///   is sent again. Within one process, the parts of a reply already sent are not sent again when a later part fails,
///   and a reply begun is finished even when the bot is stopping.
public final class TelegramTransport: ChatTransport {
    public struct Configuration: Sendable {
        /// `https://api.telegram.org`, or a local Bot API server or a test's fake.
        public var apiBaseURL: String
        /// The token from @BotFather, `123456:ABC-…`.
        public var token: String
        /// What a Telegram address (`/cmd`, `@TandemBot`) becomes for ``Addressing``: `@` and the first bot name.
        public var addressAs: String
        /// How long Telegram may hold a `getUpdates`, in seconds.
        public var pollTimeout = 25
        /// How much longer than `pollTimeout` a `getUpdates` may take before it counts as lost (a stalled connection).
        public var pollGrace = Duration.seconds(15)
        public var partLimit = TelegramRenderer.defaultPartLimit

        public init(apiBaseURL: String = "https://api.telegram.org", token: String, addressAs: String = "@tandem") {
            self.apiBaseURL = apiBaseURL.hasSuffix("/") ? String(apiBaseURL.dropLast()) : apiBaseURL
            self.token = token
            self.addressAs = addressAs
        }
    }

    /// A chat the bot can reach, for `check-config --probe`.
    public struct ChatSummary: Sendable, Equatable {
        public var id: String
        public var type: String
        public var title: String?
    }

    private let configuration: Configuration
    private let http: any HTTPClient
    private let logger: Logger
    private let renderer: TelegramRenderer
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()
    private let connecting = SharedFetch<TelegramUser>()
    /// The offset the previous poll was asked after: durable once the next poll is asked for (see the type's notes).
    private let previousCursor = Mutex<Int64?>(nil)
    /// Parts already sent of a reply whose later part failed, by outbox key: a retry goes on from there.
    private let sentParts = Mutex<[String: (count: Int, first: String)]>([:])

    public init(configuration: Configuration, http: any HTTPClient, logger: Logger = Logger(label: "tandem.telegram")) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        renderer = TelegramRenderer(partLimit: configuration.partLimit)
    }

    // MARK: - Identity

    /// Asks `getMe` who the bot is (once; again after a failure): its id, to skip its own messages, and its
    /// username, to recognise `@TandemBot` and `/cmd@TandemBot`.
    @discardableResult
    public func connect() async throws -> TelegramUser {
        try await connecting.value { try await self.call("getMe", TelegramUser.self) }
    }

    // MARK: - Receiving

    struct GetUpdates: Encodable {
        var offset: Int64
        var timeout: Int
        var allowedUpdates = ["message"]
        enum CodingKeys: String, CodingKey {
            case offset, timeout
            case allowedUpdates = "allowed_updates"
        }
    }

    public func poll(after cursor: String?) async throws -> TransportBatch {
        let bot = try await connect()
        guard let wanted = cursor.flatMap({ Int64($0) }) else {
            if let cursor { logger.warning("the stored cursor is not a Telegram offset; starting from now", metadata: ["cursor": "\(cursor)"]) }
            let newest = try await getUpdates(GetUpdates(offset: -1, timeout: 0))
            let next = newest.map(\.updateID).max().map { $0 + 1 } ?? 0
            previousCursor.withLock { $0 = next }
            return TransportBatch(messages: [], cursor: String(next))
        }
        let offset = previousCursor.withLock { previous in
            defer { previous = wanted }
            return min(previous ?? wanted, wanted)
        }
        // Behind the cursor, Telegram answers at once with what was returned already: no need to wait.
        let updates = try await getUpdates(GetUpdates(offset: offset, timeout: offset < wanted ? 0 : configuration.pollTimeout))
        let new = updates.filter { $0.updateID >= wanted }
        let next = max(wanted, (new.map(\.updateID).max() ?? -1) + 1)
        let messages = new.compactMap { $0.message?.chatMessage(bot: bot, addressAs: configuration.addressAs) }
        return TransportBatch(messages: messages, cursor: String(next))
    }

    private func getUpdates(_ request: GetUpdates) async throws -> [TelegramUpdate] {
        let updates = try await call(
            "getUpdates", [Lenient<TelegramUpdate>].self, body: request, timeout: .seconds(request.timeout) + configuration.pollGrace)
        return updates.decoded()
    }

    // MARK: - Sending

    /// Every reply quotes its command (`reply_parameters`), so its place in the chat does not matter.
    public var repliesNameTheirMessage: Bool { true }

    /// Sends each part of the rendered reply; returns the first part's id, `<chat id>:<message id>` ("" for an
    /// empty reply).
    ///
    /// Once begun, a reply is sent to its end even if the caller is cancelled (a graceful stop): Telegram has no
    /// idempotency key, so a request cut off after Telegram took it would be sent again after the restart. Each part
    /// is bounded by the request's timeout, and a stop waits for the replies in flight only.
    public func send(_ message: OutgoingChatMessage) async throws -> String {
        try Task.checkCancellation()
        _ = try await connect()
        // An unstructured task does not inherit the caller's cancellation: the shield described above.
        return try await Task { try await self.sendParts(message) }.value
    }

    private func sendParts(_ message: OutgoingChatMessage) async throws -> String {
        let parts = renderer.render(message.body)
        var (done, first) = sentParts.withLock { $0[message.idempotencyKey] } ?? (0, "")
        for part in parts.dropFirst(done) {
            let id = try await sendPart(part, of: message)
            if done == 0 { first = id }
            done += 1
            if done < parts.count { sentParts.withLock { [done, first] in $0[message.idempotencyKey] = (done, first) } }
        }
        sentParts.withLock { _ = $0.removeValue(forKey: message.idempotencyKey) }
        return first
    }

    private func sendPart(_ part: TelegramMessage, of message: OutgoingChatMessage) async throws -> String {
        func body(html: Bool) throws -> TelegramOutgoing {
            guard
                let body = TelegramOutgoing(
                    chat: message.channel, text: html ? part.html : part.plain, html: html, thread: message.thread,
                    answering: message.answering)
            else {
                throw TransportError(.rejected(status: 400), "sendMessage: '\(message.channel)' is not a Telegram chat id")
            }
            return body
        }
        do {
            return message.channel + ":" + String(try await call("sendMessage", TelegramSent.self, body: try body(html: true)).messageID)
        } catch let error as TransportError where error.kind == .rejected(status: 400) && error.message.contains("can't parse entities") {
            // Tandem wrote HTML that Telegram cannot read: a bug here, but the reply still goes out, as plain text.
            logger.error("Telegram could not parse a reply's HTML; sending it as plain text", metadata: ["key": "\(message.idempotencyKey)", "error": "\(error)"])
            return message.channel + ":" + String(try await call("sendMessage", TelegramSent.self, body: try body(html: false)).messageID)
        }
    }

    // MARK: - Probing

    /// The configured chats the bot can reach (`getChat`), for `check-config --probe`; the others are left out.
    public func chats(_ ids: [String]) async throws -> [ChatSummary] {
        struct ChatID: Encodable { var chat_id: String }
        var found: [ChatSummary] = []
        for id in ids {
            do {
                let chat = try await call("getChat", TelegramIncoming.Chat.self, body: ChatID(chat_id: id))
                found.append(ChatSummary(id: String(chat.id), type: chat.type ?? "unknown", title: chat.title ?? chat.username))
            } catch let error as TransportError where error.kind == .rejected(status: 400) || error.kind == .rejected(status: 403) {
                continue
            }
        }
        return found
    }

    // MARK: - HTTP

    /// Calls `method` (POST, JSON) and maps Telegram's answer to what the caller should do. Errors name the method
    /// only: the URL holds the token.
    private func call<Result: Decodable>(
        _ method: String, _ type: Result.Type, body: some Encodable = [String: String](), timeout: Duration? = nil
    ) async throws -> Result {
        let request = try HTTPClientRequest.json(
            url: configuration.apiBaseURL + "/bot" + configuration.token + "/" + method, body: body, timeout: timeout,
            secrets: [configuration.token])
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, "\(method): \(error.kind) (curl \(error.curlCode)): \(Redactor(request: request).mask(error.message))")
        }
        if (200..<300).contains(response.status) {
            do {
                let envelope = try decoder.decode(TelegramEnvelope<Result>.self, from: response.body)
                if envelope.ok, let result = envelope.result { return result }
            } catch {
                throw TransportError(.transient, "\(method): Telegram sent an answer that is not the expected JSON: \(error)")
            }
        }
        let error = try? decoder.decode(TelegramErrorBody.self, from: response.body)
        let code = error?.errorCode ?? response.status
        let because = "\(code) " + Redactor(request: request).mask(error?.description ?? "(no description)")
        switch code {
        case 429:
            let wait = error?.parameters?.retryAfter ?? response.header("Retry-After").flatMap(Double.init) ?? 5
            throw TransportError(.rateLimited(retryAfter: wait), "\(method): rate limited (\(because)), retry after \(wait) s")
        case 401, 404:
            // Telegram answers 404 for a token that is not even shaped like one.
            throw TransportError(
                .unauthorized,
                "\(method): Telegram refused the bot token (\(because)); copy it again from @BotFather (/token) into the file or variable of transport.tokenFile/tokenEnv")
        case 409 where (error?.description ?? "").contains("webhook"):
            throw TransportError(
                .unauthorized,
                "\(method): \(because). A webhook is set for this bot, and Telegram delivers nothing to getUpdates while it is: "
                    + "delete it (POST https://api.telegram.org/bot<token>/deleteWebhook), or stop the program that set it, then start Tandem again")
        case 409:
            throw TransportError(
                .unauthorized,
                "\(method): \(because). Another program polls Telegram with this bot's token, and only one may: "
                    + "stop the other Tandem (or other bot program) using this token, or give this one its own bot from @BotFather")
        case 500...:
            throw TransportError(.transient, "\(method): server error \(because)")
        default:
            // A group upgraded to a supergroup has a new id: the config must name that one.
            let moved = error?.parameters?.migrateToChatID.map { "; the group is now the supergroup \($0): put that id in the config" } ?? ""
            throw TransportError(.rejected(status: code), "\(method): refused with \(because)\(moved)")
        }
    }
}
