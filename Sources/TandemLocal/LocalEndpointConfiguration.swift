import TandemProtocol

/// How the embedded local chat endpoint listens and who takes part.
///
/// The endpoint serves the webhook chat protocol (v1) for trying Tandem and for tests.
/// It binds to loopback unless told otherwise, because its web page hands out every
/// person's token (see ``LocalChatEndpoint``).
///
/// Besides the configured public ``channels``, every non-bot participant gets one
/// direct-message channel with each bot participant, with the id
/// `dm-{participantID}-{botID}`, visible only to those two.
///
/// ```swift
/// let configuration = LocalEndpointConfiguration(
///     port: 0,
///     participants: [
///         LocalParticipant(id: "tandem", name: "Tandem", token: "bot-token", role: "Bot", isBot: true),
///         LocalParticipant(id: "alice", name: "Alice", token: "alice-token", role: "Marketing", isBot: false),
///     ],
///     channels: [LocalChannel(id: "general", name: "general")]
/// )
/// ```
public struct LocalEndpointConfiguration: Sendable {
    /// The address to bind to: an IPv4 or IPv6 literal, or `localhost`.
    public var host: String = "127.0.0.1"
    /// The TCP port; `0` picks a free port (read it from ``LocalChatEndpoint/waitUntilListening()``).
    public var port: Int = 8080
    /// Everyone who can use the endpoint, bots included. Ids and tokens must be unique.
    public var participants: [LocalParticipant]
    /// The public channels; the first is the default channel for posts that name none.
    public var channels: [LocalChannel]
    /// The largest request body accepted; larger ones are answered with `413`.
    public var maxBodyBytes: Int = ProtocolLimits.defaultMaxBodyBytes
    /// The longest a `GET /updates` long poll is held; larger `timeout` values are clamped to it.
    public var maxLongPollSeconds: Int = ProtocolLimits.defaultMaxLongPollSeconds
    /// How many of the most recent messages are kept in memory.
    public var retainedMessages: Int = ProtocolLimits.defaultRetainedMessages
    /// How long a message is kept in memory (with ``retainedMessages``, whichever bound is hit first).
    public var retainedSeconds: Int = Self.defaultRetainedSeconds
    /// The largest request head (request line and headers) accepted; a larger one is answered
    /// with `400` and the connection closed.
    public var maxHeaderBytes: Int = 16 * 1024
    /// How long a connection may stay silent, idle between requests or stalled while sending one,
    /// before it is closed. A long poll being answered is never cut by it.
    public var idleTimeoutSeconds: Int = 60

    /// Whether the page offers "pick who you are", listing every person with their token (to a browser on this
    /// machine only). Right for trial tokens, which are no secret; with real ones, each person signs in with their
    /// own token and the page shows only them.
    public var offersPicker = true

    /// One day: long enough for any bot to catch up after a restart, short enough that memory stays flat.
    public static let defaultRetainedSeconds = 24 * 60 * 60

    /// Creates a configuration with the default limits.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        participants: [LocalParticipant],
        channels: [LocalChannel]
    ) {
        self.host = host
        self.port = port
        self.participants = participants
        self.channels = channels
    }
}
