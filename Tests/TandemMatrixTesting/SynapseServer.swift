import Foundation
import TandemTesting
import Glibc
import TandemChat

/// A real Synapse homeserver for one test suite: its own config, SQLite database and port in a temp folder.
///
/// Started from `.venv-synapse/` (made by `Deploy/setup.sh --test`), as a child in its own process group, and
/// stopped (SIGTERM, then SIGKILL after a grace) when the suite's body returns or throws. Use ``run(_:)``, which
/// guarantees the stop; a failed `#expect` does not throw, so it stops the server too.
///
/// Secrets (the registration secret, access tokens) stay out of every error text: responses are quoted only when
/// they are errors, and the server log is quoted with secrets masked.
public final class SynapseServer: Sendable {
    /// A registered and logged-in user. `description` leaves the token out, so printing a user leaks nothing.
    public struct User: Sendable, CustomStringConvertible {
        public let userID: String
        public let accessToken: String
        public let deviceID: String
        public var description: String { "\(userID) (device \(deviceID))" }
    }

    public enum Failure: Error, CustomStringConvertible {
        case setupMissing(String)
        case exitedEarly(status: Int32, log: String)
        case notReady(tries: Int, log: String)
        case httpStatus(method: String, path: String, status: Int, body: String)
        case unexpectedResponse(method: String, path: String, missing: String)

        public var description: String {
            switch self {
            case .setupMissing(let what):
                "\(what). Run Deploy/setup.sh --test from the package root: it creates .venv-synapse/ with the "
                    + "Synapse homeserver these tests run against"
            case .exitedEarly(let status, let log): "Synapse exited with status \(status) before it was ready: \(log)"
            case .notReady(let tries, let log): "Synapse did not answer /_matrix/client/versions after \(tries) tries: \(log)"
            case .httpStatus(let method, let path, let status, let body): "\(method) \(path) → \(status): \(body)"
            case .unexpectedResponse(let method, let path, let missing): "\(method) \(path): no \(missing) in the response"
            }
        }
    }

    /// The package root, from this file's place in `Tests/TandemMatrixTesting/`.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let venv = packageRoot.appendingPathComponent(".venv-synapse")
    static let python = venv.appendingPathComponent("bin/python").path
    static let pins = packageRoot.appendingPathComponent("Tests/TandemMatrixTests/Synapse/requirements.txt")

    /// Runs Synapse's homeserver module (arguments follow) with every signal unblocked: the child inherits the
    /// spawning thread's signal mask, which in a test runner blocks SIGTERM (see ``ChildProcessGroup``).
    static let launcher = """
        import runpy, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        sys.argv[0] = "synapse.app.homeserver"
        runpy.run_module("synapse.app.homeserver", run_name="__main__", alter_sys=True)
        """

    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    public let serverName = "localhost"
    let folder: String
    let sharedSecret: String
    let child: ChildProcessGroup
    let http: CurlHTTPClient

    private init(baseURL: String, folder: String, sharedSecret: String, child: ChildProcessGroup, http: CurlHTTPClient) {
        self.baseURL = baseURL
        self.folder = folder
        self.sharedSecret = sharedSecret
        self.child = child
        self.http = http
    }

    /// Synapse's `rc_message` (messages per second per user after a burst), for a test of a rate-limited bot.
    public typealias MessageRateLimit = (perSecond: Double, burst: Int)

