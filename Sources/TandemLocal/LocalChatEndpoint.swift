import FlyingFox
import FlyingSocks
import Foundation

/// The embedded local chat endpoint: the reference server of the webhook chat protocol (v1)
/// and a small web page to chat in.
///
/// It is for trying Tandem and for tests. It keeps messages in memory only, binds to
/// loopback by default, and its page lets anyone who can reach it act as any configured
/// person, because `GET /local/participants` hands out their tokens. Real teams connect
/// Tandem to their own chat server instead.
///
/// ```swift
/// let endpoint = LocalChatEndpoint(configuration: configuration)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await endpoint.run() }
///     let port = try await endpoint.waitUntilListening()
///     print("chat at http://127.0.0.1:\(port)/")
///     try await group.next()
/// }
/// ```
public final class LocalChatEndpoint: Sendable {
    /// The room and server, or why the configuration cannot be served. Kept as a result
    /// because `init` cannot throw (the runtime builds endpoints before it runs them).
    private let setup: Result<Served, LocalEndpointError>

    private struct Served {
        let room: ChatRoom
        let server: HTTPServer
    }

    /// Creates an endpoint; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: where to listen, who takes part, the channels and limits.
    ///   - now: the time source for message timestamps (inject a fixed clock in tests).
    public init(configuration: LocalEndpointConfiguration, now: @escaping @Sendable () -> Date = Date.init) {
        do throws(LocalEndpointError) {
            let directory = try ChatDirectory(configuration: configuration)
            let address = try Self.address(host: configuration.host, port: configuration.port)
            let limits = try Self.validatedLimits(configuration)
            let room = ChatRoom(directory: directory, retainedMessages: limits.retained, now: now)
            let handler = ChatRequestHandler(
                room: room,
                maxBodyBytes: limits.body,
                maxLongPollSeconds: limits.longPoll
            )
            // FlyingFox cancels a handler after `timeout`; give long polls room to end on their own.
            let server = HTTPServer(
                config: HTTPServer.Configuration(
                    address: address,
                    timeout: TimeInterval(limits.longPoll + 15),
                    // FlyingFox logs each connection to standard output; every failure to serve
                    // is also thrown from `run()`, where the runtime logs it once.
                    logger: .disabled
                ),
                handler: handler
            )
            setup = .success(Served(room: room, server: server))
        } catch {
            setup = .failure(error)
        }
    }

    /// The room behind the endpoint, for tests that check its state (e.g. no leaked waiters).
    var room: ChatRoom? { try? setup.get().room }

    /// Serves until the task is cancelled (returns normally on cancellation; CancellationError
    /// from FlyingFox is swallowed).
    /// - Throws: ``LocalEndpointError`` for a configuration that cannot be served; socket errors
    ///   (e.g. the port is taken) as FlyingFox reports them.
    public func run() async throws {
        let served = try setup.get()
        do {
            try await served.server.run()
        } catch is CancellationError {
            return
        } catch where Task.isCancelled {
            // Shutdown can surface as a socket error from the closed listener: still a clean stop.
            return
        }
    }

    /// Waits until the socket listens; returns the bound port (useful with port 0).
    /// - Throws: ``LocalEndpointError`` for a configuration that cannot be served, or a timeout
    ///   if ``run()`` does not start listening within 30 seconds.
    public func waitUntilListening() async throws -> Int {
        let served = try setup.get()
        try await served.server.waitUntilListening(timeout: 30)
        switch await served.server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?:
            return Int(port)
        case .unix?, nil:
            throw LocalEndpointError("the server stopped before its port could be read")
        }
    }

    // MARK: - Configuration checks

    private static func address(host: String, port: Int) throws(LocalEndpointError) -> any SocketAddress {
        guard let port = UInt16(exactly: port) else {
            throw LocalEndpointError("port \(port) is outside 0…65535")
        }
        do {
            if host == "localhost" {
                return try sockaddr_in.inet(ip4: "127.0.0.1", port: port)
            } else if host.contains(":") {
                return try sockaddr_in6.inet6(ip6: host, port: port)
            } else {
                return try sockaddr_in.inet(ip4: host, port: port)
            }
        } catch {
            throw LocalEndpointError("host \"\(host)\" must be an IPv4 or IPv6 address or localhost")
        }
    }

    private static func validatedLimits(
        _ configuration: LocalEndpointConfiguration
    ) throws(LocalEndpointError) -> (body: Int, longPoll: Int, retained: Int) {
        guard configuration.maxBodyBytes > 0 else {
            throw LocalEndpointError("maxBodyBytes must be positive")
        }
        guard configuration.maxLongPollSeconds >= 0 else {
            throw LocalEndpointError("maxLongPollSeconds must not be negative")
        }
        guard configuration.retainedMessages > 0 else {
            throw LocalEndpointError("retainedMessages must be positive")
        }
        return (configuration.maxBodyBytes, configuration.maxLongPollSeconds, configuration.retainedMessages)
    }
}
