import TandemChat

/// `transport.type: "mattermost"`: a Mattermost server, polled through REST API v4 with a bot account's
/// personal access token.
public struct MattermostSettings: Sendable {
    /// e.g. `https://chat.example.com`.
    public var serverURL: String
    /// Read from the environment or a file named in the config; never from the config itself.
    public var token: String
    /// How often an idle bot lists its channels (`transport.pollIntervalMilliseconds`).
    public var pollInterval: Duration = .seconds(1)

    /// The transport's configuration for these settings.
    public var transportConfiguration: MattermostTransport.Configuration {
        var configuration = MattermostTransport.Configuration(serverURL: serverURL, token: token)
        configuration.pollInterval = pollInterval
        return configuration
    }
}
