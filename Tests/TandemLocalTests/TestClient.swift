import FlyingFox
import FlyingSocks
import Foundation
import Testing

/// A minimal HTTP/1.1 client over real loopback sockets, built on FlyingFox's own client.
/// Each call opens its own connection, so concurrent calls (a parked long poll and a post) do not interfere.
struct TestClient: Sendable {
    let port: Int

    /// One answer: status, headers and body.
    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
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

    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [String: String] = [:],
        token: String? = nil,
        headers: [HTTPHeader: String] = [:],
        body: Data = Data()
    ) async throws -> Reply {
        var allHeaders = HTTPHeaders()
        allHeaders[.host] = "127.0.0.1:\(port)"
        if let token {
            allHeaders[.authorization] = "Bearer \(token)"
        }
        for (header, value) in headers {
            allHeaders[header] = value
        }
        let request = FlyingFox.HTTPRequest(
            method: method,
            version: .http11,
            path: path,
            query: query.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) },
            headers: allHeaders,
            body: HTTPBodySequence(data: body)
        )
        var client = HTTPClient()
        let response = try await client.sendHTTPRequest(request, to: try sockaddr_in.inet(ip4: "127.0.0.1", port: UInt16(port)))
        return Reply(status: response.statusCode.code, headers: response.headers, body: try await response.bodyData)
    }

    func get(_ path: String, query: [String: String] = [:], token: String? = nil) async throws -> Reply {
        try await send(.GET, path, query: query, token: token)
    }

    /// Posts a JSON object (given as `[String: String]` so the wire body is exactly what a client sends).
    func post(_ json: [String: String], token: String?) async throws -> Reply {
        try await send(.POST, "/messages", token: token, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Writes raw bytes and reads until the server closes, for requests FlyingFox's client cannot
    /// make (a chunked body). Returns the status code from the status line.
    func sendRaw(_ bytes: Data) async throws -> Int {
        let socket = try await AsyncSocket.connected(to: try sockaddr_in.inet(ip4: "127.0.0.1", port: UInt16(port)))
        defer { try? socket.close() }
        try await socket.write(bytes)
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")) {
            received += try await socket.read(atMost: 4096)
        }
        let statusLine = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        return try #require(parts.count >= 2 ? Int(parts[1]) : nil, "bad status line: \(statusLine)")
    }
}
