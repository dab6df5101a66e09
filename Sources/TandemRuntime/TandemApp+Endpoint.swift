import Foundation
import Logging
import ServiceLifecycle
import TandemLocal
import UnixSignals

extension TandemApp {
    /// Runs only the embedded local chat endpoint of a local configuration, without a bot, until SIGINT/SIGTERM.
    ///
    /// The chat then outlives any one bot process: a bot (`transport.type = webhook` pointing here) can be killed
    /// and restarted against the same messages, as in the crash-recovery test.
    /// - Parameters:
    ///   - port: overrides the configured port (0 picks a free one).
    ///   - onListening: called with the base URL once the endpoint listens.
    public static func runEndpoint(
        configuration: Configuration, port: Int?, logger: Logger, onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        guard case .local(var local) = configuration.transport else {
            throw ConfigurationError(
                file: configuration.file, key: "transport.type", problem: "tandem endpoint serves a local transport only")
        }
        if let port { local.port = port }
        let endpoint = LocalChatEndpoint(configuration: endpointConfiguration(local, team: configuration.team))
        let group = ServiceGroup(
            configuration: .init(
                services: [LocalEndpointService(endpoint: endpoint)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await endpoint.waitUntilListening()
            onListening("http://\(local.host):\(port)/")
            try await tasks.waitForAll()
        }
    }
}
