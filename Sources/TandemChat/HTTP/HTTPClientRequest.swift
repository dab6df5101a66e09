import Foundation

/// Everything needed to send one HTTP request through an ``HTTPClient``.
///
/// A plain value so adapters can build it in pure code and tests can compare what was sent.
public struct HTTPClientRequest: Sendable {
    /// The method, e.g. `"GET"`, `"POST"`, `"PUT"`, `"DELETE"`.
    public var method: String
    /// The absolute `http` or `https` URL, including any query string.
    public var url: String
    /// Request header fields, sent in this order.
    public var headers: [HTTPField]
    /// The request body, if any.
    public var body: Data?
    /// Total time allowed for this request; nil = the client's default. Long polls pass their own, longer one.
    public var timeout: Duration?
    /// Strings (tokens) that must never appear in an error or log text; masked as "***".
    ///
    /// Telegram, for one, puts the bot token in the URL path, so redacting the query string is not enough.
    /// Values of credential headers such as `Authorization` are masked without being listed here.
    public var secrets: [String]

    /// Creates a request. Only `url` is required: the default is a `GET` without body.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPField] = [],
        body: Data? = nil,
        timeout: Duration? = nil,
        secrets: [String] = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.secrets = secrets
    }

    /// Convenience: JSON body with Content-Type application/json.
    ///
    /// A `Content-Type` already present in `headers` is kept as given.
    /// - Throws: `EncodingError` when `body` cannot be encoded.
    public static func json(
        method: String = "POST",
        url: String,
        body: some Encodable,
        headers: [HTTPField] = [],
        timeout: Duration? = nil,
        secrets: [String] = []
    ) throws -> HTTPClientRequest {
        let data = try JSONEncoder().encode(body)
        var fields = headers
        if !fields.contains(where: { $0.name.lowercased() == "content-type" }) {
            fields.append(HTTPField("Content-Type", "application/json"))
        }
        return HTTPClientRequest(
            method: method,
            url: url,
            headers: fields,
            body: data,
            timeout: timeout,
            secrets: secrets
        )
    }
}
