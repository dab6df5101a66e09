/// The bot's transport, with some channels announce-only: a message to one of them (a handoff, a reminder, an
/// escalation, the weekly report) goes to that channel's incoming webhook instead of the chat, e.g. the team's
/// `salesChannel` to a Slack webhook while commands come from Matrix. Everything else passes through.
///
/// Sending through the same outbox lanes as replies is the point: a failed announcement is retried like a reply
/// (its `TransportError` says how), and its key is the outbox entry's, so a retry is the same post.
public struct AnnouncingTransport: ChatTransport {
    private let inner: any ChatTransport
    private let webhooks: [String: AnnouncementWebhook]
    private let http: any HTTPClient

    /// - Parameter webhooks: channel id → its webhook.
    public init(inner: any ChatTransport, webhooks: [String: AnnouncementWebhook], http: any HTTPClient) {
        self.inner = inner
        self.webhooks = webhooks
        self.http = http
    }

    public func poll(after cursor: String?) async throws -> TransportBatch {
        try await inner.poll(after: cursor)
    }

    public func send(_ message: OutgoingChatMessage) async throws -> String {
        guard let webhook = webhooks[message.channel] else { return try await inner.send(message) }
        return try await webhook.post(message.body, key: message.idempotencyKey, http: http)
    }

    public var repliesNameTheirMessage: Bool { inner.repliesNameTheirMessage }
}
