/// The three calls of protocol v1, by path; each path answers one method, and any other gets `405`.
public enum Route: String, CaseIterable, Sendable {
    /// Long poll for messages: answers an ``UpdatesPage``; its query is an ``UpdatesRequest``.
    case updates = "/updates"
    /// Post a ``NewMessage``: answers a ``PostedMessage``.
    case messages = "/messages"
    /// The channels the caller sees: answers a ``ChannelList``.
    case channels = "/channels"

    /// The path below the server's base URL, e.g. `/updates`.
    public var path: String { rawValue }

    /// The one HTTP method the path answers.
    public var method: String {
        switch self {
        case .updates, .channels: "GET"
        case .messages: "POST"
        }
    }
}
