import Foundation
import Synchronization
import TandemStore

/// A `FileSystem` over the real disk (use it on a per-test temp folder) that stops or fails the store at a
/// chosen step, so tests can prove what a crash or a full disk leaves behind.
///
/// - A **crash** after step k: the first k writing steps run for real; step k + 1 is cut short (an `append` or
///   `write` writes only the first half of its data, as a torn write would; any other step does nothing); it and
///   every later call, reads included, throw `SimulatedCrash`. The files are left exactly as the real steps left
///   them, for a fresh store with `POSIXFileSystem` to recover from.
/// - A **failure**: the next calls of one kind of step throw `StoreError.io` with the given errno (ENOSPC, EIO);
///   an `append` or `write` writes half of its data first, as a full disk does. Later calls work again.
///
/// Reads are not steps: they change nothing a crash could leave half done.
public final class FaultyFileSystem: FileSystem {
    public enum Step: String, Sendable, CaseIterable {
        case append, write, fsync, rename, fsyncDirectory, truncate, link, remove
    }

    /// The "process" died at this step: the test recovers with a fresh store.
    public struct SimulatedCrash: Error, CustomStringConvertible {
        public var step: Int
        public var description: String { "simulated crash at step \(step)" }
    }

    private struct Failure {
        var step: Step
        var errno: Int32
        var remaining: Int
    }

    private struct State {
        var log: [String] = []
        var crashAfter: Int?
        var crashed = false
        var cut: String?
        var failures: [Failure] = []
        var failed = 0
    }

    private enum Decision {
        case run, crash(Int), refuse(Int), fail(Int32)
    }

    private let base: any FileSystem
    // Mutex makes the class Sendable without @unchecked: every mutable field lives inside it.
    private let state = Mutex(State())

    public init(base: any FileSystem = POSIXFileSystem()) {
        self.base = base
    }

    // MARK: - Controls

    /// Lets `steps` writing steps (counted from now on, after those already done) run, and crashes at the next.
    public func crash(afterSteps steps: Int) {
        state.withLock { $0.crashAfter = $0.log.count + steps }
    }

    /// Makes the next `times` calls of `step` fail with `errno`.
    public func fail(_ step: Step, errno: Int32, times: Int = 1) {
        state.withLock { $0.failures.append(Failure(step: step, errno: errno, remaining: times)) }
    }

    /// Makes every call of `step` fail with `errno` until `heal()`.
    public func failAlways(_ step: Step, errno: Int32) { fail(step, errno: errno, times: .max) }

    /// Drops pending failures (a crash stays: the process is gone).
    public func heal() { state.withLock { $0.failures = [] } }

    /// The writing steps that ran, e.g. `append journal.jsonl`, in order.
    public var log: [String] { state.withLock { $0.log } }
    public var stepCount: Int { state.withLock { $0.log.count } }
    public var crashed: Bool { state.withLock { $0.crashed } }
    /// The step the crash cut short, e.g. `append journal.jsonl`.
    public var cutStep: String? { state.withLock { $0.cut } }
    /// How many injected failures have been thrown.
    public var failuresThrown: Int { state.withLock { $0.failed } }

    // MARK: - FileSystem

    public func read(_ path: String) throws -> Data? {
        if let step = state.withLock({ $0.crashed ? $0.log.count + 1 : nil }) { throw SimulatedCrash(step: step) }
        return try base.read(path)
    }

    public func append(_ data: Data, to path: String) throws {
        try step(.append, path, data: data) { try base.append($0, to: path) }
    }

    public func write(_ data: Data, to path: String) throws {
        try step(.write, path, data: data) { try base.write($0, to: path) }
    }

    public func fsync(_ path: String) throws { try step(.fsync, path) { _ in try base.fsync(path) } }

    public func rename(_ from: String, to: String) throws {
        try step(.rename, from, to) { _ in try base.rename(from, to: to) }
    }

    public func fsyncDirectory(_ directory: String) throws {
        try step(.fsyncDirectory, directory) { _ in try base.fsyncDirectory(directory) }
    }

    public func truncate(_ path: String, to size: Int) throws {
        try step(.truncate, path) { _ in try base.truncate(path, to: size) }
    }

    public func link(_ existing: String, as newName: String) throws {
        try step(.link, existing, newName) { _ in try base.link(existing, as: newName) }
    }

    public func remove(_ path: String) throws { try step(.remove, path) { _ in try base.remove(path) } }

    /// A query, not a step: it changes nothing a crash could leave half done.
    public func isSameFile(_ path: String, _ other: String) throws -> Bool { try base.isSameFile(path, other) }

    private func step(
        _ kind: Step, _ path: String, _ target: String? = nil, data: Data = Data(), perform: (Data) throws -> Void
    ) throws {
        let name = (path as NSString).lastPathComponent + (target.map { " → " + ($0 as NSString).lastPathComponent } ?? "")
        let decision = state.withLock { s -> Decision in
            if s.crashed { return .refuse(s.log.count + 1) }
            if let limit = s.crashAfter, s.log.count >= limit {
                s.crashed = true
                s.cut = "\(kind.rawValue) \(name)"
                return .crash(s.log.count + 1)
            }
            if let i = s.failures.firstIndex(where: { $0.step == kind }) {
                s.failures[i].remaining -= 1
                let errno = s.failures[i].errno
                if s.failures[i].remaining == 0 { s.failures.remove(at: i) }
                s.failed += 1
                return .fail(errno)
            }
            s.log.append("\(kind.rawValue) \(name)")
            return .run
        }
        switch decision {
        case .run:
            try perform(data)
        case .refuse(let n):
            throw SimulatedCrash(step: n)
        case .crash(let n):
            if !data.isEmpty { try? perform(data.prefix(data.count / 2)) }
            throw SimulatedCrash(step: n)
        case .fail(let errno):
            if !data.isEmpty { try? perform(data.prefix(data.count / 2)) }
            throw StoreError(.io(errno: errno, operation: "\(kind.rawValue) (injected)"), path: path)
        }
    }
}
