import Foundation
import Synchronization
import TandemProtocol

/// The state of the local chat: messages, idempotency keys and waiting long polls.
///
/// All protocol logic lives here, free of HTTP, so it can be tested without sockets;
/// ``LocalChatEndpoint`` only maps requests onto these methods. Time comes from the
/// injected `now`, so timestamps and age-based retention are deterministic in tests.
///
/// A class behind one `Mutex` rather than an actor: every call is a few dictionary and
/// array operations, so a lock costs less than an actor hop, and ``post(_:from:)`` can
/// resume the waiting long polls itself, before it returns, with no task in between.
final class ChatRoom: Sendable {
    /// Who is who and who sees what; immutable, so readable without the lock.
    let directory: ChatDirectory

    private let now: @Sendable () -> Date
    /// How long a message is kept, whatever the count.
    private let retainedSeconds: TimeInterval
    private let state: Mutex<State>

    private struct State {
        var log: MessageLog
        /// The message id each (sender, idempotency key) pair produced, for retained messages.
        var idempotentPosts: [IdempotencyKey: Int] = [:]
        /// Long polls waiting for a message visible to their participant. A waiter is removed by
        /// whoever resumes it (a post, its timeout, cancellation, ``close()``), so it resumes once.
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        /// Callers of ``untilWaiting(atLeast:)`` and the count each waits for.
        var waiterObservers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        /// Set by ``close()``: long polls answer at once instead of waiting.
        var isClosed = false
    }

    private struct IdempotencyKey: Hashable {
        let senderID: String
        let key: String
    }

    private struct Waiter {
        let participantID: String
        let includeOwn: Bool
        /// Resumed when a visible message arrives; the long poll then re-reads.
        let continuation: CheckedContinuation<Void, Never>
    }

    /// Creates an empty room.
    /// - Parameters:
    ///   - directory: the participants and channels.
    ///   - retainedMessages: how many recent messages to keep.
    ///   - retainedSeconds: how long to keep a message. Older ones are dropped by the next post: only
    ///     posts add to memory, and `now` is read once per post (the protocol article's replay counts on it).
    ///   - now: the time source for message timestamps and their age.
    init(
        directory: ChatDirectory,
        retainedMessages: Int,
        retainedSeconds: TimeInterval = TimeInterval(LocalEndpointConfiguration.defaultRetainedSeconds),
        now: @escaping @Sendable () -> Date
    ) {
        self.directory = directory
        self.retainedSeconds = retainedSeconds
        self.state = Mutex(State(log: MessageLog(capacity: retainedMessages)))
        self.now = now
    }

    /// The id of the most recent message, 0 before the first; the cursor for "from now on".
    var latestID: Int { state.withLock { $0.log.latestID } }

    /// How many long polls are waiting; lets tests prove that waiters are cleaned up.
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// How many messages are held in memory; lets tests prove the retention bounds.
    var retainedCount: Int { state.withLock { $0.log.retained.count } }

    /// How many idempotency keys are remembered; lets tests prove that evicted messages drop theirs.
    var idempotencyKeyCount: Int { state.withLock { $0.idempotentPosts.count } }

