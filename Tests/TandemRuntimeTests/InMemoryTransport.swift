import Foundation
import Synchronization
import TandemChat
import TandemCore

/// A `ChatTransport` in memory, for running the real `BotService` in-process.
///
/// Tests `deliver` messages; `poll(after:)` returns those after the cursor (the cursor is the number of
/// messages delivered so far), waiting for more when there are none, like a long poll. `send` records every
/// attempt and posts once per idempotency key, as the webhook protocol does. Waiting is on signals, never sleeps.
final class InMemoryTransport: ChatTransport {
    private struct State {
        var inbox: [ChatMessage] = []
        var posted: [OutgoingChatMessage] = []
        var attempts: [String] = []
        /// Sends wait in `send` until released (see `holdSends()`).
        var holding = false
        var released: Set<String> = []
        /// Keys whose `send` has begun and not returned, in the order they began.
        var inFlight: [String] = []
        /// Cursors of the polls waiting right now (`nil` for "from now on"), and of every poll that returned a batch.
        var pollsWaiting: [UUID: String?] = [:]
        var pollsAnswered: [String?] = []
        /// Counts changes, so a waiter can tell whether one happened since it last looked.
        var generation = 0
        /// Polls and tests waiting for something to change; all are woken on every change and look again.
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    // Every mutable field lives in the Mutex, which makes the class Sendable without @unchecked.
    private let state = Mutex(State())

    /// Adds messages for the bot's next poll.
    func deliver(_ messages: [ChatMessage]) {
        wakeAll { $0.inbox += messages }
    }

    /// Messages posted, once per idempotency key, in order.
    var posted: [OutgoingChatMessage] { state.withLock { $0.posted } }

    /// How often `send` was called with `key`, including repeats the platform ignored.
    func attempts(_ key: String) -> Int { state.withLock { $0.attempts.filter { $0 == key }.count } }

    /// From now on every `send` waits until its key is released, so a test can see what is in flight at once.
    func holdSends() { wakeAll { $0.holding = true } }

    /// Lets the held send of `key` (or a later one with that key) go through.
    func release(_ key: String) { wakeAll { $0.released.insert(key) } }

    /// Lets every send through, held or future.
    func releaseAll() { wakeAll { $0.holding = false } }

    /// Keys whose send has begun but not returned, in the order they began.
    var inFlight: [String] { state.withLock { $0.inFlight } }

    /// Whether a poll after `cursor` is waiting right now.
    func isPolling(after cursor: String?) -> Bool { state.withLock { $0.pollsWaiting.values.contains(cursor) } }

    /// How many polls after `cursor` have returned messages.
    func answers(after cursor: String?) -> Int { state.withLock { $0.pollsAnswered.filter { $0 == cursor }.count } }

    /// Waits until `condition` holds for the transport's state (checked after every change).
    func wait(until condition: (InMemoryTransport) -> Bool) async {
        while true {
            let seen = state.withLock { $0.generation }
            if condition(self) || Task.isCancelled { return }
            await change(after: seen)
        }
    }

    // MARK: - ChatTransport

    func poll(after cursor: String?) async throws -> TransportBatch {
        let start = cursor.flatMap(Int.init) ?? state.withLock { $0.inbox.count }
        let id = UUID()
        wakeAll { $0.pollsWaiting[id] = cursor }
        defer { wakeAll { $0.pollsWaiting[id] = nil } }
        while true {
            try Task.checkCancellation()
            let (batch, seen) = state.withLock { s in
                (s.inbox.count > start ? TransportBatch(messages: Array(s.inbox[start...]), cursor: "\(s.inbox.count)") : nil,
                 s.generation)
            }
            if let batch {
                wakeAll { $0.pollsAnswered.append(cursor) }
                return batch
            }
            await change(after: seen)
        }
    }

    func send(_ message: OutgoingChatMessage) async throws -> String {
        let key = message.idempotencyKey
        wakeAll { s in
            s.attempts.append(key)
            s.inFlight.append(key)
        }
        defer { wakeAll { s in s.inFlight.remove(at: s.inFlight.firstIndex(of: key)!) } }
        await wait { t in t.state.withLock { !$0.holding || $0.released.contains(key) } }
        try Task.checkCancellation()
        wakeAll { s in
            if !s.posted.contains(where: { $0.idempotencyKey == key }) { s.posted.append(message) }
        }
        return "posted-\(key)"
    }

    // MARK: - Signals

    private func wakeAll(_ change: (inout State) -> Void) {
        let waiters = state.withLock { s in
            change(&s)
            s.generation += 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a change after generation `seen` has happened (at once if one has), or on cancellation.
    private func change(after seen: Int) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s in
                    if s.generation > seen || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
