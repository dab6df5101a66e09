import Foundation
import Synchronization
import Testing

@testable import TandemChat

#if canImport(Glibc)
    import Glibc
#endif

/// The client reuses libcurl easy handles: their number stays bounded by what is in flight at once, and a reused
/// handle carries nothing of its previous request. Real libcurl against loopback servers.
@Suite(.timeLimit(.minutes(3)), .tags(.integration))
struct CurlHandleReuseTests {
    @Test func handlesStayBoundedOverAThousandRequests() async throws {
        let server = try RawHTTPServer(response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let parallel = 4
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<parallel {
                group.addTask {
                    var statuses: [Int] = []
                    for _ in 0..<(1000 / parallel) {
                        statuses.append(try await client.send(HTTPClientRequest(url: server.baseURL + "/")).status)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 1000)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect((1...parallel).contains(client.easyHandlesCreated))
    }

    @Test func aReusedHandleCarriesNothingOfTheLastRequest() async throws {
        let server = try EchoHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }

        let first = try await client.send(
            HTTPClientRequest(
                method: "DELETE", url: server.baseURL + "/first", headers: [HTTPField("X-Leak", "first-header")],
                body: Data("first-body".utf8)))
        #expect(String(decoding: first.body, as: UTF8.self).hasPrefix("DELETE /first HTTP/1.1\r\n"))
        let second = try await client.send(HTTPClientRequest(url: server.baseURL + "/second"))
        let echoed = String(decoding: second.body, as: UTF8.self)

        #expect(client.easyHandlesCreated == 1, "the second request reused the first one's handle")
        #expect(echoed.hasPrefix("GET /second HTTP/1.1\r\n"))
        #expect(!echoed.contains("X-Leak"))
        #expect(!echoed.contains("first-body"))
        #expect(!echoed.lowercased().contains("content-length"))
    }
}

/// Answers each request with its own bytes (head and body) as the response body, then closes the connection.
private final class EchoHTTPServer: Sendable {
    let port: UInt16
    private let listener: Int32

    init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw EchoError()
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { break }
                let request = Self.readRequest(connection)
                let response = Array("HTTP/1.1 200 OK\r\nContent-Length: \(request.count)\r\nConnection: close\r\n\r\n".utf8) + request
                _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
            close(fd)
        }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    /// The request head and as much body as its `Content-Length` announces.
    private static func readRequest(_ connection: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var expected: Int?
        while expected.map({ received.count < $0 }) ?? true {
            let n = recv(connection, &chunk, chunk.count, 0)
            if n <= 0 { break }
            received += chunk[..<n]
            if expected == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end.upperBound + length
            }
        }
        return received
    }
}

private struct EchoError: Error {}
