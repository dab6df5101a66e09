import Foundation

/// The final response to an ``HTTPClientRequest``, whatever its status.
///
/// Non-2xx statuses are not errors at this layer: a 429 or 404 means something different to each platform
/// adapter, so the adapter inspects ``status`` and decides.
public struct HTTPClientResponse: Sendable {
    /// The status code of the final response, e.g. `200`.
    public var status: Int
    /// Header fields in order received, of the final response only (not of 100-continue / redirects).
    public var headers: [HTTPField]
    /// The complete response body.
    public var body: Data

    /// Creates a response; used by clients and by test doubles such as a stub client.
    public init(status: Int, headers: [HTTPField] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field called `name`, compared case-insensitively as HTTP requires.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Decodes the body as JSON.
    ///
    /// - Throws: `DecodingError` when the body does not match `T`.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: body)
    }
}
