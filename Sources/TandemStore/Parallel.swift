import Foundation

/// Work on both cores while the store loads (the bot answers nothing before): decoding a snapshot's long arrays
/// and the journal's lines.
enum Parallel {
    /// Parts worth making: one per core, at most four.
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
}
