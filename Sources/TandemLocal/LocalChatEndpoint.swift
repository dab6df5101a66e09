import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The embedded local chat endpoint: the reference server of the webhook chat protocol (v1)
/// and a small web page to chat in.
///
/// It is for trying Tandem and for tests. It keeps messages in memory only, binds to
/// loopback by default, and its page lets anyone who can reach it act as any configured
/// person, because `GET /local/participants` hands out their tokens. Real teams connect
/// Tandem to their own chat server instead.
///
/// It runs on Hummingbird (SwiftNIO): HTTP/1.1 with keep-alive, `TCP_NODELAY` on every
/// connection (NIO sets it on the listening socket and accepted sockets inherit it), a head
/// size limit and an idle timeout. Run inside a `ServiceGroup`, a graceful shutdown stops
/// accepting connections, answers waiting long polls at once and lets requests in flight finish.
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
    private let listening = ListeningPort()
    /// Where it listens, as configured, for errors.
    private let host: String
    private let port: Int

    private struct Served: Sendable {
        let room: ChatRoom
        let application: Application<ChatRequestHandler>
    }

    /// Creates an endpoint; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: where to listen, who takes part, the channels and limits.
    ///   - now: the time source for message timestamps and their age (inject a fixed clock in tests).
    public init(configuration: LocalEndpointConfiguration, now: @escaping @Sendable () -> Date = Date.init) {
        host = configuration.host
        port = configuration.port
        do throws(LocalEndpointError) {
            let directory = try ChatDirectory(configuration: configuration)
            let address = try Self.address(host: configuration.host, port: configuration.port)
            try Self.checkLimits(configuration)
            let room = ChatRoom(
                directory: directory,
                retainedMessages: configuration.retainedMessages,
                retainedSeconds: TimeInterval(configuration.retainedSeconds),
                now: now
            )
            let handler = ChatRequestHandler(
                room: room,
                maxBodyBytes: configuration.maxBodyBytes,
                maxLongPollSeconds: configuration.maxLongPollSeconds,
                offersPicker: configuration.offersPicker
            )
            let listening = self.listening
            let application = Application(
                responder: handler,
                server: .http1(
                    configuration: HTTP1Channel.Configuration(
                        idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
                        httpDecoderConfiguration: .init(
                            maxHeaderFieldSize: configuration.maxHeaderBytes,
                            maxHeaderListSize: configuration.maxHeaderBytes
                        )
                    )
                ),
                configuration: ApplicationConfiguration(address: address, serverName: nil),
                onServerRunning: { channel in listening.listened(on: channel.localAddress?.port) },
                // Failures to serve are thrown from `run()`, where the runtime logs them once;
                // Hummingbird's own per-request and start-up lines would only repeat them.
                logger: Logger(label: "tandem.local-endpoint", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            setup = .success(Served(room: room, application: application))
        } catch {
            setup = .failure(error)
        }
    }

    /// The room behind the endpoint, for tests that check its state (e.g. no leaked waiters).
    var room: ChatRoom? { try? setup.get().room }

    /// Serves until the task is cancelled or, in a `ServiceGroup`, until graceful shutdown;
    /// returns normally then.
    /// - Throws: ``LocalEndpointError`` for a configuration that cannot be served; socket errors
    ///   (e.g. the port is taken) as NIO reports them.
    public func run() async throws {
        let served: Served
        do {
            served = try setup.get()
        } catch {
            listening.failed(error)
            throw error
        }
        do {
            // Graceful shutdown reaches Hummingbird's own service group too, which stops accepting and
            // waits for requests in flight; closing the room makes waiting long polls answer now
            // rather than hold that wait until their timeouts.
            try await withGracefulShutdownHandler {
                try await served.application.run()
            } onGracefulShutdown: {
                served.room.close()
            }
            listening.failed(LocalEndpointError("the server stopped before it listened"))
        } catch is CancellationError {
            listening.failed(CancellationError())
        } catch where Task.isCancelled {
            // Shutdown can surface as a socket error from the closed listener: still a clean stop.
            listening.failed(CancellationError())
        } catch {
            let error = LocalEndpointError.listening(error, host: host, port: port)
            listening.failed(error)
            throw error
        }
    }

    /// Waits until the socket listens; returns the bound port (useful with port 0).
    /// - Throws: ``LocalEndpointError`` for a configuration that cannot be served, the error that
    ///   stopped ``run()`` before it listened, or a timeout if it does not listen within 30 seconds.
    public func waitUntilListening() async throws -> Int {
        _ = try setup.get()
        return try await listening.port(timeout: .seconds(30))
    }

    // MARK: - Configuration checks

    private static func address(host: String, port: Int) throws(LocalEndpointError) -> BindAddress {
        guard UInt16(exactly: port) != nil else {
            throw LocalEndpointError("port \(port) is outside 0…65535")
        }
        let literal = host == "localhost" ? "127.0.0.1" : host
        // The same check NIO makes when binding, made here so the error names the config value.
        guard (try? SocketAddress(ipAddress: literal, port: port)) != nil else {
            throw LocalEndpointError("host \"\(host)\" must be an IPv4 or IPv6 address or localhost")
        }
        return .hostname(literal, port: port)
    }

    /// Refuses limits that cannot work: sizes, counts and durations must be positive.
    private static func checkLimits(_ configuration: LocalEndpointConfiguration) throws(LocalEndpointError) {
        for (name, value) in [
            ("maxBodyBytes", configuration.maxBodyBytes),
            ("retainedMessages", configuration.retainedMessages),
            ("retainedSeconds", configuration.retainedSeconds),
            ("maxHeaderBytes", configuration.maxHeaderBytes),
            ("idleTimeoutSeconds", configuration.idleTimeoutSeconds),
        ] where value <= 0 {
            throw LocalEndpointError("\(name) must be positive")
        }
        guard configuration.maxLongPollSeconds >= 0 else {
            throw LocalEndpointError("maxLongPollSeconds must not be negative")
        }
    }
}
