import Dispatch
import Foundation
import TandemChat
import TandemCore
import TandemProtocol

/// The real `tandem` binary as a child process on a free port, with a client for each sample member.
final class TandemProcess {
    let process = Process()
    let baseURL: String
    let stateFolder: String
    private var ownsStateFolder = false
    private let stdout = Pipe()

    /// The package root, where `Config/local.json` lives.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `tandem` is built next to the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tandem").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("tandem")
    }

    /// Starts `tandem run` on port 0 and waits until it prints the URL it listens on.
    /// - Parameter stateFolder: nil for a new folder, removed when this process object goes.
    convenience init(stateFolder: String? = nil, arguments: [String] = []) async throws {
        let folder = stateFolder ?? FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID().uuidString)").path
        try await self.init(
            launching: ["run", "--port", "0", "--state", folder, "--log-level", "warning"] + arguments, stateFolder: folder)
        ownsStateFolder = stateFolder == nil
    }

    /// Starts `tandem` with `arguments`.
    /// - Parameters:
    ///   - environment: added to this process's environment.
    ///   - waitForURL: wait until the process prints the URL it listens on (`run` on a local config, `endpoint`).
    ///   - errorLog: a file that collects standard error across restarts, to read when a test fails.
    init(
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
        let line: String? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return continuation.resume(returning: nil) }
                    buffer.append(chunk)
                    if let text = String(data: buffer, encoding: .utf8), let range = text.range(of: "http://127.0.0.1:[0-9]+", options: .regularExpression) {
                        return continuation.resume(returning: String(text[range]))
                    }
                }
            }
        }
        guard let line else { throw TandemProcessError.didNotStart }
        baseURL = line
    }

    /// Sends SIGTERM and returns the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        return await exitStatus()
    }

    /// SIGKILL, as a crash or the OOM killer would end it; returns once it has exited.
    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus()
    }

    func exitStatus() async -> Int32 {
        let process = self.process
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if ownsStateFolder { try? FileManager.default.removeItem(atPath: stateFolder) }
    }
}

extension TandemProcess {
    /// Runs `tandem` with `arguments` to its end (e.g. `state verify`): exit status, standard output and error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let out = output.fileHandleForReading.readDataToEndOfFile()
                let err = errors.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(
                    returning: (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)))
            }
        }
    }
}

enum TandemProcessError: Error { case didNotStart }

/// A sample member talking to the endpoint through the same protocol and libcurl client as the bot.
struct ChatUser {
    let transport: WebhookTransport
    let token: String
    let baseURL: String
    let http: any HTTPClient
    /// Everything this user has been shown, from the start of the chat.
    var cursor: String? = "0"

    init(_ id: String, baseURL: String, http: any HTTPClient) {
        token = "local-\(id)"
        self.baseURL = baseURL
        self.http = http
        transport = WebhookTransport(configuration: .init(baseURL: baseURL, token: token, pollTimeout: 10), http: http)
    }

    /// Posts text as typed (no formatting applied), as a person in the web page does.
    func say(_ text: String, in channel: String = "marketing-sales") async throws {
        let request = try HTTPClientRequest.json(
            url: baseURL + Route.messages.path,
            body: NewMessage(channel: channel, text: text, idempotencyKey: UUID().uuidString),
            headers: [HTTPField("Authorization", "Bearer " + token)])
        let response = try await http.send(request)
        precondition(response.status == 200, "post failed: \(response.status)")
    }

    /// Long-polls until a message from `author` arrives; returns every such message of that poll.
    mutating func next(from author: String = "tandem", within attempts: Int = 3) async throws -> [ChatMessage] {
        for _ in 0..<attempts {
            let batch = try await transport.poll(after: cursor)
            cursor = batch.cursor
            let mine = batch.messages.filter { $0.userID == author && !Self.isScheduledNotice($0) }
            if !mine.isEmpty { return mine }
        }
        return []
    }

    /// Whatever arrives within a short poll: for checking that nothing more came.
    mutating func drain() async throws -> [ChatMessage] {
        let quick = WebhookTransport(configuration: .init(baseURL: baseURL, token: token, pollTimeout: 1), http: http)
        let batch = try await quick.poll(after: cursor)
        cursor = batch.cursor
        return batch.messages.filter { !Self.isScheduledNotice($0) }
    }

    /// What the bot posts by the clock, not in answer to anyone: the weekly report (Mondays 09:00 Berlin in the
    /// sample config), meeting reminders and overdue-handoff escalations can fall into any test run.
    static func isScheduledNotice(_ message: ChatMessage) -> Bool {
        ["Standard report", "Standardbericht", "Reminder: ", "Erinnerung: ", "is past its first-touch deadline",
         "hat die Frist für den ersten Kontakt"].contains { message.text.contains($0) }
    }
}
