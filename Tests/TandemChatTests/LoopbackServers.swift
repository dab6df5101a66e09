import Foundation
import TandemLoopbackTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Tag {
    /// Tests that talk to real sockets on the loopback interface.
    @Tag static var integration: Self
}

/// A request as a loopback server's handler sees it, with its body already read.
///
/// Plain strings and `Data`, so the tests need no HTTP types of their own (swift-http-types'
/// `HTTPField` would clash with TandemChat's).
struct LoopbackRequest: Sendable {
    let method: String
    let path: String
    let body: Data
    /// The client's port, to tell connections apart.
    let remotePort: Int?
    fileprivate let received: LoopbackHTTPRequest

    /// The value of a request header, by case-insensitive name.
    func header(_ name: String) -> String? {
        received.header(name)
    }
}

/// What a loopback server's handler answers.
struct LoopbackResponse: Sendable {
    var status = 200
    var headers: [String: String] = [:]
    var body = Data()
}

/// Runs a Hummingbird server on 127.0.0.1 with a free port while `body` runs, then stops it
/// (TandemLoopbackTesting's server, in this file's Foundation types).
///
/// - Parameters:
///   - handler: Answers every request, whatever its path.
///   - body: Gets the server's base URL, e.g. `http://127.0.0.1:40123`.
func withLoopbackServer<Result>(
    _ handler: @escaping @Sendable (LoopbackRequest) async throws -> LoopbackResponse,
    body: (_ baseURL: String) async throws -> Result
) async throws -> Result {
    try await withLoopbackHTTPServer({ request in
        let answer = try await handler(
            LoopbackRequest(
                method: request.method, path: request.path, body: Data(request.body), remotePort: request.remotePort,
                received: request))
        return LoopbackHTTPResponse(
            status: answer.status, headers: answer.headers.map { (name: $0.key, value: $0.value) },
            body: Array(answer.body))
    }, body: body)
}

struct LoopbackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A tiny raw-socket HTTP server on 127.0.0.1 for what a real server does not send: a fixed, hand-written response
/// (chunked bodies, interim `1xx` responses). Each connection gets `response` after the request head, then is closed.
final class RawHTTPServer: Sendable {
    let port: UInt16
    private let listener: Int32

    init(response: String) throws {
        let socket = try boundLoopbackSocket()
        listener = socket.fd
        port = socket.port
        guard listen(listener, 16) == 0 else { throw LoopbackError("listen failed: errno \(errno)") }
        let fd = listener
        let bytes = Array(response.utf8)
        let thread = Thread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { break }  // shut down by stop()
                Self.readRequestHead(connection)
                bytes.withUnsafeBytes { buffer in
                    var sent = 0
                    while sent < buffer.count {
                        let n = send(connection, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                        if n <= 0 { break }
                        sent += n
                    }
                }
                close(connection)
            }
            close(fd)
        }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Wakes the accepting thread (shutdown, unlike close, interrupts a blocked accept on Linux); it then closes.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private static func readRequestHead(_ connection: Int32) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.ends(with: Array("\r\n\r\n".utf8)) {
            let n = recv(connection, &chunk, chunk.count, 0)
            if n <= 0 { return }
            received += chunk[..<n]
        }
    }
}

/// A port on 127.0.0.1 that refuses connections: bound (so nobody else takes it) but not listening.
final class RefusingPort: Sendable {
    let port: UInt16
    private let fd: Int32

    init() throws {
        (fd, port) = try boundLoopbackSocket()
    }

    deinit { close(fd) }
}

private func boundLoopbackSocket() throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw LoopbackError("socket failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        close(fd)
        throw LoopbackError("bind failed: errno \(errno)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
