import TandemProtocol

/// The query of `GET /updates?after={cursor}&timeout={seconds}&limit={n}` (an `UpdatesRequest`), as the server
/// reads it: validated and clamped, with the cursor as the message id it is here.
package struct UpdatesQuery: Equatable {
    /// The cursor; `nil` (omitted or empty) means "from now on".
    package var after: Int?
    /// How long to hold the request with nothing new: default 25 s, clamped to 0…max.
    package var timeout: Duration
    /// The most updates to answer: default 100, clamped to 1…1000.
    package var limit: Int
    /// `include_own=1`: also the caller's own messages. An extension of the local endpoint for its page's history;
    /// bots never ask for it.
    var includeOwn = false

    /// - Throws: ``RequestFailure`` (400) for a value that is not a number; out-of-range
    ///   numbers are clamped rather than refused, so a client asking for more gets the most allowed.
    package init(_ query: [String: String], maxTimeoutSeconds: Int) throws(RequestFailure) {
        switch query[UpdatesRequest.Parameter.after.rawValue] {
        case nil, "":
            after = nil
        case let value?:
            guard let cursor = Int(value), cursor >= 0 else {
                throw .badRequest("after must be a cursor from an earlier answer (a non-negative integer)")
            }
            after = cursor
        }

        let seconds: Double
        if let value = query[UpdatesRequest.Parameter.timeout.rawValue], !value.isEmpty {
            guard let parsed = Double(value), parsed.isFinite else {
                throw .badRequest("timeout must be a number of seconds")
            }
            seconds = parsed
        } else {
            seconds = Double(ProtocolLimits.defaultPollSeconds)
        }
        timeout = .milliseconds(Int((min(max(seconds, 0), Double(max(maxTimeoutSeconds, 0))) * 1000).rounded()))

        if let value = query[UpdatesRequest.Parameter.limit.rawValue], !value.isEmpty {
            guard let parsed = Int(value) else {
                throw .badRequest("limit must be an integer")
            }
            limit = min(max(parsed, 1), ProtocolLimits.maxUpdatesLimit)
        } else {
            limit = ProtocolLimits.defaultUpdatesLimit
        }
        includeOwn = query["include_own"] == "1" || query["include_own"] == "true"
    }
}