    /// Returns once at least `count` long polls are waiting. Lets tests post only after a poll
    /// is really parked, so they prove the wake-up path instead of racing it (and never sleep).
    func untilWaiting(atLeast count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                guard state.waiters.count < count else { return true }
                state.waiterObservers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Answers every waiting long poll at once with what it has, and makes later ones answer
    /// without waiting: graceful shutdown then never waits for a poll's timeout.
    func close() {
        let woken = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken {
            continuation.resume()
        }
    }

    // MARK: - Posting

    /// Posts a message as `sender` and wakes the long polls that can see it.
    ///
    /// The waiters are resumed before this returns, so a woken poll needs no timer or task
    /// switch to notice. The same idempotency key from the same sender posts once: a retry
    /// answers the first id, as long as that message is still retained.
    /// - Returns: the id of the new (or earlier, for a repeated key) message.
    /// - Throws: ``ChatRoomError`` for missing or empty text, an unknown or invisible channel or an unknown thread.
    func post(_ draft: NewMessage, from sender: LocalParticipant) throws(ChatRoomError) -> Int {
        guard let text = draft.text else {
            throw .missingText
        }
        let key = draft.idempotencyKey.flatMap { $0.isEmpty ? nil : IdempotencyKey(senderID: sender.id, key: $0) }
        let channelID = draft.channel ?? directory.defaultChannelID
        let thread = draft.thread.flatMap { $0.isEmpty ? nil : $0 }
        let username = draft.username.flatMap { $0.isEmpty ? nil : $0 }

        let (id, woken) = try state.withLock { state throws(ChatRoomError) -> (Int, [CheckedContinuation<Void, Never>]) in
            if let key, let earlier = state.idempotentPosts[key] {
                // A retry repeats its message; a key reused for another message is a client bug that would
                // otherwise lose that message without a word.
                if let first = state.log.message(id: earlier),
                    first.channelID != channelID || first.text != text || first.thread != thread
                {
                    throw .keyReused(key.key, firstID: earlier)
                }
                return (earlier, [])
            }
            guard directory.canSee(sender.id, channelID: channelID) else {
                throw .unknownChannel(channelID)
            }
            guard !text.isBlank else {
                throw .emptyText
            }
            if let thread, !(Int(thread).map(state.log.wasIssued(id:)) ?? false) {
                throw .unknownThread(thread)
            }
            // A thread's root must be in the same channel; one no longer retained cannot be checked.
            if let thread, let root = Int(thread).flatMap(state.log.message(id:)), root.channelID != channelID {
                throw .threadInAnotherChannel(thread)
            }
            // Read under the lock, so timestamps follow the ids; only for a post that is accepted.
            let date = now()
            Self.evictExpired(&state, at: date, retainedSeconds: retainedSeconds)
            let message = LoggedMessage(
                id: state.log.nextID,
                channelID: channelID,
                senderID: sender.id,
                senderName: sender.isBot ? (username ?? sender.name) : sender.name,
                text: text,
                date: date,
                thread: thread,
                idempotencyKey: key?.key
            )
            if let evicted = state.log.append(message) {
                Self.forgetKey(of: evicted, in: &state)
            }
            if let key {
                state.idempotentPosts[key] = message.id
            }
            var woken: [CheckedContinuation<Void, Never>] = []
            for (waiterID, waiter) in state.waiters
            where Self.isVisible(message, to: waiter.participantID, includeOwn: waiter.includeOwn, in: directory) {
                woken.append(waiter.continuation)
                state.waiters[waiterID] = nil
            }
            return (message.id, woken)
        }
        for continuation in woken {
            continuation.resume()
        }
        return id
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
        state.withLock { state in
            Self.updates(in: state, for: participantID, after: after, limit: limit, includeOwn: includeOwn, directory: directory)
        }
    }

    /// Like ``updates(for:after:limit:includeOwn:)``, but with nothing new, waits up to `timeout`
    /// for a visible message (a long poll).
    ///
    /// Waiting is a continuation that ``post(_:from:)`` resumes directly, not a sleep loop. The
    /// waiter is removed when the poll ends, whether by message, timeout, task cancellation or
    /// ``close()``.
    func waitForUpdates(
        for participantID: String, after: Int?, limit: Int, timeout: Duration, includeOwn: Bool = false
    ) async -> UpdateBatch {
        let batch = updates(for: participantID, after: after, limit: limit, includeOwn: includeOwn)
        guard batch.messages.isEmpty, timeout > .zero, !Task.isCancelled else { return batch }
        let waiterID = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                // Cancelled (not run out) once the poll ends another way.
                if (try? await Task.sleep(until: deadline, clock: .continuous)) != nil {
                    resume(waiterID)
                }
            }
            await park(waiterID, participantID: participantID, after: batch.cursor, includeOwn: includeOwn, until: deadline)
            group.cancelAll()
        }
        return updates(for: participantID, after: batch.cursor, limit: limit, includeOwn: includeOwn)
    }

    /// Suspends until the waiter is resumed. Registers only if, under the lock, nothing visible
    /// arrived after `cursor` since the first read, the room is open, the task is not cancelled and
    /// the deadline has not passed: so no post, close, cancellation or timeout can slip between the
    /// check and the registration (each of those resumes only a registered waiter).
    private func park(
        _ waiterID: Int, participantID: String, after cursor: Int, includeOwn: Bool, until deadline: ContinuousClock.Instant
    ) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let observers = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                    let pending = Self.updates(
                        in: state, for: participantID, after: cursor, limit: 1, includeOwn: includeOwn, directory: directory)
                    guard pending.messages.isEmpty, !state.isClosed, !Task.isCancelled, ContinuousClock.now < deadline else {
                        return nil
                    }
                    state.waiters[waiterID] = Waiter(participantID: participantID, includeOwn: includeOwn, continuation: continuation)
                    let count = state.waiters.count
                    defer { state.waiterObservers.removeAll { $0.count <= count } }
                    return state.waiterObservers.filter { $0.count <= count }.map(\.continuation)
                }
                guard let observers else {
                    continuation.resume()  // not parked: the poll reads again at once
                    return
                }
                for observer in observers {
                    observer.resume()
                }
            }
        } onCancel: {
            resume(waiterID)
        }
    }

    /// Resumes and removes one waiter, if it is still waiting (a timeout or cancellation).
    private func resume(_ waiterID: Int) {
        state.withLock { $0.waiters.removeValue(forKey: waiterID) }?.continuation.resume()
    }

    // MARK: - State helpers (called under the lock)

    private static func updates(
        in state: State, for participantID: String, after: Int?, limit: Int, includeOwn: Bool,
        directory: ChatDirectory
    ) -> UpdateBatch {
        guard let after else { return UpdateBatch(messages: [], cursor: state.log.latestID) }
        let start = after > state.log.latestID ? 0 : after
        var messages: [LoggedMessage] = []
        for message in state.log.messages(after: start)
        where isVisible(message, to: participantID, includeOwn: includeOwn, in: directory) {
            messages.append(message)
            if messages.count >= limit { break }
        }
        return UpdateBatch(messages: messages, cursor: messages.last?.id ?? start)
    }

    /// Drops the messages older than the retention age, and their idempotency keys.
    private static func evictExpired(_ state: inout State, at date: Date, retainedSeconds: TimeInterval) {
        for evicted in state.log.removeMessages(before: date.addingTimeInterval(-retainedSeconds)) {
            forgetKey(of: evicted, in: &state)
        }
    }

    private static func forgetKey(of evicted: LoggedMessage, in state: inout State) {
        if let key = evicted.idempotencyKey {
            state.idempotentPosts[IdempotencyKey(senderID: evicted.senderID, key: key)] = nil
        }
    }

    /// Whether `participantID` should receive `message`: not their own (unless asked), and in a channel they see.
    private static func isVisible(
        _ message: LoggedMessage, to participantID: String, includeOwn: Bool, in directory: ChatDirectory
    ) -> Bool {
        (includeOwn || message.senderID != participantID) && directory.canSee(participantID, channelID: message.channelID)
    }
}

extension String {
    /// Whether the text is empty or only white space: the answer of
    /// `trimmingCharacters(in: .whitespacesAndNewlines).isEmpty` (the tests compare the two scalar by scalar), but
    /// it stops at the first visible character and builds no string; Foundation's trim was a large share of a post.
    /// Foundation's set is Unicode's White_Space plus the zero-width space, which it still counts as a space.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0 == "\u{200B}" }
    }
}
