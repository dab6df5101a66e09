/// The numbers of protocol v1: the defaults both sides assume and the bounds Tandem's endpoint enforces.
///
/// The `default…` maxima are the endpoint's configuration defaults (`LocalEndpointConfiguration` in TandemLocal);
/// another server may choose its own. See <doc:WebhookChatProtocol#Limits>.
public enum ProtocolLimits {
    /// Seconds a poll lets the server hold it, and the server's value when `timeout` is left out: well below the
    /// 60 seconds after which common reverse proxies and load balancers cut an idle request by default.
    public static let defaultPollSeconds = 25
    /// Updates per answer when `limit` is left out.
    public static let defaultUpdatesLimit = 100
    /// The largest `limit` honoured; a larger one is clamped, not refused, so a greedy client still gets an answer.
    public static let maxUpdatesLimit = 1000
    /// The longest Tandem's endpoint holds a long poll; a larger `timeout` is clamped to it.
    public static let defaultMaxLongPollSeconds = 60
    /// The largest request body Tandem's endpoint reads (64 KiB); a larger one is answered with `413`.
    public static let defaultMaxBodyBytes = 64 * 1024
    /// How many recent messages Tandem's endpoint keeps: how far back a cursor reaches, and how long an
    /// idempotency key is remembered.
    public static let defaultRetainedMessages = 10_000
}
