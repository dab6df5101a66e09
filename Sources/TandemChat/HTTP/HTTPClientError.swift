/// A transport failure of an ``HTTPClient``: the request got no complete HTTP response.
///
/// Safe to log as is: ``url`` has no query string or userinfo, and every secret of the request (its
/// ``HTTPClientRequest/secrets`` and credential header values) is masked as `***` in ``url`` and ``message``.
/// Non-2xx responses are not errors of this type; they are returned as ``HTTPClientResponse``.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, coarsely enough for a caller to choose a reaction (retry, back off, give up).
    public enum Kind: Sendable, Equatable {
        /// The total timeout, the connect timeout, or the low-speed limit expired (curl 28).
        case timedOut
        /// Nothing accepted the connection (curl 7), e.g. the server is down.
        case couldNotConnect
        /// The host (or proxy) name did not resolve (curl 6, 5).
        case couldNotResolveHost
        /// The response body was larger than the client's `maxResponseBytes` (curl 63, or 23 from the cap).
        case responseTooLarge
        /// The TLS handshake or certificate verification failed (curl 35, 58, 60, 77 …).
        case tls
        /// The URL was malformed or not `http`/`https` (curl 3, 1).
        case invalidURL
        /// Any other failure: the connection broke, the server sent garbage, out of memory …
        case transport
    }

    /// What went wrong.
    public var kind: Kind
    /// CURLcode raw value (0 when the error did not come from libcurl).
    public var curlCode: Int
    /// The request method, e.g. `"GET"`.
    public var method: String
    /// redacted: no query string, no userinfo, secrets masked
    public var url: String
    /// human text, secrets masked, never contains header values
    public var message: String

    /// e.g. "GET http://127.0.0.1:8080/updates timed out after 30 s (curl 28)"
    public var description: String {
        "\(method) \(url) \(message) (curl \(curlCode))"
    }

    /// Creates an error about `request`, redacting its URL and masking its secrets in `message`.
    ///
    /// Test doubles use this to simulate transport failures with the same guarantees as the real client.
    public init(kind: Kind, curlCode: Int = 0, request: HTTPClientRequest, message: String) {
        let redactor = Redactor(request: request)
        self.kind = kind
        self.curlCode = curlCode
        self.method = request.method
        self.url = redactor.redactURL(request.url)
        self.message = redactor.mask(message)
    }
}

extension HTTPClientError.Kind {
    /// Maps a CURLcode to a kind.
    ///
    /// - Parameter capExceeded: whether the write callback refused data because of the size cap, which turns the
    ///   otherwise generic write error 23 into ``responseTooLarge``.
    init(curlCode code: Int, capExceeded: Bool) {
        switch code {
        case 28: self = .timedOut
        case 7: self = .couldNotConnect
        case 5, 6: self = .couldNotResolveHost
        case 63: self = .responseTooLarge
        case 23 where capExceeded: self = .responseTooLarge
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98: self = .tls
        case 1, 3: self = .invalidURL
        default: self = .transport
        }
    }
}
