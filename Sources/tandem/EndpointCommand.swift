import ArgumentParser
import Foundation
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

    @OptionGroup var service: ServiceOptions

    @OptionGroup var log: LogOptions

    func run() async throws {
        try await service.start(logging: log) { configuration, logger in
            try await TandemApp.runEndpoint(configuration: configuration, port: service.port, logger: logger) { url in
                print("Tandem's local chat endpoint is running at \(url) (no bot; Ctrl-C stops it).")
                fflush(nil)
            }
        }
    }
}
