import Foundation
import Logging
import ServiceLifecycle
import TandemChat
import TandemCore
import TandemRelay
import UnixSignals

extension TandemApp {
    /// Runs only the relay of a relay configuration, without a bot, until SIGINT/SIGTERM: the relay then outlives
    /// any one bot process, and either can be restarted alone. A bot polls it with `transport.type = webhook`,
    /// `baseURL` the printed URL and the same token (`transport.tokenEnv`/`tokenFile` of both configs).
    /// - Parameters:
    ///   - statePath: the relay's own folder (its journal and lock), not a bot's.
    ///   - port: overrides the configured port (0 picks a free one).
    public static func runRelay(
        configuration: Configuration, statePath: String, port: Int?, logger: Logger, onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        guard case .relay(let settings) = configuration.transport else {
            throw ConfigurationError(file: configuration.file, key: "transport.type", problem: "tandem relay serves a relay transport only")
        }
        guard let token = try settings.botToken?() else {
            throw ConfigurationError(file: configuration.file, key: "transport.tokenEnv", problem: "the relay needs the bot's token")
        }
        let relay = relayConfiguration(settings, of: configuration, folder: statePath, botToken: token, port: port)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let endpoint = RelayEndpoint(configuration: relay, http: http, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [RelayService(endpoint: endpoint)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await endpoint.waitUntilListening()
            onListening("http://\(settings.host):\(port)/")
            try await tasks.waitForAll()
        }
    }

    /// The relay of a configuration: where it listens and keeps its journal, the token the bot polls with, the
    /// name the bot answers to, and the team's channels.
    static func relayConfiguration(
        _ settings: RelaySettings, of configuration: Configuration, folder: String, botToken: String, port: Int?
    ) -> RelayConfiguration {
        var relay = RelayConfiguration(stateFolder: folder, botToken: botToken, slack: settings.slack, teams: settings.teams)
        relay.host = settings.host
        relay.port = port ?? settings.port
        relay.botName = configuration.bot.names.first ?? "tandem"
        relay.configuredChannels = [configuration.team.salesChannel, configuration.team.jointChannel].compactMap { $0 }
        return relay
    }
}
