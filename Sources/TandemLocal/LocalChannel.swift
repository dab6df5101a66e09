/// A public channel of the local chat: every participant can see and post to it.
///
/// Direct-message channels are not configured; the endpoint derives them from the
/// participants (see ``LocalEndpointConfiguration``).
public struct LocalChannel: Codable, Sendable, Equatable {
    /// The channel id used on the wire (`channel` in updates and posts).
    public var id: String
    /// The display name, shown as `#name` in the web page.
    public var name: String

    /// Creates a public channel.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
