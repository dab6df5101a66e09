import Dispatch
import Synchronization

/// Runs blocking work (write, fsync, rename) on a serial queue of its own, so it never occupies one of the
/// few threads of Swift's cooperative pool, and keeps file operations in submission order.
public final class BlockingQueue: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        // The work is handed over through a box and released before the caller resumes: otherwise the queue's
        // block could still hold it (and the store it captures, and so the folder's lock) after `run` returned.
        let work = Mutex<(@Sendable () throws -> T)?>(body)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let result = { () -> Result<T, any Error> in
                    let job = work.withLock { $0.take() }!
                    return Result { try job() }
                }()
                continuation.resume(with: result)
            }
        }
    }
}
