import Foundation

/// The time of day and a way to wait for a moment: injected so tests can run a simulated week in
/// milliseconds. The scheduler re-reads `now()` after every wake, which tolerates drift and clock jumps.
public protocol WallClock: Sendable {
    func now() -> Date
    /// Returns at `date` or later; throws CancellationError when cancelled.
    func sleep(until date: Date) async throws
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until date: Date) async throws {
        let seconds = date.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
    }
}

