import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TandemChat
import TandemLocal
import TandemProtocol
import TandemStore

/// Where the relay listens, what it keeps, and how it reaches Slack.
public struct RelayConfiguration: Sendable {
    public struct Slack: Sendable {
        /// The app's signing secret (Basic Information → App Credentials).
        public var signingSecret: String
        /// The bot's `xoxb-` token (OAuth & Permissions).
        public var botToken: String
        /// Slack's Web API; tests point it at a fake.
        public var apiBaseURL = "https://slack.com/api"
        /// Events for another app id are ignored; nil accepts any app id signed with the secret.
        public var appID: String?

        public init(signingSecret: String, botToken: String) {
            self.signingSecret = signingSecret
            self.botToken = botToken
        }
    }

    public struct Teams: Sendable {
        /// The outgoing webhook's security token, shown once when it was created (base64).
        public var securityToken: String
        /// A Workflows webhook URL of the team's channel, for reminders and answers that took too long; a secret.
        public var workflowURL: String?
        /// How long the webhook waits for the bot's answer: Teams gives up after 5 s.
        public var replyWait: Duration = .seconds(4)

        public init(securityToken: String, workflowURL: String? = nil) {
            self.securityToken = securityToken
            self.workflowURL = workflowURL
        }
    }

    /// Loopback by default: Slack reaches it through the admin's reverse proxy, which terminates TLS.
    public var host = "127.0.0.1"
    public var port = 8090
    /// The relay's own folder: its journal and lock.
    public var stateFolder: String
    /// The token the bot polls with.
    public var botToken: String
    /// The name the bot answers to: `<@BOT>` in Slack becomes `@{botName}`.
    public var botName = "tandem"
    public var slack: Slack?
    public var teams: Teams?
    /// The team's sales and joint channels, listed to the bot before anyone has written there.
    public var configuredChannels: [String] = []
    public var maxBodyBytes = ProtocolLimits.defaultMaxBodyBytes
    public var maxLongPollSeconds = ProtocolLimits.defaultMaxLongPollSeconds
    /// Updates and deliveries kept for the bot's polls and for recognising retries.
    public var retained = ProtocolLimits.defaultRetainedMessages

    public init(stateFolder: String, botToken: String, slack: Slack? = nil, teams: Teams? = nil) {
        self.stateFolder = stateFolder
        self.botToken = botToken
        self.slack = slack
        self.teams = teams
    }
}

/// The relay as a service: Slack's and Teams' webhooks in, protocol v1 for the bot, the bot's replies out through Slack.
///
/// At start it reads its journal (stopping, with the file and line named, on one it cannot read), asks Slack who
/// the bot is (`auth.test`; a refused token stops it, an unreachable Slack is retried with backoff), then listens.
public final class RelayEndpoint: Sendable {
    private let configuration: RelayConfiguration
    private let http: any HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let listening = ListeningPort()
    private let feed: UpdateFeed

    public init(
        configuration: RelayConfiguration, http: any HTTPClient, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        self.now = now
        feed = UpdateFeed(retained: configuration.retained)
    }

    public func run() async throws {
        do {
            try await serve()
        } catch {
            let error = LocalEndpointError.listening(error, host: configuration.host, port: configuration.port)
            listening.failed(error)
            throw error
        }
    }

    /// Waits until the relay listens; returns the bound port.
    public func waitUntilListening() async throws -> Int {
        try await listening.port(timeout: .seconds(120))
    }

    private func serve() async throws {
        let folder = try StateFolder(path: configuration.stateFolder)
        defer { folder.release() }
        let journal = RelayJournal(path: folder.file("relay.jsonl"))
        let contents = try await journal.load()
        for warning in contents.warnings + folder.warnings { logger.warning("\(warning)") }
        try await journal.compact(contents, retained: configuration.retained)
        let slack = configuration.slack.map { slack in
            Relay.Slack(
                verifier: SlackVerifier(signingSecret: slack.signingSecret),
                api: SlackWebAPI(baseURL: slack.apiBaseURL, token: slack.botToken, http: http), appID: slack.appID)
        }
        var teams: Relay.Teams?
        if let settings = configuration.teams {
            guard let verifier = TeamsVerifier(securityToken: settings.securityToken) else {
                throw RelayStartError(description: "the Teams outgoing webhook's security token is not base64: copy it again from Teams")
            }
            teams = Relay.Teams(
                verifier: verifier, workflows: settings.workflowURL.map { TeamsWorkflows(url: $0, http: http) }, replyWait: settings.replyWait)
        }
        let relay = Relay(
            feed: feed, journal: journal, slack: slack, teams: teams, botToken: configuration.botToken, botName: configuration.botName,
            configuredChannels: configuration.configuredChannels, logger: logger, now: now)
        relay.restore(contents)
        logger.info("relay ready", metadata: ["queued": "\(contents.updates.count)", "slack": "\(slack != nil)", "teams": "\(teams != nil)"])

        let handler = RelayRequestHandler(
            relay: relay, maxBodyBytes: configuration.maxBodyBytes, maxLongPollSeconds: configuration.maxLongPollSeconds)
        let listening = self.listening
        let application = Application(
            responder: handler,
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    idleTimeout: .seconds(60), httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 16 * 1024))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host == "localhost" ? "127.0.0.1" : configuration.host, port: configuration.port),
                serverName: nil),
            onServerRunning: { channel in listening.listened(on: channel.localAddress?.port) },
            logger: Logger(label: "tandem.relay.http", factory: { _ in SwiftLogNoOpLogHandler() }))
        let feed = self.feed
        let logger = self.logger
        do {
            // It listens at once, so Slack's events are journaled even while Slack's API cannot be reached; who the
            // bot is comes when it can (until then an app_mention's first mention is taken as the bot's). A token
            // Slack refuses stops the relay.
            try await withThrowingDiscardingTaskGroup { group in
                if let api = slack?.api {
                    group.addTask {
                        let userID = try await self.whoAmI(api)
                        relay.slackUserID.withLock { $0 = userID }
                        logger.info("Slack accepted the bot token", metadata: ["slack_user": "\(userID)"])
                    }
                }
                try await withGracefulShutdownHandler {
                    try await application.run()
                } onGracefulShutdown: {
                    feed.close()
                }
                group.cancelAll()
            }
        } catch is CancellationError {
        } catch where Task.isCancelled {}
    }

    /// The bot's Slack user id, waiting for Slack while it cannot be reached.
    private func whoAmI(_ api: SlackWebAPI) async throws -> String {
        var backoff = Backoff()
        while true {
            do {
                return try await api.authTest()
            } catch .unavailable(let reason) {
                let delay = backoff.next()
                logger.warning("cannot reach Slack yet; retrying", metadata: ["reason": "\(reason)", "retry_in": "\(delay)"])
                try await Task.sleep(for: delay)
            } catch .rateLimited(let seconds) {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            } catch {
                throw RelayStartError(description: "\(error)")
            }
        }
    }
}

/// Why the relay could not start (Slack refused its token).
public struct RelayStartError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
