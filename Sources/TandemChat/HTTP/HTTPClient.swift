import Foundation

/// The seam between platform adapters and the network: one request in, one response out.
///
/// Adapters depend on `any HTTPClient` (never on libcurl), so their tests can use an in-memory stub while
/// ``CurlHTTPClient`` is used in production and in loopback integration tests.
///
/// Invariants every implementation keeps:
/// - `send` may be called concurrently from many tasks; a slow request (a long poll) never delays the others.
/// - Non-2xx statuses are returned as responses, not thrown: callers decide what a 404 or 429 means.
/// - Transport failures throw ``HTTPClientError``, whose text never contains secrets (see
///   ``HTTPClientRequest/secrets``); cancelling the calling task throws `CancellationError` promptly.
///
/// ```swift
/// let client: any HTTPClient = CurlHTTPClient()
/// let response = try await client.send(HTTPClientRequest(url: "https://example.org/status"))
/// guard response.status == 200 else { ... }
/// ```
public protocol HTTPClient: Sendable {
    /// Sends one request and returns the final response.
    ///
    /// - Parameter request: What to send.
    /// - Returns: The final response (after any `1xx` interim responses), whatever its status.
    /// - Throws: ``HTTPClientError`` for transport failures (timeout, refused connection, TLS, response over the
    ///   size limit …) and `CancellationError` when the calling task is cancelled.
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}

/// One header field. An ordered list of these (rather than a dictionary) keeps repeated fields and their order,
/// which HTTP allows and some APIs rely on.
public struct HTTPField: Sendable, Equatable {
    /// The field name, as sent or received (compare case-insensitively).
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a field, e.g. `HTTPField("Authorization", "Bearer \(token)")`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
