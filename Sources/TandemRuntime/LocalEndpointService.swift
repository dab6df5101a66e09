import Foundation
import ServiceLifecycle
import Synchronization
import TandemChat
import TandemLocal
import TandemRelay

/// Runs the embedded local chat endpoint as a service of the group.
///
/// Not wrapped in `cancelWhenGracefulShutdown`: the endpoint handles graceful shutdown itself
/// (it stops accepting, answers waiting long polls at once and lets requests in flight finish),
/// which cancelling would cut short.
struct LocalEndpointService: Service {
    let endpoint: LocalChatEndpoint

    func run() async throws {
        try await endpoint.run()
    }
}

/// Runs the embedded relay as a service of the group; like the local endpoint, it handles graceful shutdown itself.
struct RelayService: Service {
    let endpoint: RelayEndpoint

    func run() async throws {
        try await endpoint.run()
    }
}

/// The endpoint's URL, known only once it listens (the port may be picked by the system).
final class PortBox: Sendable {
    private let value = Mutex<String?>(nil)
    func set(_ url: String) { value.withLock { $0 = url } }
    func get() -> String? { value.withLock { $0 } }
}

/// A webhook transport to the embedded endpoint, built on first use because its port is known only then.
final class LazyWebhookTransport: ChatTransport {
    private let baseURL: PortBox
    private let token: String
    private let http: any HTTPClient
    private let transport = Mutex<WebhookTransport?>(nil)

    init(baseURL: PortBox, token: String, http: any HTTPClient) {
        self.baseURL = baseURL
        self.token = token
        self.http = http
    }

    private func resolved() throws -> WebhookTransport {
        try transport.withLock { current in
            if let current { return current }
            guard let url = baseURL.get() else { throw TransportError(.transient, "the local endpoint is not listening yet") }
            let made = WebhookTransport(configuration: .init(baseURL: url, token: token), http: http)
            current = made
            return made
        }
    }

    func poll(after cursor: String?) async throws -> TransportBatch { try await resolved().poll(after: cursor) }
    func send(_ message: OutgoingChatMessage) async throws -> String { try await resolved().send(message) }
}
