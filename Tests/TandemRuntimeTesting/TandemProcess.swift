import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The real `tandem` binary as a child process: launched with extra environment and an error log, stopped with
/// SIGTERM or killed with SIGKILL, or run to its end. Shared by the webhook tests (TandemRuntimeTests) and the
/// Matrix tests (TandemMatrixTests), which both restart it on the same state folder.
public final class TandemProcess {
    public let process = Process()
    /// The URL it printed once ready (the chat it serves or connects to); "" when not waited for.
    public let baseURL: String
    /// Everything printed up to and including that URL.
    public private(set) var printedAtStart = ""
    public let stateFolder: String
    private var ownsStateFolder = false
    private let stdout = Pipe()
    private let exit = ExitSignal()

    /// The package root, where `Config/local.json` lives (this file is in `Tests/TandemRuntimeTesting/`).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `tandem` is built next to the test bundle.
    public static var binary: URL {
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tandem").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("tandem")
    }

    /// Starts `tandem run` on port 0 and waits until it prints the URL it listens on.
    /// - Parameter stateFolder: nil for a new folder, removed when this process object goes.
    public convenience init(stateFolder: String? = nil, arguments: [String] = []) async throws {
        let folder = stateFolder ?? FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID().uuidString)").path
        try await self.init(
            launching: ["run", "--port", "0", "--state", folder, "--log-level", "warning"] + arguments, stateFolder: folder)
        ownsStateFolder = stateFolder == nil
    }

    /// Starts `tandem` with `arguments`.
    /// - Parameters:
    ///   - environment: added to this process's environment.
    ///   - waitForURL: wait until the process prints the URL it listens on (`run` on a local config, `endpoint`)
    ///     or connects to (`run` on a webhook or Matrix config, once logged in).
    ///   - errorLog: a file that collects standard error across restarts, to read when a test fails.
    public init(
        launching arguments: [String], stateFolder: String = "", environment: [String: String] = [:],
        waitForURL: Bool = true, errorLog: String? = nil
    ) async throws {
        self.stateFolder = stateFolder
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.terminationHandler = { [exit] process in exit.finish(process.terminationStatus) }
        if let errorLog {
            if !FileManager.default.fileExists(atPath: errorLog) { _ = FileManager.default.createFile(atPath: errorLog, contents: nil) }
            if let log = FileHandle(forWritingAtPath: errorLog) {
                log.seekToEndOfFile()
                process.standardError = log
            }
        }
        try process.run()
        guard waitForURL else {
            baseURL = ""
            return
        }
        let handle = stdout.fileHandleForReading
        // Blocking reads stay off the cooperative pool.
        let start: (url: String, text: String)? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return continuation.resume(returning: nil) }
                    buffer.append(chunk)
                    if let text = String(data: buffer, encoding: .utf8), let range = text.range(of: "http://127.0.0.1:[0-9]+", options: .regularExpression) {
                        return continuation.resume(returning: (String(text[range]), text))
                    }
                }
            }
        }
        guard let start else { throw TandemProcessError.didNotStart }
        baseURL = start.url
        printedAtStart = start.text
    }

    /// What it printed after `printedAtStart`, read once it has exited.
    public func outputAfterExit() async -> String {
        _ = await exitStatus()
        let handle = stdout.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))
            }
        }
    }

    /// Sends SIGTERM and returns the exit status.
    public func terminate() async -> Int32 {
        process.terminate()
        return await exitStatus()
    }

    /// SIGKILL, as a crash or the OOM killer would end it; returns once it has exited.
    public func kill() async {
        Glibc.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus()
    }

    /// Waits for the exit without `Process.waitUntilExit()`, which on Linux spins a run loop at full CPU on a
    /// thread without one: with a dozen children in a test run, that starved every other test of a core.
    public func exitStatus() async -> Int32 { await exit.status() }

    deinit {
        // Never wait here: a deinit may run on a thread of the cooperative pool. Foundation reaps the child.
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        if ownsStateFolder { try? FileManager.default.removeItem(atPath: stateFolder) }
    }
}

extension TandemProcess {
    /// Runs `tandem` with `arguments` to its end (e.g. `state verify`): exit status, standard output and error.
    public static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let exit = ExitSignal()
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        try process.run()
        // Blocking reads on a thread of their own; both pipes at once, so a full one cannot stall the child.
        async let out = Self.readToEnd(output)
        async let err = Self.readToEnd(errors)
        let (stdoutText, stderrText) = await (out, err)
        return (await exit.status(), stdoutText, stderrText)
    }

    private static func readToEnd(_ pipe: Pipe) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            }
        }
    }
}

public enum TandemProcessError: Error { case didNotStart }

/// A child's exit status, set once by `Process.terminationHandler`, for any number of waiters.
final class ExitSignal: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    func finish(_ status: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
