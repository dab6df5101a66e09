import TandemChat

/// A Zulip organisation, through its real-time events API (`transport.type: "zulip"`).
public struct ZulipSettings: Sendable {
    /// The organisation's URL, e.g. `https://acme.zulipchat.com`.
    public var site: String
    /// The bot's email address: its API login name, not a secret.
    public var email: String
    /// Read from the environment or a file named in the config; never from the config itself.
    public var apiKey: String
    /// The topic of notices that start a conversation (handoff announcements, reminders, the weekly report).
    public var defaultTopic: String

    /// Zulip's `max_topic_length` before servers could say otherwise.
    public static let maximumTopicLength = 60

    /// The transport's configuration, addressed by `addressName` (the first of `bot.names`).
    func transportConfiguration(addressName: String) -> ZulipTransport.Configuration {
        var configuration = ZulipTransport.Configuration(site: site, email: email, apiKey: apiKey)
        configuration.defaultTopic = defaultTopic
        configuration.addressName = addressName
        return configuration
    }
}
