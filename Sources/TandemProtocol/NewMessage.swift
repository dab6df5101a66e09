/// The body of `POST /messages`: what to post, where, and the key that makes a retry post it once.
///
/// Every field is optional on decode, so the server can answer `400` naming the field that is missing or wrong
/// (`text is required`) rather than a bare decoding error, and so Slack incoming-webhook bodies (`{"text": …}`,
/// other fields ignored) post to the default channel. See <doc:WebhookChatProtocol#Idempotency>.
public struct NewMessage: Codable, Sendable, Equatable {
    /// The channel id; `nil` posts to the server's default channel.
    public var channel: String?
    /// The text to post; required by the server, and not blank.
    public var text: String?
    /// The id of an earlier message this one replies to.
    public var thread: String?
    /// A display name for this message; Tandem's endpoint honours it for bots only, so that nobody can post as
    /// someone else.
    public var username: String?
    /// Posting the same key twice (from the same token) posts once and answers the first id (wire name
    /// `idempotency_key`).
    public var idempotencyKey: String?

    public init(
        channel: String? = nil,
        text: String?,
        thread: String? = nil,
        username: String? = nil,
        idempotencyKey: String? = nil
    ) {
        self.channel = channel
        self.text = text
        self.thread = thread
        self.username = username
        self.idempotencyKey = idempotencyKey
    }

    enum CodingKeys: String, CodingKey {
        case channel, text, thread, username
        case idempotencyKey = "idempotency_key"
    }
}
