import Foundation
import Logging
import Synchronization
import TandemCore

/// Zulip through its real-time events API: `register` a queue for message events, long-poll `GET /events`, post
/// with `POST /messages`. HTTP Basic `email:api_key` on every request.
///
/// - The cursor (``ZulipCursor``) holds the queue, its last event and the newest message id seen. `poll(after: nil)`
///   registers a queue and returns nothing: "from now on".
/// - A queue the server no longer has (`BAD_EVENT_QUEUE_ID`: it expired after ten idle minutes, say while the bot
///   was down), or one that already dropped events the cursor has not acknowledged (the bot was killed between a
///   poll and saving its outcome), is replaced: a new queue is registered, and the messages between the cursor's
///   message id and the new queue's start are fetched through `GET /messages`. Nothing is lost or repeated.
/// - Channel (stream) messages: the channel is the channel id, the thread the topic; replies go to the same topic,
///   notices without one to `defaultTopic`. Direct messages: the channel is `dm:<ids>` (see ``ZulipID``).
/// - Zulip has no idempotency key for sends. Posts once begun run to their end, and each part's key goes to the
///   ``SentLedger`` (the runtime's is a file in the state folder), which a resend consults: only a crash between
///   Zulip taking a post and the ledger recording it can post it twice.
/// - 429 `RATE_LIMIT_HIT` becomes `rateLimited` with `Retry-After`; 401 `unauthorized`; 5xx and network errors
///   `transient`. `X-RateLimit-Remaining` is not acted on before a 429.
public final class ZulipTransport: ChatTransport {
    public struct Configuration: Sendable {
        /// The organisation's URL, e.g. `https://acme.zulipchat.com`; no trailing slash needed.
        public var site: String
        /// The bot's email address, its login name for the API (not secret).
        public var email: String
        public var apiKey: String
        /// The topic of notices that start a conversation in a channel: handoff announcements, reminders, reports.
        public var defaultTopic = "Tandem"
        /// The name people address the bot by (``Addressing``): a typed mention of the bot becomes `@` + this.
        public var addressName = "tandem"
        /// How long the server may hold `GET /events` when it has not said (`event_queue_longpoll_timeout_seconds`).
        public var pollTimeout = 90
        /// Pages of 1,000 messages fetched at most after a lost queue.
        public var maxBackfillPages = 20
        /// The least time between two replacements of a lost queue: a server that loses every new queue at once is
        /// retried with backoff instead of in a tight loop.
        public var minimumQueueReplacementInterval: Duration = .seconds(10)
        /// Where the keys of the parts posted are recorded (Zulip has no idempotency key): a resend after a crash skips
        /// the parts it finds there. Nil: every resend posts again.
        public var sentLedger: (any SentLedger)?

        public init(site: String, email: String, apiKey: String) {
            self.site = site.hasSuffix("/") ? String(site.dropLast()) : site
            self.email = email
            self.apiKey = apiKey
        }
    }

    /// Who the bot is in the organisation.
    public struct Identity: Sendable, Equatable {
        public var userID: Int
        public var fullName: String
        public var email: String?
    }

    /// A channel the bot is subscribed to, for `check-config --probe`.
    public struct ChannelSummary: Sendable, Equatable {
        public var id: Int
        public var name: String
    }

    private let configuration: Configuration
    private let http: any HTTPClient
    private let logger: Logger
    private let api: String
    private let headers: [HTTPField]
    private let secrets: [String]
    private let decoder = JSONDecoder()
    private let connecting = SharedFetch<Identity>()
    /// What the server said at the last `/register`: the long-poll hold and the message size limit.
    private let limits = Mutex<(pollTimeout: Int, messageLength: Int)>((90, ZulipRenderer.defaultPartLimit))
    private let lastReplacement = Mutex<ContinuousClock.Instant?>(nil)

