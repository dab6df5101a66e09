import ArgumentParser
import Foundation
import Logging
import TandemRuntime

struct Endpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run only the embedded local chat endpoint of a local config (no bot).",
        discussion: """
            The chat keeps running while a bot is stopped or restarted: point a bot at it with a config whose \
            transport is webhook (baseURL = the printed URL, the bot token from transport.tokenEnv). \
            Messages live in memory only. Stops cleanly on SIGINT and SIGTERM.
            """
    )

    @Option(help: "The configuration file; its transport must be local.")
    var config = "Config/local.json"

    @Option(help: "Port to listen on (0 picks a free one). The default is the config's.")
    var port: Int?

    @OptionGroup var log: LogOptions

    func run() async throws {
        let logger = log.bootstrap()
        do {
            let configuration = try Configuration.load(from: config)
            try await TandemApp.runEndpoint(configuration: configuration, port: port, logger: logger) { url in
                print("Tandem's local chat endpoint is running at \(url) (no bot; Ctrl-C stops it).")
                fflush(nil)
            }
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
    }
}
