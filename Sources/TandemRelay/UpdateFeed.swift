import Foundation
import Synchronization
import TandemCore
import TandemProtocol

/// The relay's queue for the bot: the updates received, in order, each with its platform key (Slack's
/// `event_id`), and the bot's long polls waiting for the next one.
///
/// In memory; ``RelayJournal`` makes it durable. A key is reserved before its update is written to the journal
/// and the update appended after, so a retried webhook that arrives while the first delivery is still being
/// written is recognised as a duplicate too.
final class UpdateFeed: Sendable {
    struct Entry: Sendable, Equatable {
        var id: Int
        var key: String
        var update: Update
    }

    private struct State {
        var entries: [Entry] = []
        /// Keys of retained entries and of reservations in flight.
        var keys: Set<String> = []
        var nextID = 1
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var isClosed = false
    }

    private let state = Mutex(State())
    /// How many updates stay in memory for polls and duplicate checks.
    let retained: Int

    init(retained: Int = 10_000) {
        self.retained = max(retained, 1)
    }

    /// Puts back what the journal holds, oldest first, at start.
    func restore(_ entries: [Entry]) {
        state.withLock { state in
            for entry in entries.suffix(retained) {
                state.entries.append(entry)
                state.keys.insert(entry.key)
            }
            state.nextID = (entries.last?.id ?? 0) + 1
        }
    }

    /// Holds `key` while its update is written; false when `key` is known (a retry, or one being written).
    func reserve(_ key: String) -> Bool {
        state.withLock { $0.keys.insert(key).inserted }
    }

    /// Gives a hold up (its journal write failed): the platform's retry may take it.
    func release(_ key: String) {
        _ = state.withLock { $0.keys.remove(key) }
    }

    /// The id the next appended update gets. Only ``RelayJournal``'s serial queue appends, so the id it reads
    /// here, writes and then appends with is the one ``append(key:update:)`` assigns.
    var nextID: Int { state.withLock { $0.nextID } }

    /// Appends an update that is durable now, and wakes the waiting polls. Called in journal order only, so ids
    /// appear in order and a poll never moves its cursor past one it has not seen.
    @discardableResult
    func append(key: String, update: Update) -> Entry {
        let (entry, waiters) = state.withLock { state -> (Entry, [CheckedContinuation<Void, Never>]) in
            let entry = Entry(id: state.nextID, key: key, update: update)
            state.nextID += 1
            state.entries.append(entry)
            state.keys.insert(key)
            if state.entries.count > retained {
                let evicted = state.entries.count - retained
                for old in state.entries.prefix(evicted) { state.keys.remove(old.key) }
                state.entries.removeFirst(evicted)
            }
            defer { state.waiters = [:] }
            return (entry, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume() }
        return entry
    }

    /// The updates after `cursor`, at most `limit`, and the cursor after them. Without a cursor: none, and the
    /// latest id ("from now on"). A cursor beyond the latest id (the relay's journal was replaced) starts over
    /// from the latest id rather than skip everything until the old numbers are reached again.
    func page(after cursor: Int?, limit: Int) -> UpdatesPage {
        state.withLock { state in
            let latest = state.nextID - 1
            guard let cursor, cursor <= latest else { return UpdatesPage(updates: [], cursor: String(latest)) }
            let start = state.entries.partitioningIndex(where: { $0.id > cursor })
            let updates = state.entries[start...].prefix(limit)
            return UpdatesPage(updates: updates.map(\.update), cursor: String(updates.last?.id ?? cursor))
        }
    }

    /// ``page(after:limit:)``, waiting up to `timeout` when there is nothing new (a long poll).
    func wait(after cursor: Int?, limit: Int, timeout: Duration) async -> UpdatesPage {
        let first = page(after: cursor, limit: limit)
        guard first.updates.isEmpty, cursor != nil, timeout > .zero, !Task.isCancelled else { return first }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                if (try? await Task.sleep(until: deadline, clock: .continuous)) != nil { wake(id) }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let parked = state.withLock { state -> Bool in
                        let fresh = (cursor ?? 0) < state.nextID - 1
                        guard !fresh, !state.isClosed, !Task.isCancelled, ContinuousClock.now < deadline else { return false }
                        state.waiters[id] = continuation
                        return true
                    }
                    if !parked { continuation.resume() }
                }
            } onCancel: {
                wake(id)
            }
            group.cancelAll()
        }
        return page(after: cursor, limit: limit)
    }

    /// Answers every waiting poll now (graceful shutdown).
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isClosed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Polls waiting now: for tests.
    var waiting: Int { state.withLock { $0.waiters.count } }

    private func wake(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