    public init(configuration: Configuration, http: any HTTPClient, logger: Logger = Logger(label: "tandem.zulip")) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        api = configuration.site + "/api/v1"
        let credentials = Data((configuration.email + ":" + configuration.apiKey).utf8).base64EncodedString()
        headers = [HTTPField("Authorization", "Basic " + credentials)]
        secrets = [configuration.apiKey, credentials]
        limits.withLock { $0.pollTimeout = configuration.pollTimeout }
    }

    // MARK: - Identity

    /// Learns the bot's own user id and name (`GET /users/me`), once; again after a failure.
    @discardableResult
    public func connect() async throws -> Identity {
        try await connecting.value { try await self.fetchIdentity() }
    }

    private func fetchIdentity() async throws -> Identity {
        let response = try await call(request("GET", "/users/me"), what: "GET /users/me", refusedMeans: .unauthorized)
        let me = try decode(ZulipOwnUser.self, response)
        return Identity(userID: me.userID, fullName: me.fullName, email: me.email)
    }

    // MARK: - Receiving

    public func poll(after cursor: String?) async throws -> TransportBatch {
        let me = try await connect()
        guard let cursor, let position = ZulipCursor(cursor) else {
            if cursor != nil { logger.warning("the stored cursor is not a Zulip position; starting from now") }
            let queue = try await register()
            let start = ZulipCursor(
                queue: queue.queueID, lastEventID: queue.lastEventID, lastMessageID: queue.maxMessageID, floor: queue.maxMessageID)
            return TransportBatch(messages: [], cursor: start.text)
        }
        let url = api + "/events?queue_id=\(Self.escaped(position.queue))&last_event_id=\(position.lastEventID)"
        let timeout = limits.withLock { $0.pollTimeout }
        let response = try await exchange(
            HTTPClientRequest(url: url, headers: headers, timeout: .seconds(timeout + 10), secrets: secrets), what: "GET /events")
        if response.status == 400, let code = try? decoder.decode(ZulipErrorBody.self, from: response.body).code,
            code == "BAD_EVENT_QUEUE_ID" || code == "BAD_REQUEST"
        {
            return try await replaceQueue(after: position, because: code, me: me)
        }
        try check(response, what: "GET /events")
        let events = try decode(ZulipEventsPage.self, response).events.decoded()
        var next = position
        var messages: [ChatMessage] = []
        for event in events {
            next.lastEventID = max(next.lastEventID, event.id)
            // The queue's start was covered by history or by a backfill: not new.
            guard event.type == "message", let message = event.message, message.id > position.floor else { continue }
            next.lastMessageID = max(next.lastMessageID, message.id)
            if let chat = chatMessage(message, me: me) { messages.append(chat) }
        }
        return TransportBatch(messages: messages, cursor: next.text)
    }

    /// A new queue, and what was said between `position` and its start, fetched through `GET /messages`.
    private func replaceQueue(after position: ZulipCursor, because code: String, me: Identity) async throws -> TransportBatch {
        let now = ContinuousClock.now
        let tooSoon = lastReplacement.withLock { last -> Bool in
            if let last, now - last < configuration.minimumQueueReplacementInterval { return true }
            last = now
            return false
        }
        if tooSoon {
            throw TransportError(.transient, "GET /events: the new event queue was refused at once (\(code)); retrying")
        }
        logger.warning(
            "the Zulip event queue is gone; registering a new one and fetching the messages since the last one seen",
            metadata: ["code": "\(code)", "after_message": "\(position.lastMessageID)"])
        let queue = try await register()
        let missed = try await messages(after: position.lastMessageID, through: queue.maxMessageID)
        let chats = missed.compactMap { chatMessage($0, me: me) }
        logger.info("fetched the messages a lost queue missed", metadata: ["messages": "\(missed.count)"])
        let next = ZulipCursor(
            queue: queue.queueID, lastEventID: queue.lastEventID, lastMessageID: max(position.lastMessageID, queue.maxMessageID),
            floor: queue.maxMessageID)
        return TransportBatch(messages: chats, cursor: next.text)
    }

    /// `POST /register` for message events, raw Markdown, and the realm's limits.
    private func register() async throws -> ZulipRegistration {
        let form = Self.form([
            ("event_types", #"["message"]"#), ("fetch_event_types", #"["message","realm"]"#), ("apply_markdown", "false"),
            ("client_gravatar", "true"),
        ])
        let response = try await call(post("/register", form: form), what: "POST /register")
        let queue = try decode(ZulipRegistration.self, response)
        limits.withLock { limits in
            if let seconds = queue.longPollTimeoutSeconds, seconds > 0 { limits.pollTimeout = seconds }
            if let length = queue.maxMessageLength, length > 0 { limits.messageLength = length }
        }
        return queue
    }

    /// The messages the bot received with ids in `(after, through]`, oldest first, page by page.
    private func messages(after anchor: Int, through last: Int) async throws -> [ZulipMessage] {
        var collected: [ZulipMessage] = []
        var from = max(anchor, 0)
        for _ in 0..<configuration.maxBackfillPages where from < last {
            let url = api + "/messages?anchor=\(from)&include_anchor=false&num_before=0&num_after=1000&apply_markdown=false"
                + "&client_gravatar=true&narrow=" + Self.escaped("[]")
            let response = try await call(HTTPClientRequest(url: url, headers: headers, secrets: secrets), what: "GET /messages")
            let page = try decode(ZulipMessagesPage.self, response)
            // Older servers ignore include_anchor; anything at or before the anchor was seen.
            let fresh = page.messages.decoded().filter { $0.id > from }
            collected += fresh.filter { $0.id <= last }
            guard let newest = fresh.last?.id, page.foundNewest != true else { return collected }
            from = newest
        }
        if from < last {
            logger.error(
                "more messages were missed than are fetched after a lost queue; the oldest were skipped",
                metadata: ["pages": "\(configuration.maxBackfillPages)"])
        }
        return collected
    }

    private func chatMessage(_ message: ZulipMessage, me: Identity) -> ChatMessage? {
        message.chatMessage(ownUserID: me.userID, ownName: me.fullName, addressName: configuration.addressName)
    }

    // MARK: - Sending

    /// Posts each part of the rendered reply (`POST /messages`, form-encoded) and returns the first part's id ("" when
    /// the first part was posted before, by an earlier run).
    ///
    /// Part n > 0 has the key `key.n` in the ledger. Once begun, the posts run to their end even if the caller is
    /// cancelled (a stop): a post cut off after Zulip took it could not be told from one it never got, and would be
    /// posted again on restart.
    public func send(_ message: OutgoingChatMessage) async throws -> String {
        _ = try await connect()
        try Task.checkCancellation()
        return try await Task { try await self.post(message) }.value
    }

    private func post(_ message: OutgoingChatMessage) async throws -> String {
        let parts = ZulipRenderer(partLimit: limits.withLock { $0.messageLength }).render(message.body)
        var fields: [(String, String)]
        if let people = ZulipID.people(ofDirectChannel: message.channel) {
            fields = [("type", "private"), ("to", "[" + people.map(String.init).joined(separator: ",") + "]")]
        } else {
            // An empty topic is Zulip's "general chat" where the server allows it: a reply stays there too.
            let topic = message.thread ?? configuration.defaultTopic
            fields = [("type", "stream"), ("to", message.channel), ("topic", topic)]
        }
        var first = ""
        for (n, part) in parts.enumerated() {
            let key = n == 0 ? message.idempotencyKey : message.idempotencyKey + ".\(n)"
            if let ledger = configuration.sentLedger, await ledger.contains(key) { continue }
            let response = try await call(post("/messages", form: Self.form(fields + [("content", part)])), what: "POST /messages")
            let id = try decode(ZulipSentMessage.self, response).id
            if n == 0 { first = String(id) }
            do {
                try await configuration.sentLedger?.record(key)
            } catch {
                logger.error("could not record a posted reply; a restart may post it again", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        return first
    }

    // MARK: - Probing

    /// The channels the bot is subscribed to: what `check-config --probe` lists.
    public func subscriptions() async throws -> [ChannelSummary] {
        struct Subscriptions: Decodable {
            struct Subscription: Decodable {
                var streamID: Int
                var name: String
                enum CodingKeys: String, CodingKey {
                    case streamID = "stream_id"
                    case name
                }
            }
            var subscriptions: [Lenient<Subscription>]
        }
        let response = try await call(request("GET", "/users/me/subscriptions"), what: "GET /users/me/subscriptions")
        return try decode(Subscriptions.self, response).subscriptions.decoded().map { ChannelSummary(id: $0.streamID, name: $0.name) }
    }

    /// Full names of the organisation's active users by id: for `check-config --probe` to show whom each member is.
    public func users() async throws -> [Int: String] {
        struct Users: Decodable {
            struct User: Decodable {
                var userID: Int
                var fullName: String
                var isActive: Bool?
                enum CodingKeys: String, CodingKey {
                    case userID = "user_id"
                    case fullName = "full_name"
                    case isActive = "is_active"
                }
            }
            var members: [Lenient<User>]
        }
        let response = try await call(request("GET", "/users?client_gravatar=true"), what: "GET /users")
        let users = try decode(Users.self, response).members.decoded().filter { $0.isActive != false }
        return Dictionary(users.map { ($0.userID, $0.fullName) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: - HTTP

    private func request(_ method: String, _ path: String) -> HTTPClientRequest {
        HTTPClientRequest(method: method, url: api + path, headers: headers, secrets: secrets)
    }

    private func post(_ path: String, form: Data) -> HTTPClientRequest {
        HTTPClientRequest(
            method: "POST", url: api + path, headers: headers + [HTTPField("Content-Type", "application/x-www-form-urlencoded")],
            body: form, secrets: secrets)
    }

    /// Zulip's request bodies: `application/x-www-form-urlencoded`, lists as JSON text.
    static func form(_ fields: [(String, String)]) -> Data {
        Data(fields.map { escaped($0.0) + "=" + escaped($0.1) }.joined(separator: "&").utf8)
    }

    /// Sends; a network failure is transient. The answer is returned whatever its status.
    private func exchange(_ request: HTTPClientRequest, what: String) async throws -> HTTPClientResponse {
        do {
            return try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, "\(what): \(error.description)")
        }
    }

    private func call(
        _ request: HTTPClientRequest, what: String, refusedMeans refused: TransportError.Kind? = nil
    ) async throws -> HTTPClientResponse {
        let response = try await exchange(request, what: what)
        try check(response, what: what, refusedMeans: refused)
        return response
    }

    /// Maps Zulip's answer to what the caller should do. `what` names the call without ids or keys.
    private func check(_ response: HTTPClientResponse, what: String, refusedMeans refused: TransportError.Kind? = nil) throws {
        if (200..<300).contains(response.status) { return }
        let error = try? decoder.decode(ZulipErrorBody.self, from: response.body)
        let redactor = Redactor(request: HTTPClientRequest(url: api, headers: headers, secrets: secrets))
        let reason = [error?.code, error?.msg.map(redactor.mask)].compactMap { $0 }.joined(separator: ": ")
        let because = reason.isEmpty ? "\(response.status)" : "\(response.status) \(reason)"
        if response.status == 429 || error?.code == "RATE_LIMIT_HIT" {
            let wait = response.header("Retry-After").flatMap(Double.init) ?? error?.retryAfter ?? 5
            throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited (\(because)), retry after \(wait) s")
        }
        if response.status == 403, let refused {
            throw TransportError(refused, "\(what): refused (\(because)); check transport.email and the bot's API key")
        }
        switch response.status {
        case 401:
            throw TransportError(
                .unauthorized, "\(what): Zulip refused the bot's email and API key (\(because)); check transport.email and the API key")
        case 500...:
            throw TransportError(.transient, "\(what): server error \(because)")
        default:
            throw TransportError(.rejected(status: response.status), "\(what): refused with \(because)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        do {
            return try decoder.decode(type, from: response.body)
        } catch {
            throw TransportError(.transient, "Zulip sent an answer that is not the expected JSON: \(error)")
        }
    }

    /// Percent-encodes a query or form value: everything but unreserved characters.
    static func escaped(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
