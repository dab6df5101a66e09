/// A Telegram bot, as the config file's `transport` section describes it (`type: "telegram"`).
public struct TelegramSettings: Sendable {
    public static let defaultAPIBaseURL = "https://api.telegram.org"

    /// The Bot API's address: Telegram's own, or a local Bot API server (and a test's fake).
    public var apiBaseURL = TelegramSettings.defaultAPIBaseURL
    /// The token from @BotFather: read from the environment or a file named in the config, never from the config.
    public var token: String
}
