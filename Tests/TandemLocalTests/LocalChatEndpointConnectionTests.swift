import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import TandemLocal

#if canImport(Glibc)
import Glibc
#endif

/// The connection-level behaviour: no Nagle, keep-alive, timeouts, limits and graceful shutdown.
@Suite("LocalChatEndpoint connections", .timeLimit(.minutes(3)))
struct LocalChatEndpointConnectionTests {
    @Test func acceptedSocketsHaveNoDelaySet() async throws {
        try await withRunningEndpoint { _, client in
            let port = client.port
            let (clientSide, serverSide) = try await onOwnThread {
                let connection = try LoopbackConnection(port: port)
                defer { connection.close() }
                // A full answer first, so the server has certainly accepted the connection (kept alive).
                try connection.write(Data("GET /channels HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                _ = try connection.readReply()
                let accepted = try #require(
                    acceptedSocket(serverPort: port, clientPort: connection.localPort),
                    "no socket of this process is the server's end of the connection")
                return (noDelay(connection.fd), noDelay(accepted))
            }
            // The client's socket is left as the kernel makes it: the probe reads 0 where Nagle is on.
            #expect(clientSide == 0)
            #expect(serverSide == 1)
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withRunningEndpoint { _, client in
            let port = client.port
            let statuses = try await onOwnThread {
                let connection = try LoopbackConnection(port: port)
                defer { connection.close() }
                var statuses: [Int] = []
                for _ in 1...3 {
                    try connection.write(Data("GET /channels HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-bob\r\n\r\n".utf8))
                    statuses.append(try connection.readReply().status)
                }
                return statuses
            }
            #expect(statuses == [200, 200, 200])
        }
    }

    @Test func idleKeepAliveConnectionIsClosedButALongerLongPollIsNot() async throws {
        var configuration = Fixtures.configuration()
        configuration.idleTimeoutSeconds = 1
        try await withRunningEndpoint(configuration) { _, client in
            let port = client.port
            let clock = ContinuousClock()
            let start = clock.now
            let closedAfterIdle = try await onOwnThread {
                let connection = try LoopbackConnection(port: port)
                defer { connection.close() }
                try connection.write(Data("GET /channels HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-bob\r\n\r\n".utf8))
                _ = try connection.readReply()
                var byte: UInt8 = 0
                return recv(connection.fd, &byte, 1, 0) == 0  // blocks until the server closes
            }
            #expect(closedAfterIdle)
            #expect(clock.now - start < .seconds(10))

            let pollStart = clock.now
            let poll = try await client.get("/updates", query: ["after": "0", "timeout": "2.5"], token: "token-bob")
            #expect(poll.status == 200)
            #expect(clock.now - pollStart >= .seconds(2))
        }
    }

    @Test func oversizedHeadIsRefused() async throws {
        var configuration = Fixtures.configuration()
        configuration.maxHeaderBytes = 1024
        try await withRunningEndpoint(configuration) { _, client in
            let big = try await client.send("GET", "/channels", token: "token-bob", headers: ["X-Padding": String(repeating: "p", count: 4096)])
            #expect(big.status == 400)
            let small = try await client.send("GET", "/channels", token: "token-bob", headers: ["X-Padding": "p"])
            #expect(small.status == 200)
        }
    }

    @Test func gracefulShutdownAnswersWaitingPollsAtOnceThenRefusesConnections() async throws {
        let endpoint = LocalChatEndpoint(configuration: Fixtures.configuration())
        let room = try #require(endpoint.room)
        let group = ServiceGroup(services: [EndpointService(endpoint: endpoint)], logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let client = TestClient(port: try await endpoint.waitUntilListening())
            let poll = Task { try await client.get("/updates", query: ["after": "0", "timeout": "30"], token: "token-bob") }
            await room.untilWaiting(atLeast: 1)

            let clock = ContinuousClock()
            let start = clock.now
            await group.triggerGracefulShutdown()
            let reply = try await poll.value
            #expect(reply.status == 200)
            #expect((try reply.object()["updates"] as? [Any])?.isEmpty == true)
            try await tasks.waitForAll()
            #expect(clock.now - start < .seconds(10))
            #expect(room.waiterCount == 0)
            await #expect(throws: TestClientError.self) { try await client.get("/channels", token: "token-bob") }
        }
    }
}

/// The endpoint as a service, as the runtime runs it.
private struct EndpointService: Service {
    let endpoint: LocalChatEndpoint
    func run() async throws { try await endpoint.run() }
}

/// The value of `TCP_NODELAY` on a socket.
private func noDelay(_ fd: Int32) -> Int32 {
    var value: Int32 = -1
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length)
    return value
}

/// The file descriptor, among this process's open ones, of the server's end of a loopback connection:
/// the socket bound to `serverPort` whose peer is `clientPort`. The server runs in this process, so its
/// accepted socket is one of ours.
private func acceptedSocket(serverPort: Int, clientPort: Int) -> Int32? {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for fd in entries.compactMap(Int32.init) {
        guard let local = port(of: fd, getsockname), local == serverPort,
            let peer = port(of: fd, getpeername), peer == clientPort
        else { continue }
        return fd
    }
    return nil
}

private func port(
    of fd: Int32, _ read: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
) -> Int? {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { read(fd, $0, &length) }
    }
    guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
    return Int(UInt16(bigEndian: address.sin_port))
}
