import Foundation
import TandemProtocol

/// The state of the local chat: messages, idempotency keys and waiting long polls.
///
/// All protocol logic lives here, free of HTTP, so it can be tested without sockets;
/// ``LocalChatEndpoint`` only maps requests onto these methods. Time comes from the
/// injected `now`, so timestamps are deterministic in tests.
actor ChatRoom {
    /// Who is who and who sees what; immutable, so readable without awaiting the actor.
    nonisolated let directory: ChatDirectory

    private let now: @Sendable () -> Date
    private var log: MessageLog
    /// The message id each (sender, idempotency key) pair produced, for retained messages.
    private var idempotentPosts: [IdempotencyKey: Int] = [:]
    /// Long polls waiting for a message visible to their participant.
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiterID = 0
    /// Callers of ``untilWaiting(atLeast:)`` and the count each waits for.
    private var waiterObservers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    private struct IdempotencyKey: Hashable {
        let senderID: String
        let key: String
    }

    private struct Waiter {
        let participantID: String
        let includeOwn: Bool
        /// Signalled (not finished) when a visible message arrives; the long poll then re-reads.
        let signal: AsyncStream<Void>.Continuation
    }

    /// Creates an empty room.
    /// - Parameters:
    ///   - directory: the participants and channels.
    ///   - retainedMessages: how many recent messages to keep.
    ///   - now: the time source for message timestamps.
    init(directory: ChatDirectory, retainedMessages: Int, now: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.log = MessageLog(capacity: retainedMessages)
        self.now = now
    }

    /// The id of the most recent message, 0 before the first; the cursor for "from now on".
    var latestID: Int { log.latestID }

    /// How many long polls are waiting; lets tests prove that waiters are cleaned up.
    var waiterCount: Int { waiters.count }

    /// Returns once at least `count` long polls are waiting. Lets tests post only after a poll
    /// is really parked, so they prove the wake-up path instead of racing it (and never sleep).
    func untilWaiting(atLeast count: Int) async {
        guard waiters.count < count else { return }
        await withCheckedContinuation { waiterObservers.append((count, $0)) }
    }

    // MARK: - Posting

    /// Posts a message as `sender` and wakes the long polls that can see it.
    ///
    /// The same idempotency key from the same sender posts once: a retry answers the first id,
    /// as long as that message is still retained.
    /// - Returns: the id of the new (or earlier, for a repeated key) message.
    /// - Throws: ``ChatRoomError`` for missing or empty text, an unknown or invisible channel or an unknown thread.
    func post(_ draft: NewMessage, from sender: LocalParticipant) throws(ChatRoomError) -> Int {
        guard let text = draft.text else {
            throw .missingText
        }
        let key = draft.idempotencyKey.flatMap { $0.isEmpty ? nil : IdempotencyKey(senderID: sender.id, key: $0) }
        if let key, let earlier = idempotentPosts[key] {
            return earlier
        }
        let channelID = draft.channel ?? directory.defaultChannelID
        guard directory.canSee(sender.id, channelID: channelID) else {
            throw .unknownChannel(channelID)
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .emptyText
        }
        let thread = draft.thread.flatMap { $0.isEmpty ? nil : $0 }
        if let thread, !(Int(thread).map(log.wasIssued(id:)) ?? false) {
            throw .unknownThread(thread)
        }
        let username = draft.username.flatMap { $0.isEmpty ? nil : $0 }
        let message = LoggedMessage(
            id: log.nextID,
            channelID: channelID,
            senderID: sender.id,
            senderName: sender.isBot ? (username ?? sender.name) : sender.name,
            text: text,
            date: now(),
            thread: thread,
            idempotencyKey: key?.key
        )
        if let evicted = log.append(message), let evictedKey = evicted.idempotencyKey {
            idempotentPosts[IdempotencyKey(senderID: evicted.senderID, key: evictedKey)] = nil
        }
        if let key {
            idempotentPosts[key] = message.id
        }
        for waiter in waiters.values where isVisible(message, to: waiter.participantID, includeOwn: waiter.includeOwn) {
            waiter.signal.yield()
        }
        return message.id
    }

    // MARK: - Reading

    /// The messages for `participantID` after a cursor, without waiting.
    ///
    /// - Parameters:
    ///   - after: the cursor; `nil` means "from now on" (no messages, cursor at the latest id).
    ///     A cursor beyond the latest id can only come from before a restart of this in-memory
    ///     endpoint, so it is read as 0: the caller gets what was posted since, rather than
    ///     nothing until the ids catch up.
    ///   - limit: the most messages to return.
    ///   - includeOwn: also the caller's own messages (the local page's history; not part of protocol v1).
    func updates(for participantID: String, after: Int?, limit: Int, includeOwn: Bool = false) -> UpdateBatch {
        guard let after else { return UpdateBatch(messages: [], cursor: log.latestID) }
        let start = after > log.latestID ? 0 : after
        var messages: [LoggedMessage] = []
        for message in log.messages(after: start) where isVisible(message, to: participantID, includeOwn: includeOwn) {
            messages.append(message)
            if messages.count >= limit { break }
        }
        return UpdateBatch(messages: messages, cursor: messages.last?.id ?? start)
    }

    /// Like ``updates(for:after:limit:)``, but with nothing new, waits up to `timeout`
    /// for a visible message (a long poll).
    ///
    /// Waiting is a signal, not a sleep loop: ``post(_:from:)`` wakes the poll at once.
    /// The waiter is removed when the poll ends, whether by message, timeout or task
    /// cancellation (server shutdown, or FlyingFox's handler timeout).
    func waitForUpdates(
        for participantID: String, after: Int?, limit: Int, timeout: Duration, includeOwn: Bool = false
    ) async -> UpdateBatch {
        let batch = updates(for: participantID, after: after, limit: limit, includeOwn: includeOwn)
        guard batch.messages.isEmpty, timeout > .zero, !Task.isCancelled else { return batch }

        // Registering in the same actor turn as the check above means no post can slip between them.
        let (stream, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let waiterID = nextWaiterID
        nextWaiterID += 1
        waiters[waiterID] = Waiter(participantID: participantID, includeOwn: includeOwn, signal: signal)
        defer { waiters[waiterID] = nil }
        notifyWaiterObservers()

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                signal.finish()
            }
            // Returns on the first signal, on `finish()` at the timeout, or on cancellation.
            for await _ in stream { break }
            group.cancelAll()
        }
        return updates(for: participantID, after: batch.cursor, limit: limit, includeOwn: includeOwn)
    }

    private func notifyWaiterObservers() {
        let count = waiters.count
        let ready = waiterObservers.filter { $0.count <= count }
        waiterObservers.removeAll { $0.count <= count }
        for observer in ready {
            observer.continuation.resume()
        }
    }

    /// Whether `participantID` should receive `message`: not their own (unless asked), and in a channel they see.
    private func isVisible(_ message: LoggedMessage, to participantID: String, includeOwn: Bool) -> Bool {
        (includeOwn || message.senderID != participantID) && directory.canSee(participantID, channelID: message.channelID)
    }
}
