import Dispatch

/// Runs blocking work (write, fsync, rename) on a serial queue of its own, so it never occupies one of the
/// few threads of Swift's cooperative pool, and keeps file operations in submission order.
public final class BlockingQueue: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
