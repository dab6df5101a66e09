import Foundation

/// What the fake Bot API knows: the update queue, the chats, what the bot sent, and the failures it was told to
/// answer with. An actor: requests and tests change it one at a time.
public actor TelegramBotAPIState {
    /// A message the bot sent with `sendMessage`, as Telegram stored it.
    public struct Sent: Sendable, Equatable {
        public var chatID: Int64
        public var messageID: Int64
        /// The text as shown, after entity parsing.
        public var text: String
        /// The `text` parameter as sent (HTML when `parseMode` is `HTML`).
        public var raw: String
        public var parseMode: String?
        public var entities: [TelegramHTML.Entity]
        /// `reply_parameters.message_id`: the message this one answers.
        public var replyTo: Int64?
        public var threadID: Int64?
    }

    /// A request the fake answered: the method (lower-cased) and its parameters as JSON values.
    public struct Call: Sendable {
        public var method: String
        public var offset: Int64?
        public var timeout: Int?
        public var status: Int
        /// `sendMessage`: the message it answers (`reply_parameters.message_id`), failed or not.
        public var replyTo: Int64? = nil
        /// When the fake answered it.
        public var at = ContinuousClock.now
    }

    /// A failure to answer the next calls of a method with, instead of doing it.
    public enum Failure: Sendable {
        /// 429 with `parameters.retry_after`.
        case tooManyRequests(retryAfter: Int)
        /// A 5xx with Telegram's error body.
        case serverError(status: Int)
        /// 400 with this description after `Bad Request: `, e.g. `can't parse entities: …`.
        case badRequest(String)
        /// No answer for this long (a stalled connection, a proxy holding the request), then an empty success.
        case silence(Duration)
    }

    struct Pending {
        var id: Int64
        var json: Data
    }

    public let bot: TelegramBotAPIFake.User
    /// Privacy mode off: the bot gets every group message.
    public let canReadAllGroupMessages: Bool
    private(set) public var sent: [Sent] = []
    private(set) public var calls: [Call] = []
    /// Whether a webhook is set: `getUpdates` then answers 409.
    public var webhookSet = false
    private var queue: [Pending] = []
    private var nextUpdateID: Int64 = 700_000_001
    private var nextMessageID: [Int64: Int64] = [:]
    private var chats: [Int64: TelegramBotAPIFake.Chat] = [:]
    private var failures: [String: [Failure]] = [:]
    private var allowedUpdates: Set<String>?
    /// The `getUpdates` waiting for an update, by its generation.
    private var waitingPoll: (generation: Int, wake: CheckedContinuation<PollWake, Never>)?
    private var pollGeneration = 0
    private var waiters: [(isolated TelegramBotAPIState) -> Bool] = []

    enum PollWake { case update, timeout, conflict }

    init(bot: TelegramBotAPIFake.User, canReadAllGroupMessages: Bool) {
        self.bot = bot
        self.canReadAllGroupMessages = canReadAllGroupMessages
    }

    // MARK: - The test's side

    public func addChat(_ chat: TelegramBotAPIFake.Chat) {
        chats[chat.id] = chat
    }

    /// Queues a text message from `user` in `chat` as an update, as Telegram does when somebody writes (in a group
    /// with privacy mode on, only if it is a command, mentions the bot or replies to it); returns its message id. `replyingTo` is a message of the bot's this one answers.
    @discardableResult
    public func post(
        _ text: String, in chatID: Int64, from user: TelegramBotAPIFake.User, replyingTo: Int64? = nil, topic: Int64? = nil
    ) -> Int64 {
        let chat = chats[chatID] ?? TelegramBotAPIFake.Chat(id: chatID, type: chatID > 0 ? "private" : "supergroup")
        chats[chatID] = chat
        let messageID = newMessageID(in: chatID)
        // Privacy mode: in a group the bot gets commands, mentions of it and replies to it, nothing else.
        if !canReadAllGroupMessages, chat.type != "private", !text.hasPrefix("/"), replyingTo == nil,
            !text.lowercased().contains("@" + (bot.username ?? "").lowercased())
        {
            return messageID
        }
        var message: [String: Any] = [
            "message_id": messageID, "date": Int(Date().timeIntervalSince1970), "text": text,
            "chat": chat.json, "from": user.json,
        ]
        if let replyingTo {
            message["reply_to_message"] = ["message_id": replyingTo, "date": 0, "chat": chat.json, "from": bot.json, "text": ""] as [String: Any]
        }
        if let topic {
            message["message_thread_id"] = topic
            message["is_topic_message"] = true
        }
        enqueue(type: "message", message)
        return messageID
    }

    /// Queues an update of any type with any payload (an edit, a channel post, a malformed message), even one of a
    /// type the bot did not ask for: what a bot must survive if Telegram sends it anyway.
    public func postRaw(type: String, _ payload: [String: any Sendable]) {
        enqueue(type: type, payload, regardless: true)
    }

    /// Answers the next `times` calls of `method` with `failure`.
    public func fail(_ method: String, with failure: Failure, times: Int = 1) {
        failures[method.lowercased(), default: []] += Array(repeating: failure, count: times)
    }

    /// Waits until `check` has a value for the state as it is (now or after a later change), and returns it.
    public func until<T: Sendable>(_ check: @escaping @Sendable (isolated TelegramBotAPIState) -> T?) async -> T {
        if let value = check(self) { return value }
        return await withCheckedContinuation { continuation in
            waiters.append { state in
                guard let value = check(state) else { return false }
                continuation.resume(returning: value)
                return true
            }
        }
    }

    /// Whether a `getUpdates` is waiting for an update: what a test waits for before it says something new.
    public var isPollWaiting: Bool { waitingPoll != nil }

    /// The updates not yet confirmed by a `getUpdates` with a higher offset.
    public var pendingUpdateIDs: [Int64] { queue.map(\.id) }

    // MARK: - The bot's side

    func failure(for method: String) -> Failure? {
        guard var list = failures[method], !list.isEmpty else { return nil }
        let first = list.removeFirst()
        failures[method] = list
        return first
    }

    func record(_ call: Call) {
        calls.append(call)
        changed()
    }

    /// `getUpdates`: confirms what `offset` says, then answers the pending updates at once, or waits for one up to
    /// `timeout` seconds. A newer `getUpdates` ends a waiting one with a conflict (nil), as Telegram does.
    func getUpdates(offset: Int64, limit: Int, timeout: Int, allowed: [String]?) async -> [Data]? {
        if let allowed { allowedUpdates = Set(allowed.isEmpty ? ["message", "edited_message", "channel_post", "callback_query"] : allowed) }
        if offset > 0 {
            queue.removeAll { $0.id < offset }
        } else if offset < 0 {
            queue = Array(queue.suffix(Int(-offset)))
        }
        pollGeneration += 1
        let generation = pollGeneration
        if let waiting = waitingPoll {
            waitingPoll = nil
            waiting.wake.resume(returning: .conflict)
        }
        func answer() -> [Data] { queue.filter { offset <= 0 || $0.id >= offset }.prefix(limit).map(\.json) }
        if !answer().isEmpty || timeout <= 0 { return answer() }
        let timer = Task {
            try? await Task.sleep(for: .seconds(timeout))
            self.expire(generation)
        }
        let wake = await withCheckedContinuation {
            waitingPoll = (generation, $0)
            changed()
        }
        timer.cancel()
        if wake == .conflict { return nil }
        return answer()
    }

    /// Answers a waiting `getUpdates` now, as its timeout would.
    func endWaitingPoll() {
        if let waiting = waitingPoll { expire(waiting.generation) }
    }

    private func expire(_ generation: Int) {
        guard let waiting = waitingPoll, waiting.generation == generation else { return }
        waitingPoll = nil
        waiting.wake.resume(returning: .timeout)
    }

    func chat(_ id: Int64) -> TelegramBotAPIFake.Chat? { chats[id] }

    func store(_ message: Sent) -> Sent {
        var stored = message
        stored.messageID = newMessageID(in: message.chatID)
        sent.append(stored)
        changed()
        return stored
    }

    func messageExists(_ id: Int64, in chat: Int64) -> Bool {
        id > 0 && id < (nextMessageID[chat] ?? 1)
    }

    // MARK: - Internals

    private func newMessageID(in chat: Int64) -> Int64 {
        let id = nextMessageID[chat] ?? 1
        nextMessageID[chat] = id + 1
        return id
    }

    private func enqueue(type: String, _ payload: [String: Any], regardless: Bool = false) {
        // A type the bot did not ask for is not even queued (allowed_updates applies to updates created after it).
        if !regardless, let allowedUpdates, !allowedUpdates.contains(type) { return }
        let id = nextUpdateID
        nextUpdateID += 1
        let json = try! JSONSerialization.data(withJSONObject: ["update_id": id, type: payload] as [String: Any])
        queue.append(Pending(id: id, json: json))
        if let waiting = waitingPoll {
            waitingPoll = nil
            waiting.wake.resume(returning: .update)
        }
        changed()
    }

    private func changed() {
        waiters.removeAll { $0(self) }
    }
}
