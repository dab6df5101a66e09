import Synchronization

/// A list that grows as the fake records things, and lets a test wait until it holds what it needs.
///
/// Waiting is a signal: each waiter's continuation is resumed by the `append` that satisfies it, so tests never
/// poll or sleep. A waiter whose task is cancelled is resumed with `CancellationError`.
final class Recording<Item: Sendable>: Sendable {
    private struct Waiter {
        let done: @Sendable ([Item]) -> Bool
        let continuation: CheckedContinuation<[Item], any Error>
    }

    private struct State {
        var items: [Item] = []
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    init() {}

    var items: [Item] { state.withLock { $0.items } }

    /// Records `item` and wakes the waiters it satisfies (outside the lock: a woken task may call back in).
    func append(_ item: Item) {
        let woken: [(CheckedContinuation<[Item], any Error>, [Item])] = state.withLock { state in
            state.items.append(item)
            let due = state.waiters.filter { $0.value.done(state.items) }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map { ($0.continuation, state.items) }
        }
        for (continuation, items) in woken { continuation.resume(returning: items) }
    }

    /// All items, once `done` holds for them.
    func wait(until done: @escaping @Sendable ([Item]) -> Bool) async throws -> [Item] {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<[Item], any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if done(state.items) { return .success(state.items) }
                    state.waiters[id] = Waiter(done: done, continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return Waiter?.none
                }
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
