import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// The token of an `Authorization: Bearer {token}` header (scheme matched case-insensitively).
    package var bearerToken: String? {
        guard let value = headers[.authorization] else { return nil }
        return Self.bearerToken(in: value)
    }

    /// The token of an `Authorization` value. `Bearer {token}` with one space and a token of visible ASCII, as
    /// every client sends it, is sliced off without Foundation; anything else takes the general path (split on
    /// spaces, trim), which gives the same answer for that form too.
    static func bearerToken(in value: String) -> String? {
        let utf8 = value.utf8
        if utf8.count > 7, utf8.starts(with: "Bearer ".utf8) || utf8.starts(with: "bearer ".utf8),
            utf8.dropFirst(7).allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return String(Substring(utf8.dropFirst(7)))
        }
        return generalBearerToken(in: value)
    }

    /// Any spelling of the scheme, spaces around the token: split on spaces, compare, trim.
    static func generalBearerToken(in value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Whether the `Host` header names an IP literal or `localhost` (or is absent, as from
    /// non-browser clients). A DNS-rebinding page always arrives with its own host name.
    /// (HTTP/1's `Host` header is the request's authority in swift-http-types.)
    var isAddressedToLiteralHost: Bool {
        guard let host = head.authority?.lowercased() else { return true }
        if host.hasPrefix("[") { return true }  // an IPv6 literal, e.g. [::1]:8080
        let name = host.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return name == "localhost" || (!name.isEmpty && name.allSatisfy { $0.isNumber || $0 == "." })
    }

    /// The query parameters by name; the first of a repeated name counts.
    package var queryItems: [String: String] {
        var items: [String: String] = [:]
        for (name, value) in uri.queryParameters where items[String(name)] == nil {
            items[String(name)] = String(value)
        }
        return items
    }

    /// The body, refusing more than `limit` bytes: first by the announced `Content-Length`,
    /// without reading, then by the bytes actually received (chunked bodies announce nothing).
    /// - Throws: ``RequestFailure`` (413) when the body is too large; socket errors as they come.
    package func boundedBody(limit: Int) async throws -> ByteBuffer {
        if let announced = headers[.contentLength].flatMap({ Int($0) }), announced > limit {
            throw RequestFailure.payloadTooLarge(limit: limit)
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RequestFailure.payloadTooLarge(limit: limit)
        }
    }
}
