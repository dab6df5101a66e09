/// The answer to `GET /updates`: the caller's new messages and the cursor to ask after next.
///
/// See <doc:WebhookChatProtocol#Cursors> for how the cursor moves.
public struct UpdatesPage: Codable, Sendable, Equatable {
    /// The messages after the request's cursor that the caller may see, oldest first, without the caller's own;
    /// empty when a long poll ran out.
    public var updates: [Update]
    /// What to send as `after` next time: opaque, so clients store it and never compute with it.
    ///
    /// Tandem's endpoint always sends it; optional on decode because the client has always tolerated a bridge that
    /// leaves it out, and then keeps the cursor it had.
    public var cursor: String?

    public init(updates: [Update], cursor: String?) {
        self.updates = updates
        self.cursor = cursor
    }
}
