import Synchronization

/// The port the endpoint listens on, once it does, for callers of
/// ``LocalChatEndpoint/waitUntilListening()`` that may ask before, during or after start-up.
package final class ListeningPort: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Int, any Error>])
        case listening(Int)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([:]))
    private let nextWaiterID = Atomic(0)

    package init() {}

    /// Records the bound port (nil: the channel has no IP address) and wakes the waiters.
    package func listened(on port: Int?) {
        guard let port else {
            failed(LocalEndpointError("the server has no IP address to read its port from"))
            return
        }
        finish(.listening(port))
    }

    /// Records why the endpoint will not listen (any more) and wakes the waiters with it.
    package func failed(_ error: any Error) {
        finish(.failed(error))
    }

    /// The port, once listening.
    /// - Throws: the failure recorded, `CancellationError`, or ``LocalEndpointError`` after `timeout`.
    package func port(timeout: Duration) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                try await Task.sleep(for: timeout)
                throw LocalEndpointError("the server did not listen within \(timeout)")
            }
            group.addTask { try await self.port() }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func port() async throws -> Int {
        let id = nextWaiterID.add(1, ordering: .relaxed).oldValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<Int, any Error>? = state.withLock { state in
                    switch state {
                    case .listening(let port):
                        return .success(port)
                    case .failed(let error):
                        return .failure(error)
                    case .waiting(var waiters):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(waiters)
                        return nil
                    }
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                guard case .waiting(var waiters) = state, let waiter = waiters.removeValue(forKey: id) else { return nil }
                state = .waiting(waiters)
                return waiter
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Settles the state once (later calls keep the first outcome) and resumes the waiters.
    private func finish(_ outcome: State) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = outcome
            return Array(waiters.values)
        }
        for waiter in waiters {
            switch outcome {
            case .listening(let port): waiter.resume(returning: port)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting: break
            }
        }
    }
}
