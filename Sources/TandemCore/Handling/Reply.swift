/// A reply the bot owes.
public struct Reply: Sendable, Equatable, Codable {
    /// nil means "where the request came from".
    public var channel: String?
    public var body: RichText

    public init(channel: String? = nil, body: RichText) {
        self.channel = channel
        self.body = body
    }
}
