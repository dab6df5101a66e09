import Synchronization

/// A value every caller shares, fetched by the first that asks (who the bot is on a chat, a login session): callers
/// that ask meanwhile wait for that one fetch, and a failed fetch is forgotten so the next caller tries again.
final class SharedFetch<Value: Sendable>: Sendable {
    private let current = Mutex<Task<Value, any Error>?>(nil)

    func value(_ fetch: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = current.withLock { current in
            if let current { return current }
            let task = Task { try await fetch() }
            current = task
            return task
        }
        do {
            return try await task.value
        } catch {
            current.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }
}
