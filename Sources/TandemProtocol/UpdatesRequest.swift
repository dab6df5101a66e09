import Foundation

/// The query of `GET /updates`: after which cursor, how long the server may hold the request, how many updates.
public struct UpdatesRequest: Sendable, Equatable {
    /// The query parameters' names.
    public enum Parameter: String, CaseIterable, Sendable {
        case after, timeout, limit
    }

    /// A cursor from an earlier ``UpdatesPage``; `nil` asks for messages from now on.
    public var after: String?
    /// Seconds the server may hold the request while nothing is new; it clamps this to its own maximum
    /// (``ProtocolLimits/defaultMaxLongPollSeconds`` for Tandem's endpoint).
    public var timeout: Int
    /// The most updates to answer; the server clamps it to 1…``ProtocolLimits/maxUpdatesLimit``.
    public var limit: Int

    public init(
        after: String? = nil,
        timeout: Int = ProtocolLimits.defaultPollSeconds,
        limit: Int = ProtocolLimits.defaultUpdatesLimit
    ) {
        self.after = after
        self.timeout = timeout
        self.limit = limit
    }

    /// The query string without its `?`, e.g. `timeout=25&limit=100&after=12`.
    ///
    /// The cursor is percent-encoded as a whole (everything but letters and digits), because it is opaque and may
    /// hold `&`, `=` or `+`.
    public var query: String {
        var query = "\(Parameter.timeout.rawValue)=\(timeout)&\(Parameter.limit.rawValue)=\(limit)"
        if let after {
            let encoded = after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            query += "&\(Parameter.after.rawValue)=\(encoded)"
        }
        return query
    }
}
