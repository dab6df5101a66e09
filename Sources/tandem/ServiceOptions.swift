import ArgumentParser
import Logging
import TandemRuntime

/// `--config` and `--port`, shared by the commands that serve a chat (`run`, `endpoint`), and how those
/// commands start and fail. The log options are a group of their own, so each command lists them last.
struct ServiceOptions: ParsableArguments {
    @Option(help: "The configuration file. The default is the embedded local setup with sample data.")
    var config = "Config/local.json"

    @Option(help: "Port of the embedded local chat endpoint (local transport only; 0 picks a free one). The default is the config's.")
    var port: Int?

    /// Sets up logging as `log` says, reads the configuration and runs `body` with both. Any failure is logged
    /// as critical and exits 1: an operator reads the log, and a service manager sees the exit status.
    func start(logging log: LogOptions, _ body: (Configuration, Logger) async throws -> Void) async throws {
        let logger = log.bootstrap()
        do {
            try await body(try Configuration.load(from: config), logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
    }
}
