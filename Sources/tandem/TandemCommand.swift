import ArgumentParser
import Foundation
import TandemRuntime

@main
struct TandemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Tandem keeps Marketing and Sales working from the same facts, in your team chat.",
        discussion: """
            Without arguments Tandem starts on its embedded default: a local chat endpoint on 127.0.0.1:8080 \
            with a sample team and sample campaigns. Open the printed URL and talk to @tandem.
            """,
        version: TandemVersion.current,
        subcommands: [Run.self, Endpoint.self, Relay.self, CheckConfig.self, StateCommand.self, Export.self, Version.self],
        defaultSubcommand: Run.self
    )
}

enum TandemVersion {
    static let current = "0.1.0"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Tandem's version.")
    func run() { print("tandem \(TandemVersion.current)") }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the bot (the default).",
        discussion: "Stops cleanly on SIGINT (Ctrl-C) and SIGTERM."
    )

    @OptionGroup var service: ServiceOptions

    @Option(help: "The state folder: journal, snapshot and lock.")
    var state = "tandem-state"

    @OptionGroup var log: LogOptions

    func run() async throws {
        try await service.start(logging: log) { configuration, logger in
            let options = TandemApp.Options(
                statePath: state, port: service.port,
                onListening: { url in
                    print("Tandem is running. Open \(url) in your browser to chat with it (Ctrl-C stops it).")
                    fflush(nil)
                },
                onConnecting: { url in
                    print("Tandem is running against the chat at \(url) (Ctrl-C stops it).")
                    fflush(nil)
                })
            try await TandemApp.run(configuration: configuration, options: options, logger: logger)
        }
    }
}
