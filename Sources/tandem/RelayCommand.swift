import ArgumentParser
import Foundation
import TandemRuntime

struct Relay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run only the relay of a relay config (no bot): Slack's and Teams' webhooks in, protocol v1 out.",
        discussion: """
            The relay then outlives any one bot process, and either can be restarted alone. Point a bot at it with a \
            config whose transport is webhook (baseURL = the printed URL) and the same token as the relay's \
            transport.tokenEnv / tokenFile. Stops cleanly on SIGINT and SIGTERM.
            """
    )

    @OptionGroup var service: ServiceOptions

    @Option(help: "The relay's folder: its journal and lock (not a bot's state folder).")
    var state = "tandem-relay"

    @OptionGroup var log: LogOptions

    func run() async throws {
        try await service.start(logging: log) { configuration, logger in
            try await TandemApp.runRelay(configuration: configuration, statePath: state, port: service.port, logger: logger) { url in
                print("Tandem's relay is running at \(url) (no bot; Ctrl-C stops it).")
                fflush(nil)
            }
        }
    }
}
