import Foundation
import Synchronization

/// Work on all cores while the store loads (the bot answers nothing before): parsing a snapshot in parts,
/// decoding its long arrays and the journal's lines. Always on threads of its own, never Swift's cooperative pool.
enum Parallel {
    /// Threads worth running at once: one per core, at most four.
    static let cores = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `body(part)` for every part at once, part 0 on the calling thread (the store's own, never Swift's
    /// cooperative pool) and each other on a thread of its own; returns when all have finished.
    static func run(parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        let finished = DispatchSemaphore(value: 0)
        for part in 1..<parts {
            Thread {
                body(part)
                finished.signal()
            }.start()
        }
        body(0)
        for _ in 1..<parts { finished.wait() }
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, on one thread per core, each taking the next chunk
    /// not yet taken: when one thread is slowed (another process, a background task of ours), the others take
    /// more chunks instead of waiting for it at the end.
    static func forEach(chunks: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let next = ChunkCounter()
        run(parts: min(cores, chunks)) { _ in
            while case let chunk = next.take(), chunk < chunks { body(chunk) }
        }
    }

    private final class ChunkCounter: Sendable {
        private let taken = Atomic<Int>(0)
        func take() -> Int { taken.add(1, ordering: .relaxed).oldValue }
    }
}

/// Work started on a thread of its own (never Swift's cooperative pool) whose result is collected later.
///
/// The work, and whatever it captured, is released before its result can be read: a caller that lent it an
/// array holds the only reference again once it has the value (so the array's next append does not copy it).
final class Background<Value: Sendable>: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let work: Mutex<(@Sendable () -> Value)?>
    private let result = Mutex<Value?>(nil)

    init(_ work: @escaping @Sendable () -> Value) {
        self.work = Mutex(work)
        Thread { [self] in
            let value = runWork()
            result.withLock { $0 = value }
            finished.signal()
        }.start()
    }

    /// Takes the work out and runs it; it is released when this returns.
    private func runWork() -> Value {
        let work = self.work.withLock { $0.take() }!
        return work()
    }

    /// The result, waiting for it.
    var value: Value {
        if let value = result.withLock({ $0 }) { return value }
        finished.wait()
        finished.signal()  // for the next reader
        return result.withLock { $0! }
    }
}
