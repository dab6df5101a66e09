import Foundation
import Synchronization

/// A long-running child (Synapse) in its own process group, whose exit can be awaited without blocking a thread.
///
/// Foundation's `Process` on Linux already spawns the child as the leader of a new process group (checked here:
/// PGID == PID, and none of the test process's other descriptors leak into it), so signalling `-pid` reaches
/// Synapse and anything it starts, and nothing else. `init` checks the PGID rather than trusting it. The exit arrives through `terminationHandler`,
/// so no thread sits in `waitpid` and nothing blocks Swift's cooperative pool.
final class ChildProcessGroup: Sendable {
    let pid: Int32
    private let box = Box()

    /// The lock in a class of its own, so the termination handler can hold it before `self` exists.
    private final class Box: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        var status: Int32?
        var waiters: [UInt64: CheckedContinuation<Int32?, Never>] = [:]
        var nextWaiter: UInt64 = 0
        /// Kept so the `Process` (and its termination handler) lives as long as the child.
        var process: Process?
    }

    /// Starts `executable` with stdin from /dev/null and stdout and stderr appended to `logFile`.
    init(executable: String, arguments: [String], logFile: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: logFile, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logFile])
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        // The handler may run before `run()` returns, so it needs only the box, not `self`.
        let box = self.box
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let waiters = box.state.withLock { state in
                state.status = status
                state.process = nil
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        try process.run()
        pid = process.processIdentifier
        box.state.withLock { if $0.status == nil { $0.process = process } }
        guard getpgid(pid) == pid || box.state.withLock({ $0.status != nil }) else {
            kill(pid, SIGKILL)
            throw POSIXError(.EPERM, userInfo: [NSLocalizedDescriptionKey: "child \(pid) is not a process group leader"])
        }
    }

    /// The exit status once the child has exited, else nil.
    var exitStatus: Int32? { box.state.withLock { $0.status } }

    /// Waits for the child to exit; nil when the calling task is cancelled first.
    func waitForExit() async -> Int32? {
        let id = box.state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done: Int32?? = box.state.withLock { state in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let done { continuation.resume(returning: done) }
            }
        } onCancel: {
            box.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    /// Waits at most `grace` for the child to exit; nil if it is still running.
    func waitForExit(upTo grace: Duration) async -> Int32? {
        await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await self.waitForExit() }
            group.addTask {
                try? await Task.sleep(for: grace)  // a deadline, not synchronisation: the exit wins the race
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// SIGTERM to the whole group, then SIGKILL if it is not gone after `grace`; returns once the child exited.
    func stop(grace: Duration = .seconds(10)) async {
        guard exitStatus == nil else { return }
        kill(-pid, SIGTERM)
        if await waitForExit(upTo: grace) == nil {
            kill(-pid, SIGKILL)
            _ = await waitForExit()
        }
    }
}
