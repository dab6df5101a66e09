/// The body of every `4xx` answer of Tandem's endpoint: `{"error": "text is required"}`.
///
/// The sentence is meant for a person (a log, the web page); it never repeats a token. Clients must not parse it:
/// the status code says what to do (see <doc:WebhookChatProtocol#Status-codes>).
public struct ErrorBody: Codable, Sendable, Equatable {
    /// What was wrong with the request, e.g. `unknown token`.
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
