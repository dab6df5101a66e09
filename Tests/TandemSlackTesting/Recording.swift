import Synchronization

/// A list that grows as requests arrive, and lets a test wait until it holds enough items.
///
/// Waiting is a signal: each waiter's continuation is resumed by the `append` that brings the count up to what it
/// asked for, so tests never poll or sleep. A waiter whose task is cancelled is resumed with `CancellationError`.
final class Recording<Item: Sendable>: Sendable {
    private struct Waiter {
        let count: Int
        let continuation: CheckedContinuation<[Item], any Error>
    }

    private struct State {
        var items: [Item] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        /// Waiters cancelled before they were registered: they must not be registered afterwards.
        var cancelledWaiterIDs: Set<Int> = []
    }

    private let state = Mutex(State())

    init() {}

    /// Everything recorded so far, oldest first.
    var items: [Item] { state.withLock { $0.items } }

    /// Records an item and wakes the waiters it satisfies (outside the lock: a resumed task may call back in).
    func append(_ item: Item) {
        let woken: [(CheckedContinuation<[Item], any Error>, [Item])] = state.withLock { state in
            state.items.append(item)
            let due = state.waiters.filter { $0.value.count <= state.items.count }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map { ($0.continuation, Array(state.items.prefix($0.count))) }
        }
        for (continuation, items) in woken { continuation.resume(returning: items) }
    }

    /// The first `count` items, once there are that many.
    /// - Throws: `CancellationError` if the calling task is cancelled first.
    func first(_ count: Int) async throws -> [Item] {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<[Item], any Error>? = state.withLock { state in
                    if state.cancelledWaiterIDs.remove(id) != nil { return .failure(CancellationError()) }
                    if state.items.count >= count { return .success(Array(state.items.prefix(count))) }
                    state.waiters[id] = Waiter(count: count, continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelledWaiterIDs.insert(id)  // not registered yet, or already resumed (harmless)
                    return nil
                }
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
