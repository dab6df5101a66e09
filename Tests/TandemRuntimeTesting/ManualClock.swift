import Foundation
import Synchronization
import TandemRuntime

/// A wall clock that only moves when the test says so: a simulated month runs in milliseconds, and the
/// test waits for the scheduler to go to sleep instead of sleeping itself.
public final class ManualClock: WallClock {
    private struct Sleeper {
        let id: Int
        let until: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Sleeper] = []
        var watchers: [CheckedContinuation<Date, Never>] = []
    }

    private let state: Mutex<State>

    public init(_ now: Date) { state = Mutex(State(now: now)) }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(until date: Date) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { s in
                    if Task.isCancelled || date <= s.now { return true }
                    s.sleepers.append(Sleeper(id: id, until: date, continuation: continuation))
                    let watchers = s.watchers
                    s.watchers = []
                    for watcher in watchers { watcher.resume(returning: date) }
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { s in
                s.sleepers.firstIndex { $0.id == id }.map { s.sleepers.remove(at: $0) }
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Waits until something sleeps, and returns the earliest time anyone sleeps until; with `excluding`,
    /// waits for a sleeper until another time (the scheduler re-planned).
    public func nextWake(excluding old: Date? = nil) async -> Date {
        while true {
            let date: Date = await withCheckedContinuation { continuation in
                let earliest: Date? = state.withLock { s in
                    if let first = s.sleepers.map(\.until).min(), first != old { return first }
                    s.watchers.append(continuation)
                    return nil
                }
                if let earliest { continuation.resume(returning: earliest) }
            }
            if date != old { return date }
        }
    }

    /// Moves the time and wakes everyone whose time has come.
    public func advance(to date: Date) {
        let due = state.withLock { s in
            s.now = max(s.now, date)
            let due = s.sleepers.filter { $0.until <= s.now }
            s.sleepers.removeAll { $0.until <= s.now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
