import Foundation
import TandemChat
import TandemCore
import TandemLocal
import TandemProtocol
import TandemRelay
import TandemStore

/// The one configuration file of a Tandem installation (JSON). Unknown keys are errors.
public struct Configuration: Sendable {
    public var transport: TransportSettings
    public var bot: BotSettings
    public var team: Team
    /// Campaigns to seed an empty state with, resolved against the config file's folder.
    public var seedCampaigns: String?
    /// Reminders' grace period, escalation delay, the weekly report's day and time.
    public var notices: NoticeSettings
    /// When the journal is compacted into a new snapshot, and how many snapshots are kept (the `state` section).
    public var store: JournalStore.Configuration
    /// Where the file was read from, for messages.
    public var file: String
    /// Channel id → the incoming webhook its messages are posted to instead of the chat (`announcements`).
    public var announcements: [String: AnnouncementWebhook] = [:]

    /// Reads and validates a configuration file.
    /// - Throws: `ConfigurationError` naming the file and the key at fault.
    public static func load(from path: String) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let hint = path.hasPrefix("/") ? "" : " in \(FileManager.default.currentDirectoryPath)"
            throw ConfigurationError(
                file: path,
                problem: "cannot be read\(hint) (does it exist?). Run tandem from the Tandem folder, or pass --config FILE")
        }
        let file: ConfigFile
        do {
            file = try StrictJSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw ConfigurationError(file: path, decoding: error)
        }
        return try file.configuration(path: path)
    }
}

/// How the bot recognises messages meant for it.
public struct BotSettings: Sendable {
    public var names: [String] = ["tandem"]
    public var prefixes: [String] = ["!"]

    public init() {}
}

/// Which chat the bot talks to.
public enum TransportSettings: Sendable {
    /// The embedded local endpoint: for trying Tandem and for tests.
    case local(LocalSettings)
    /// A remote endpoint speaking the webhook chat protocol v1.
    case webhook(WebhookSettings)
    /// A Matrix homeserver, through the client-server API.
    case matrix(MatrixSettings)
    /// Tandem's relay, embedded: Slack's webhooks in, the bot polling it as a protocol v1 endpoint.
    case relay(RelaySettings)
    /// A Telegram bot, through the Bot API's `getUpdates` long polling.
    case telegram(TelegramSettings)
    /// A Zulip organisation, through the real-time events API.
    case zulip(ZulipSettings)
    /// A Mattermost server, polled through REST API v4.
    case mattermost(MattermostSettings)
}

public struct RelaySettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8090
    public var slack: RelayConfiguration.Slack?
    public var teams: RelayConfiguration.Teams?
    /// The token a bot polls a standalone relay (`tandem relay`) with: `transport.tokenEnv`/`tokenFile`, read
    /// only by `tandem relay`; the embedded relay makes one per process.
    public var botToken: (@Sendable () throws -> String)?
}

public struct MatrixSettings: Sendable {
    /// Password logins use this device unless the config names another: one device across restarts.
    public static let defaultDeviceID = "TANDEM"

    public var homeserver: String
    /// Read from the environment or a file named in the config; never from the config itself.
    public var credentials: MatrixTransport.Credentials
    public var invites: MatrixInvitePolicy
}

public struct LocalSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var botID = "tandem"
    public var botName = "Tandem"
    public var botToken = "local-bot"
    /// Member id → token; members without one get `local-<id>`. These are trial tokens for loopback only.
    public var tokens: [String: String] = [:]
    public var channels: [LocalChannelSettings] = []
    /// How many messages the endpoint keeps in memory, and for how long (whichever bound is hit first).
    public var retainedMessages = ProtocolLimits.defaultRetainedMessages
    public var retainedSeconds = LocalEndpointConfiguration.defaultRetainedSeconds
}

/// A channel of the local endpoint, as written in the config file's `transport.channels`.
public struct LocalChannelSettings: Decodable, Sendable {
    public var id: String
    public var name: String
}

public struct WebhookSettings: Sendable {
    public var baseURL: String
    /// Read from the environment variable or file named in the config; never from the config itself.
    public var token: String
}
