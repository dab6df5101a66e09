import Foundation
import Synchronization

/// Everything the fake holds, behind one lock: messages, event queues, rate-limit windows, arranged faults, and the
/// long polls waiting for an event.
final class ZulipFakeState: Sendable {
    let configuration: ZulipFakeConfiguration

    struct Queue {
        var id: String
        var userID: Int
        var wantsMessages: Bool
        /// Events not yet pruned, oldest first, as JSON objects (each with its `id`).
        var events: [(id: Int, json: [String: Any])] = []
        var nextEventID = 0
        /// The newest event a poll acknowledged and the queue dropped (Zulip's `newest_pruned_id`).
        var newestPrunedID: Int?
        /// The poll waiting for an event, if one is.
        var waiter: (token: Int, continuation: CheckedContinuation<Wake, Never>)?
        var lastActivity: ContinuousClock.Instant
    }

    enum Wake { case event, heartbeat, replaced, gone }

    enum Fault {
        case rateLimited(retryAfter: Double)
        case serverError(status: Int)
    }

    struct Mutable {
        var messages: [ZulipFakeMessage] = []
        var nextMessageID = 1_000
        var queues: [String: Queue] = [:]
        var nextQueue = 1
        var nextToken = 0
        var requestTimes: [Int: [ContinuousClock.Instant]] = [:]
        /// Faults for the bot's requests, by path (`/api/v1/messages`); "*" for any path.
        var faults: [String: [Fault]] = [:]
        /// Tests waiting for something the fake will see (a post, a request), each with what it waits for.
        var waiters: [(id: Int, ready: @Sendable (Mutable) -> Bool, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextWaiterID = 0
        /// Waiters cancelled before they were parked: they must not be parked afterwards.
        var cancelledWaiters: Set<Int> = []
        var requests: [ZulipFakeRequest] = []
    }

    let mutable = Mutex(Mutable())

    init(configuration: ZulipFakeConfiguration) {
        self.configuration = configuration
    }

    // MARK: Messages

    /// Stores a message and delivers it to every queue of every person who receives it, the sender's included.
    @discardableResult
    func add(
        from senderID: Int, channel: Int?, topic: String, people: [Int], content: String, localID: (queue: String, id: String)? = nil
    ) -> ZulipFakeMessage {
        var content = content
        var truncated = false
        if content.unicodeScalars.count > configuration.maxMessageLength {
            // Zulip cuts an over-long message and says so.
            let marker = "\n[message truncated]"
            content = String(String.UnicodeScalarView(content.unicodeScalars.prefix(configuration.maxMessageLength - marker.count))) + marker
            truncated = true
        }
        let wakes: [CheckedContinuation<Wake, Never>] = mutable.withLock { state in
            let id = state.nextMessageID
            // Ids grow, but not one by one, as on a busy server.
            state.nextMessageID += 1 + (state.messages.count % 3)
            let message = ZulipFakeMessage(
                id: id, senderID: senderID, channelID: channel, topic: channel == nil ? "" : topic,
                people: channel == nil ? Array(Set(people + [senderID])).sorted() : [], content: content,
                mentions: ZulipFakeMentions.find(in: content), truncated: truncated)
            state.messages.append(message)
            var wakes: [CheckedContinuation<Wake, Never>] = []
            let receivers = self.receivers(of: message)
            for key in state.queues.keys.sorted() {
                guard var queue = state.queues[key], queue.wantsMessages, receivers.contains(queue.userID) else { continue }
                var json: [String: Any] = [
                    "type": "message", "message": self.json(message, for: queue.userID),
                    "flags": self.flags(message, for: queue.userID),
                ]
                if let localID, localID.queue == queue.id { json["local_message_id"] = localID.id }
                Self.push(json, to: &queue)
                if let waiter = queue.waiter {
                    wakes.append(waiter.continuation)
                    queue.waiter = nil
                }
                state.queues[key] = queue
            }
            return wakes
        }
        for wake in wakes { wake.resume(returning: .event) }
        return mutable.withLock { $0.messages.last! }
    }

    static func push(_ event: [String: Any], to queue: inout Queue) {
        // Event ids grow, but not one by one (Zulip: "not guaranteed to be consecutive").
        queue.nextEventID += queue.nextEventID % 2 == 0 ? 1 : 2
        var event = event
        event["id"] = queue.nextEventID
        queue.events.append((queue.nextEventID, event))
    }

    func receivers(of message: ZulipFakeMessage) -> Set<Int> {
        if let channel = message.channelID {
            return configuration.channels.first { $0.id == channel }?.subscribers ?? []
        }
        return Set(message.people)
    }

    func flags(_ message: ZulipFakeMessage, for user: Int) -> [String] {
        var flags: [String] = message.senderID == user ? ["read"] : []
        if message.mentions.userIDs.contains(user) { flags.append("mentioned") }
        if message.mentions.wildcard { flags.append("stream_wildcard_mentioned") }
        return flags
    }

    /// A message as Zulip's events and `/messages` show it (`apply_markdown=false`).
    func json(_ message: ZulipFakeMessage, for user: Int) -> [String: Any] {
        let sender = configuration.user(message.senderID)
        var json: [String: Any] = [
            "id": message.id, "sender_id": message.senderID, "sender_full_name": sender?.fullName ?? "",
            "sender_email": sender?.email ?? "", "sender_realm_str": "fake", "content": message.content,
            "content_type": "text/x-markdown", "timestamp": 1_764_000_000 + message.id, "client": "fake",
            "is_me_message": false, "reactions": [Any](), "submessages": [Any](), "topic_links": [Any](),
            "avatar_url": NSNull(), "subject": message.topic,
        ]
        if let channel = message.channelID {
            json["type"] = "stream"
            json["stream_id"] = channel
            json["display_recipient"] = configuration.channels.first { $0.id == channel }?.name ?? ""
            json["recipient_id"] = 10_000 + channel
        } else {
            json["type"] = "private"
            json["display_recipient"] = message.people.map { id -> [String: Any] in
                let person = configuration.user(id)
                return ["id": id, "full_name": person?.fullName ?? "", "email": person?.email ?? "", "is_mirror_dummy": false]
            }
            json["recipient_id"] = 20_000 + message.people.reduce(0, +)
        }
        return json
    }

    // MARK: Waiting

    /// Resumes the poll waiting on `queue` (if it is still the one holding `token`, when given).
    func wake(_ queue: String, token: Int? = nil, with wake: Wake) {
        let continuation: CheckedContinuation<Wake, Never>? = mutable.withLock { state in
            guard let waiter = state.queues[queue]?.waiter, token == nil || waiter.token == token else { return nil }
            state.queues[queue]?.waiter = nil
            return waiter.continuation
        }
        continuation?.resume(returning: wake)
    }

    /// Removes every queue of `user` (all users when nil), answering their waiting polls: the next poll gets
    /// `BAD_EVENT_QUEUE_ID`, as after Zulip's garbage collection.
    func expireQueues(of user: Int?) {
        let waiting: [CheckedContinuation<Wake, Never>] = mutable.withLock { state in
            let gone = state.queues.values.filter { user == nil || $0.userID == user }
            for queue in gone { state.queues[queue.id] = nil }
            return gone.compactMap { $0.waiter?.continuation }
        }
        for continuation in waiting { continuation.resume(returning: .gone) }
    }

    func record(_ request: ZulipFakeRequest) {
        mutable.withLock { state in
            var request = request
            request.sequence = state.requests.count
            state.requests.append(request)
        }
        wakeWaiters()
    }

    /// Returns once `ready` holds for the fake's state; throws `CancellationError` if the caller is cancelled first
    /// (a test's time limit), so a test waiting for a post that never comes fails instead of hanging.
    func wait(until ready: @escaping @Sendable (Mutable) -> Bool) async throws {
        let id = mutable.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = mutable.withLock { state in
                    if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
                    if ready(state) { return .success(()) }
                    state.waiters.append((id, ready, continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let parked = mutable.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelledWaiters.insert(id)
                    return nil
                }
                return state.waiters.remove(at: index).continuation
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    /// Resumes the waiters whose condition now holds (outside the lock: a resumed task may call back in).
    func wakeWaiters() {
        let due: [CheckedContinuation<Void, any Error>] = mutable.withLock { state in
            let snapshot = state
            let due = state.waiters.filter { $0.ready(snapshot) }
            state.waiters.removeAll { waiter in due.contains { $0.id == waiter.id } }
            return due.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}
