import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over real loopback sockets, independent of the server's HTTP stack.
///
/// Each call opens its own connection, so concurrent calls (a parked long poll and a post) do not
/// interfere. The socket calls block, so each runs on a thread of its own, never on Swift's
/// cooperative pool; a 30 s receive timeout keeps a broken server from hanging a test.
struct TestClient: Sendable {
    let port: Int

    /// One answer: status, headers and body.
    struct Reply: Sendable {
        let status: Int
        let headers: Headers
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object, to check wire shapes independently of the server's types.
        func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            let value = try JSONSerialization.jsonObject(with: body)
            return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
        }

        /// The `"error"` message of a 4xx answer.
        var errorMessage: String? { (try? object())?["error"] as? String }
    }

    /// Response headers, looked up case-insensitively.
    struct Headers: Sendable {
        fileprivate var fields: [String: String] = [:]

        subscript(name: String) -> String? { fields[name.lowercased()] }
    }

    func send(
        _ method: String,
        _ path: String,
        query: [String: String] = [:],
        token: String? = nil,
        headers: [String: String] = [:],
        body: Data = Data()
    ) async throws -> Reply {
        var target = URLComponents()
        target.path = path
        if !query.isEmpty {
            target.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        var fields: [(String, String)] = [("Host", "127.0.0.1:\(port)")]
        if let token {
            fields.append(("Authorization", "Bearer \(token)"))
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            fields.removeAll { $0.0.lowercased() == name.lowercased() }
            fields.append((name, value))
        }
        fields.append(("Content-Length", "\(body.count)"))
        fields.append(("Connection", "close"))
        let head = "\(method) \(target.string ?? path) HTTP/1.1\r\n"
            + fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        return try await exchange(Data(head.utf8) + body)
    }

    func get(_ path: String, query: [String: String] = [:], token: String? = nil) async throws -> Reply {
        try await send("GET", path, query: query, token: token)
    }

    /// Posts a JSON object (given as `[String: String]` so the wire body is exactly what a client sends).
    func post(_ json: [String: String], token: String?) async throws -> Reply {
        try await send("POST", "/messages", token: token, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Writes raw bytes (e.g. a chunked body) and returns the status code of the answer.
    func sendRaw(_ bytes: Data) async throws -> Int {
        try await exchange(bytes).status
    }

    /// Writes `request` on a new connection and reads one answer.
    func exchange(_ request: Data) async throws -> Reply {
        let port = port
        return try await onOwnThread {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            try connection.write(request)
            return try connection.readReply()
        }
    }
}

/// Runs blocking work on a new thread and awaits its result.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

struct TestClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One blocking TCP connection to 127.0.0.1; only for use off the cooperative pool (see ``onOwnThread(_:)``).
struct LoopbackConnection: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestClientError("connect to port \(port) failed: errno \(errno)")
        }
    }

    func close() {
        Glibc.close(fd)
    }

    /// The local port of this end of the connection.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let n = send(fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw TestClientError("send failed: errno \(errno)") }
                sent += n
            }
        }
    }

    /// Reads one answer: the head, then a body of `Content-Length` bytes, a chunked body, or
    /// everything until the server closes.
    func readReply() throws -> TestClient.Reply {
        var received: [UInt8] = []
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard try receive(into: &received) else { throw TestClientError("closed before the head ended") }
            headEnd = received.firstRange(of: separator)?.upperBound
        }
        let head = String(decoding: received[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.removeFirst().split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestClientError("bad status line in \(head)")
        }
        var headers = TestClient.Headers()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers.fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(received[headEnd!...])
        if let length = headers["Content-Length"].flatMap({ Int($0) }) {
            while body.count < length {
                guard try receive(into: &body) else { throw TestClientError("closed before the body ended") }
            }
        } else if headers["Transfer-Encoding"] == "chunked" {
            while body.firstRange(of: Array("0\r\n\r\n".utf8)) == nil {
                guard try receive(into: &body) else { throw TestClientError("closed before the last chunk") }
            }
            body = Self.dechunk(body)
        } else {
            while try receive(into: &body) {}
        }
        return TestClient.Reply(status: status, headers: headers, body: Data(body))
    }

    /// Appends what arrives; false once the peer has closed.
    private func receive(into buffer: inout [UInt8]) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n >= 0 else { throw TestClientError("recv failed: errno \(errno)") }
        buffer += chunk[..<n]
        return n > 0
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var rest = bytes[...]
        while let lineEnd = rest.firstRange(of: Array("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            guard size > 0 else { break }
            result += rest[lineEnd.upperBound..<(lineEnd.upperBound + size)]
            rest = rest[(lineEnd.upperBound + size + 2)...]
        }
        return result
    }
}