    /// Starts a server, runs `body` with it, and stops it and removes its folder however `body` ends.
    /// - Parameter messageRateLimit: `rc_message` as given instead of relaxed (every other limit stays relaxed).
    public static func run<T: Sendable>(
        messageRateLimit: MessageRateLimit? = nil, _ body: (SynapseServer) async throws -> T
    ) async throws -> T {
        let server = try await start(messageRateLimit: messageRateLimit)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Fails unless the venv exists and was made from the current pins (setup copies them into it last).
    static func checkSetup() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure.setupMissing("\(python) is missing")
        }
        let installed = try? Data(contentsOf: venv.appendingPathComponent("requirements.txt"))
        guard installed == (try Data(contentsOf: pins)) else {
            throw Failure.setupMissing(".venv-synapse/ was made from other package versions than \(pins.path)")
        }
    }

    /// Writes the config and signing key, starts Synapse and waits until it answers.
    ///
    /// The free port is found by binding port 0 and closing it, so another process may take it before Synapse
    /// does; a start whose Synapse exits early is therefore tried again, up to three times.
    public static func start(messageRateLimit: MessageRateLimit? = nil) async throws -> SynapseServer {
        try checkSetup()
        var lastFailure: (any Error)?
        for _ in 0..<3 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-synapse-\(UUID().uuidString)").path
            do {
                return try await start(in: folder, messageRateLimit: messageRateLimit)
            } catch let failure as Failure {
                try? FileManager.default.removeItem(atPath: folder)
                guard case .exitedEarly = failure else { throw failure }
                lastFailure = failure
            }
        }
        throw lastFailure!
    }

    private static func start(in folder: String, messageRateLimit: MessageRateLimit?) async throws -> SynapseServer {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let port = try freePort()
        let sharedSecret = UUID().uuidString + UUID().uuidString
        let config = folder + "/homeserver.yaml"
        try configuration(folder: folder, port: port, sharedSecret: sharedSecret, messageRateLimit: messageRateLimit).write(to: URL(fileURLWithPath: config))
        try signingKey().write(to: URL(fileURLWithPath: folder + "/signing.key"))
        let child = try ChildProcessGroup(
            executable: python, arguments: ["-c", launcher, "-c", config], logFile: folder + "/synapse.log")
        let server = SynapseServer(
            baseURL: "http://127.0.0.1:\(port)", folder: folder, sharedSecret: sharedSecret, child: child,
            http: CurlHTTPClient())
        do {
            try await server.waitUntilReady()
        } catch {
            await server.stop(removingFolder: false)
            throw error
        }
        return server
    }

    /// Stops Synapse (SIGTERM to its group, SIGKILL after 10 s) and removes its folder.
    public func stop() async {
        await stop(removingFolder: true)
    }

    private func stop(removingFolder: Bool) async {
        await child.stop()
        http.shutdown()
        if removingFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Polls `/_matrix/client/versions` until it answers 200: up to 1,200 tries 50 ms apart (a minute; a start
    /// takes 2–3 s alone, but much longer beside the rest of `swift test` on 2 cores), failing early if Synapse
    /// exits.
    private func waitUntilReady() async throws {
        let tries = 1200
        for _ in 0..<tries {
            if let status = child.exitStatus {
                throw Failure.exitedEarly(status: status, log: log())
            }
            let request = HTTPClientRequest(url: baseURL + "/_matrix/client/versions", timeout: .seconds(2))
            if let response = try? await http.send(request), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))  // the pause between polls, not a wait for an event
        }
        throw Failure.notReady(tries: tries, log: log())
    }

    /// The end of Synapse's log, secrets masked: for failure messages.
    func log() -> String { Self.logTail(folder + "/synapse.log", masking: [sharedSecret]) }

    static func logTail(_ path: String, masking secrets: [String]) -> String {
        var text = String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(3000))
        for secret in secrets { text = text.replacingOccurrences(of: secret, with: "***") }
        return text
    }

    /// A port for Synapse, which binds it seconds after it is chosen: see ``FreePort``.
    static func freePort() throws -> Int { try FreePort.belowEphemeralRange() }

    /// A server signing key in Synapse's file format: `ed25519 <version> <unpadded base64 of a 32-byte seed>`.
    ///
    /// Written here rather than by `synapse --generate-keys`, which costs a second Python start (2 s of CPU,
    /// much longer while the rest of the suite runs beside it) for 32 random bytes.
    static func signingKey() -> Data {
        var generator = SystemRandomNumberGenerator()
        let seed = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let base64 = seed.base64EncodedString().replacingOccurrences(of: "=", with: "")
        return Data("ed25519 a_test \(base64)\n".utf8)
    }

    /// The config as JSON, which YAML reads as is (so nothing needs YAML quoting).
    ///
    /// Every `rc_*` rate limit from `synapse/config/ratelimiting.py` is relaxed: the default `rc_message` allows
    /// 0.2 messages/s after a burst of 10, so any test conversation would meet `M_LIMIT_EXCEEDED`. A test of
    /// rate limiting sets `messageRateLimit`, which replaces `rc_message` only.
    static func configuration(
        folder: String, port: Int, sharedSecret: String, messageRateLimit: MessageRateLimit? = nil
    ) throws -> Data {
        let relaxed: [String: Any] = ["per_second": 10_000, "burst_count": 100_000]
        let message: [String: Any] =
            messageRateLimit.map { ["per_second": $0.perSecond, "burst_count": $0.burst] } ?? relaxed
        let config: [String: Any] = [
            "server_name": "localhost",
            "pid_file": folder + "/homeserver.pid",
            "signing_key_path": folder + "/signing.key",
            "media_store_path": folder + "/media",
            "report_stats": false,
            "listeners": [
                [
                    "port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": false, "x_forwarded": false,
                    "resources": [["names": ["client"], "compress": false]],
                ]
            ],
            "database": ["name": "sqlite3", "args": ["database": folder + "/homeserver.db"]],
            "registration_shared_secret": sharedSecret,
            "enable_registration": false,
            "macaroon_secret_key": UUID().uuidString,
            "form_secret": UUID().uuidString,
            "trusted_key_servers": [] as [Any],
            "suppress_key_server_warning": true,
            "federation_domain_whitelist": [] as [Any],
            "presence": ["enabled": false],
            "enable_metrics": false,
            "url_preview_enabled": false,
            "rc_message": message,
            "rc_registration": relaxed,
            "rc_registration_token_validity": relaxed,
            "rc_login": ["address": relaxed, "account": relaxed, "failed_attempts": relaxed],
            "rc_admin_redaction": relaxed,
            "rc_joins": ["local": relaxed, "remote": relaxed],
            "rc_joins_per_room": relaxed,
            "rc_key_requests": relaxed,
            "rc_3pid_validation": relaxed,
            "rc_invites": ["per_room": relaxed, "per_user": relaxed, "per_issuer": relaxed],
            "rc_third_party_invite": relaxed,
            "rc_media_create": relaxed,
            "rc_presence": ["per_user": relaxed],
            "rc_delayed_event_mgmt": relaxed,
            "rc_room_creation": relaxed,
            "rc_reports": relaxed,
            "rc_user_directory": relaxed,
            "rc_profile": relaxed,
            "rc_federation": [
                "window_size": 1000, "sleep_limit": 100_000, "sleep_delay": 0, "reject_limit": 100_000,
                "concurrent": 1000,
            ],
        ]
        return try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
    }
}
