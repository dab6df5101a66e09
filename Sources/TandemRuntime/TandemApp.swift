import Foundation
import Logging
import ServiceLifecycle
import TandemChat
import TandemCore
import TandemLocal
import TandemRelay
import TandemStore
import UnixSignals

/// The composition root: turns a configuration and a state folder into running services.
public enum TandemApp {
    public struct Options: Sendable {
        public var statePath: String
        /// Overrides the local endpoint's port (0 picks a free one).
        public var port: Int?
        /// Called with the URL of the local chat page once it listens.
        public var onListening: @Sendable (String) -> Void
        /// Called with the base URL of a remote (webhook) chat once the state is loaded, just before the first poll.
        public var onConnecting: @Sendable (String) -> Void

        public init(
            statePath: String, port: Int? = nil, onListening: @escaping @Sendable (String) -> Void = { _ in },
            onConnecting: @escaping @Sendable (String) -> Void = { _ in }
        ) {
            self.statePath = statePath
            self.port = port
            self.onListening = onListening
            self.onConnecting = onConnecting
        }
    }

    /// Loads the state, seeds it on first start, and runs until SIGINT/SIGTERM.
    public static func run(configuration: Configuration, options: Options, logger: Logger) async throws {
        let folder = try StateFolder(path: options.statePath)
        let store = JournalStore(folder: folder, configuration: configuration.store)
        var (state, report) = try await store.load()
        for warning in report.warnings { logger.warning("\(warning)") }
        logger.info("state loaded", metadata: ["folder": "\(folder.path)", "campaigns": "\(state.team.campaigns.count)", "records": "\(report.records)"])
        // A state that never polled has never been down: nothing was missed.
        let firstStart = state.cursor == nil
        state = try await seedIfNew(state, configuration: configuration, store: store, logger: logger)

        let http = CurlHTTPClient()
        defer { http.shutdown() }
        var services: [any Service] = []
        let chat: any ChatTransport
        let botUserID: String
        var ready: @Sendable () async throws -> Void = {}
        var sentMarkDelay = Duration.milliseconds(100)
        switch configuration.transport {
        case .local(var local):
            if let port = options.port { local.port = port }
            let host = local.host
            let endpoint = LocalChatEndpoint(configuration: endpointConfiguration(local, team: configuration.team))
            services.append(LocalEndpointService(endpoint: endpoint))
            let baseURL = PortBox()
            ready = {
                let port = try await endpoint.waitUntilListening()
                let url = "http://\(host):\(port)"
                baseURL.set(url)
                options.onListening(url + "/")
            }
            chat = LazyWebhookTransport(baseURL: baseURL, token: local.botToken, http: http)
            botUserID = local.botID
            // The embedded endpoint starts empty with this process: everything in it is meant for this bot,
            // including what people type before the bot's first poll.
            if state.cursor == nil { state.cursor = "0" }
        case .webhook(let webhook):
            chat = WebhookTransport(configuration: .init(baseURL: webhook.baseURL, token: webhook.token), http: http)
            botUserID = ""
            ready = { options.onConnecting(Redactor.shown(webhook.baseURL)) }
        case .relay(let settings):
            // The relay lives in the state folder: a new state is a new relay, and everything in it is for this bot.
            let relay = relayConfiguration(
                settings, of: configuration, folder: folder.file("relay"), botToken: UUID().uuidString, port: options.port)
            let endpoint = RelayEndpoint(configuration: relay, http: http, logger: logger)
            services.append(RelayService(endpoint: endpoint))
            let baseURL = PortBox()
            ready = {
                let port = try await endpoint.waitUntilListening()
                baseURL.set("http://127.0.0.1:\(port)")
                options.onConnecting("http://\(settings.host):\(port)/ (the relay: Slack posts to /slack/events, Teams to /teams/webhook)")
            }
            chat = LazyWebhookTransport(baseURL: baseURL, token: relay.botToken, http: http)
            botUserID = ""
            if state.cursor == nil { state.cursor = "0" }
        case .matrix(let matrix):
            let client = MatrixTransport(
                configuration: .init(homeserver: matrix.homeserver, credentials: matrix.credentials, invites: matrix.invites),
                http: http, logger: logger)
            chat = client
            // The transport knows its own id (from whoami) and never returns its own messages.
            botUserID = ""
            ready = {
                // A homeserver that is down at start is waited for, like one that goes down later.
                let session = try await waitForChat("Matrix", logger: logger) { try await client.connect() }
                logger.info("connected to Matrix", metadata: ["homeserver": "\(Redactor.shown(matrix.homeserver))", "user": "\(session.userID)"])
                options.onConnecting(Redactor.shown(matrix.homeserver))
            }
        case .telegram(let telegram):
            let client = TelegramTransport(
                configuration: .init(
                    apiBaseURL: telegram.apiBaseURL, token: telegram.token, addressAs: "@" + (configuration.bot.names.first ?? "tandem")),
                http: http, logger: logger)
            chat = client
            // No idempotency key: a reply sent but not yet marked is sent again after a crash. Marks go to disk at
            // once rather than waiting to ride with a batch, which narrows that window to the write itself.
            sentMarkDelay = .zero
            // The transport knows the bot's id (from getMe) and never returns its own messages.
            botUserID = ""
            ready = {
                // Telegram unreachable at start is waited for, like later; a refused token stops the bot.
                let me = try await waitForChat("Telegram", logger: logger) { try await client.connect() }
                logger.info(
                    "connected to Telegram",
                    metadata: ["bot": "@\(me.username ?? "?")", "id": "\(me.id)", "privacyMode": "\(me.canReadAllGroupMessages == true ? "off" : "on")"])
                options.onConnecting(Redactor.shown(telegram.apiBaseURL))
            }
        case .zulip(let zulip):
            var settings = zulip.transportConfiguration(addressName: configuration.bot.names.first ?? "tandem")
            // Zulip takes no idempotency key: the keys it took are recorded, so a restart does not post them again.
            settings.sentLedger = try await FileSentLedger.open(path: folder.file("zulip-sent.log"))
            let client = ZulipTransport(configuration: settings, http: http, logger: logger)
            chat = client
            // The transport knows its own id (from /users/me) and never returns its own messages.
            botUserID = ""
            ready = {
                // A server that is down at start is waited for, like one that goes down later.
                let me = try await waitForChat("Zulip", logger: logger) { try await client.connect() }
                logger.info("connected to Zulip", metadata: ["site": "\(Redactor.shown(zulip.site))", "user": "\(me.fullName) (\(me.userID))"])
                options.onConnecting(Redactor.shown(zulip.site))
            }
        case .mattermost(let mattermost):
            var transportConfiguration = mattermost.transportConfiguration
            // Replies owed now may have gone out before a crash: the transport looks for them before posting.
            transportConfiguration.owedAtStart = Set(state.outbox.map(\.key))
            let client = MattermostTransport(configuration: transportConfiguration, http: http, logger: logger)
            chat = client
            // The transport knows its own id (from users/me) and never returns its own posts.
            botUserID = ""
            ready = {
                // A server that is down at start is waited for, like one that goes down later.
                let me = try await waitForChat("Mattermost", logger: logger) { try await client.connect() }
                logger.info("connected to Mattermost", metadata: ["server": "\(Redactor.shown(mattermost.serverURL))", "user": "\(me.username)"])
                options.onConnecting(Redactor.shown(mattermost.serverURL))
            }
        }
        // Announce-only channels post to their webhooks; everything else goes to the chat.
        let transport: any ChatTransport =
            configuration.announcements.isEmpty
            ? chat : AnnouncingTransport(inner: chat, webhooks: configuration.announcements, http: http)
        let bot = BotService(
            .init(
                transport: transport, store: store, handler: CommandHandler(team: configuration.team),
                addressing: Addressing(names: configuration.bot.names, prefixes: configuration.bot.prefixes),
                botUserID: botUserID, notices: configuration.notices, logger: logger, firstStart: firstStart,
                // Replies that name their message go out side by side within a room: more of them at once.
                sendWidth: transport.repliesNameTheirMessage ? 8 : 4, sentMarkDelay: sentMarkDelay, ready: ready),
            state: state)
        services.append(bot)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Connects to a chat that is down at start the way the bot waits for one that goes down later: with backoff,
    /// logged; a refused credential throws at once.
    static func waitForChat<Session>(
        _ name: String, logger: Logger, _ connect: () async throws -> Session
    ) async throws -> Session {
        var backoff = Backoff()
        while true {
            do {
                return try await connect()
            } catch let error as TransportError where error.isRetryable {
                let delay = backoff.next()
                logger.warning("cannot reach \(name) yet; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// On the very first start, fills the empty state with the configured sample campaigns, as events.
    static func seedIfNew(_ state: StoredState, configuration: Configuration, store: JournalStore, logger: Logger) async throws
        -> StoredState
    {
        guard state == StoredState(), let path = configuration.seedCampaigns else { return state }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: configuration.file, key: "seedCampaigns", problem: "cannot read \(path)")
        }
        let campaigns: [Campaign]
        do {
            campaigns = try JSONDecoder().decode([Campaign].self, from: data)
        } catch {
            throw ConfigurationError(file: path, decoding: error)
        }
        let record = try await store.append(JournalRecord(events: campaigns.map { .campaignCreated($0) }))
        var seeded = state
        seeded.apply(record)
        logger.info("seeded the new state with sample campaigns", metadata: ["count": "\(campaigns.count)", "from": "\(path)"])
        return seeded
    }

    /// The local endpoint a `local` transport config describes: its people (trial tokens unless the config sets real
    /// ones), the bot, the channels and limits.
    public static func endpointConfiguration(_ local: LocalSettings, team: Team) -> LocalEndpointConfiguration {
        func role(_ member: Member) -> String {
            member.roles.map { RoleText.name($0, .en) }.sorted().joined(separator: ", ")
        }
        func trialToken(_ member: Member) -> String { "local-" + member.id }
        var participants = team.members.map {
            LocalParticipant(
                id: $0.id, name: $0.name, token: local.tokens[$0.id] ?? trialToken($0), role: role($0), isBot: false,
                isAdmin: $0.roles.contains(.admin))
        }
        participants.append(LocalParticipant(id: local.botID, name: local.botName, token: local.botToken, role: "bot", isBot: true))
        var endpoint = LocalEndpointConfiguration(
            host: local.host, port: local.port, participants: participants,
            channels: local.channels.map { LocalChannel(id: $0.id, name: $0.name) })
        // Trial tokens are no secret (anyone can derive them), so listing them gives nothing away; real ones are.
        endpoint.offersPicker = team.members.allSatisfy { local.tokens[$0.id] ?? trialToken($0) == trialToken($0) }
        endpoint.retainedMessages = local.retainedMessages
        endpoint.retainedSeconds = local.retainedSeconds
        return endpoint
    }
}
