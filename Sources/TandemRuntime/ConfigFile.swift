import Foundation
import TandemChat
import TandemCore
import TandemRelay
import TandemStore

/// The config file as written: each stored property of these structs is one key of the file, optional where the
/// key may be missing. `StrictJSONDecoder` rejects every other key; `configuration(path:)` then fills in the
/// defaults and checks the values, naming the key at fault.
struct ConfigFile: Decodable {
    var transport: TransportFile
    var bot: BotFile?
    var team: TeamFile
    var seedCampaigns: String?
    var policies: PoliciesFile?
    var state: StateFile?
    var announcements: [AnnouncementFile]?

    /// The runtime configuration of a file read from `path`.
    /// - Throws: `ConfigurationError` naming `path` and the key at fault.
    func configuration(path: String) throws -> Configuration {
        let policies = self.policies ?? PoliciesFile()
        var team = try self.team.team(file: path)
        // A channel announced to a webhook is not the chat's: its id need not look like one.
        let announced = Set((announcements ?? []).map(\.channel))
        if self.transport.type == "matrix" { try Self.checkMatrixIDs(team, file: path, announced: announced) }
        if self.transport.type == "telegram" { try Self.checkTelegramIDs(team, file: path, announced: announced) }
        if self.transport.type == "mattermost" { try Self.checkMattermostIDs(team, file: path, announced: announced) }
        if self.transport.type == "relay" && self.transport.slack != nil && self.transport.teams == nil {
            try Self.checkSlackIDs(team, file: path, announced: announced)
        }
        if self.transport.type == "zulip" { try Self.checkZulipIDs(team, file: path, announced: announced) }
        team.serviceLevels = try policies.serviceLevels(file: path)
        team.rejectReasons = try policies.rejectReasons(file: path)
        let notices = try policies.notices(file: path)
        let store = try (state ?? StateFile()).configuration(file: path)
        // Secrets last: a config whose only problem is a missing token has had everything else checked.
        var transport = try self.transport.settings(file: path)
        let webhooks = try AnnouncementFile.webhooks(announcements ?? [], file: path)
        if case .local(var local) = transport {
            for member in team.members where local.tokens[member.id] == nil {
                local.tokens[member.id] = "local-" + member.id
            }
            transport = .local(local)
        }
        var bot = BotSettings()
        bot.names = self.bot?.names ?? bot.names
        bot.prefixes = self.bot?.prefixes ?? bot.prefixes
        let folder = (path as NSString).deletingLastPathComponent
        return Configuration(
            transport: transport, bot: bot, team: team,
            seedCampaigns: seedCampaigns.map { $0.hasPrefix("/") ? $0 : (folder as NSString).appendingPathComponent($0) },
            notices: notices, store: store, file: path, announcements: webhooks)
    }
}

extension ConfigFile {
    /// On Matrix, members are user ids (`@sam:example.org`) and the team's channels are room ids (`!…`): a
    /// local id like `sam` would never match a sender, and a reminder to `sales` would never arrive.
    static func checkMatrixIDs(_ team: Team, file: String, announced: Set<String>) throws {
        for (i, member) in team.members.enumerated() where !MatrixID.isUserID(member.id) {
            throw ConfigurationError(
                file: file, key: "team.members[\(i)].id", problem: "'\(member.id)' is not a Matrix user id (e.g. @sam:example.org)")
        }
        for (key, room) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let room, !room.hasPrefix("!"), !announced.contains(room) {
                throw ConfigurationError(
                    file: file, key: key, problem: "'\(room)' is not a Matrix room id (it starts with !; Element shows it in Settings → Advanced)")
            }
        }
    }
}

extension ConfigFile {
    /// Through the Slack relay, members are Slack user ids (`U012AB3CD`) and the team's channels Slack channel
    /// ids (`C…`, `G…`): names would never match a sender, and Slack posts only by id.
    static func checkSlackIDs(_ team: Team, file: String, announced: Set<String>) throws {
        func isID(_ id: String, _ starts: String) -> Bool {
            guard let first = id.first, starts.contains(first), id.count >= 2 else { return false }
            return id.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
        }
        for (i, member) in team.members.enumerated() where !isID(member.id, "UW") {
            throw ConfigurationError(
                file: file, key: "team.members[\(i)].id",
                problem: "'\(member.id)' is not a Slack user id (e.g. U012AB3CD: the member's profile → ⋮ → Copy member ID)")
        }
        for (key, channel) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let channel, !isID(channel, "CGD"), !announced.contains(channel) {
                throw ConfigurationError(
                    file: file, key: key, problem: "'\(channel)' is not a Slack channel id (e.g. C0123ABCD: the channel's details, at the bottom)")
            }
        }
    }
}

/// The optional `bot` section.
struct BotFile: Decodable {
    var names: [String]?
    var prefixes: [String]?
}

/// The `transport` section: the keys of both transports; which ones apply depends on `type`.
struct TransportFile: Decodable {
    /// The bot's participant on the local endpoint.
    struct BotIdentity: Decodable {
        var id: String?
        var name: String?
    }

    var type: String
    // local
    var host: String?
    var port: Int?
    var bot: BotIdentity?
    var botToken: String?
    var tokens: [String: String]?
    var channels: [LocalChannelSettings]?
    var retainedMessages: Int?
    var retainedSeconds: Int?
    // webhook
    var baseURL: String?
    var tokenEnv: String?
    var tokenFile: String?
    // matrix (and tokenEnv, tokenFile)
    var homeserver: String?
    var user: String?
    var passwordEnv: String?
    var passwordFile: String?
    var deviceID: String?
    var allowInvitesFrom: [String]?
    // telegram (and tokenEnv, tokenFile)
    var apiBaseURL: String?
    // mattermost (and tokenEnv, tokenFile)
    var serverURL: String?
    var pollIntervalMilliseconds: Int?
    // relay (and host, port)
    var slack: SlackFile?
    var teams: TeamsFile?
    // zulip (and tokenEnv, tokenFile for the API key)
    var site: String?
    var email: String?
    var defaultTopic: String?

    /// The relay's `teams` section: the outgoing webhook's token, and the channel's Workflows webhook.
    struct TeamsFile: Decodable {
        var securityTokenEnv: String?
        var securityTokenFile: String?
        var workflowURLEnv: String?
        var workflowURLFile: String?
        var replyWaitSeconds: Double?
    }

    /// The relay's `slack` section: where its secrets come from, and which app it serves.
    struct SlackFile: Decodable {
        var signingSecretEnv: String?
        var signingSecretFile: String?
        var botTokenEnv: String?
        var botTokenFile: String?
        var apiBaseURL: String?
        var appID: String?
    }

    func settings(file: String) throws -> TransportSettings {
        switch type {
        case "local":
            var local = LocalSettings()
            local.host = host ?? local.host
            local.port = port ?? local.port
            local.botID = bot?.id ?? local.botID
            local.botName = bot?.name ?? local.botName
            local.botToken = botToken ?? local.botToken
            local.tokens = tokens ?? [:]
            local.channels = channels ?? []
            local.retainedMessages = retainedMessages ?? local.retainedMessages
            local.retainedSeconds = retainedSeconds ?? local.retainedSeconds
            for (key, value) in [("retainedMessages", local.retainedMessages), ("retainedSeconds", local.retainedSeconds)]
            where value <= 0 {
                throw ConfigurationError(file: file, key: "transport.\(key)", problem: "must be positive")
            }
            if local.channels.isEmpty {
                throw ConfigurationError(file: file, key: "transport.channels", problem: "name at least one channel")
            }
            return .local(local)
        case "webhook":
            guard let baseURL else { throw ConfigurationError(file: file, key: "transport.baseURL", problem: "is missing") }
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw ConfigurationError(file: file, key: "transport.baseURL", problem: "must start with http:// or https://")
            }
            return .webhook(WebhookSettings(baseURL: baseURL, token: try token(file: file)))
        case "matrix":
            return .matrix(try matrix(file: file))
        case "relay":
            return .relay(try relay(file: file))
        case "telegram":
            return .telegram(try telegram(file: file))
        case "zulip":
            return .zulip(try zulip(file: file))
        case "mattermost":
            return .mattermost(try mattermost(file: file))
        case let other:
            throw ConfigurationError(
                file: file, key: "transport.type",
                problem: "unknown transport '\(other)' (known: local, webhook, matrix, relay, telegram, zulip, mattermost)")
        }
    }

    private func relay(file: String) throws -> RelaySettings {
        guard slack != nil || teams != nil else {
            throw ConfigurationError(file: file, key: "transport.slack", problem: "is missing: the relay needs a chat to relay (slack, teams)")
        }
        var settings = RelaySettings()
        settings.host = host ?? settings.host
        settings.port = port ?? settings.port
        let me = self
        settings.botToken = { try me.token(file: file) }
        if let teams {
            let token = try secret(
                file: file, fileKey: "teams.securityTokenFile", path: teams.securityTokenFile, envKey: "teams.securityTokenEnv",
                env: teams.securityTokenEnv ?? "TEAMS_SECURITY_TOKEN")
            guard Data(base64Encoded: token) != nil else {
                throw ConfigurationError(
                    file: file, key: teams.securityTokenFile != nil ? "transport.teams.securityTokenFile" : "transport.teams.securityTokenEnv",
                    problem: "the security token is not base64: copy it again from Teams (it is shown once, when the webhook is created)")
            }
            var workflowURL: String?
            if teams.workflowURLEnv != nil || teams.workflowURLFile != nil {
                workflowURL = try secret(
                    file: file, fileKey: "teams.workflowURLFile", path: teams.workflowURLFile, envKey: "teams.workflowURLEnv",
                    env: teams.workflowURLEnv ?? "")
            }
            var relay = RelayConfiguration.Teams(securityToken: token, workflowURL: workflowURL)
            if let wait = teams.replyWaitSeconds {
                guard wait > 0 && wait <= 9 else {
                    throw ConfigurationError(file: file, key: "transport.teams.replyWaitSeconds", problem: "must be between 0 and 9 (Teams waits 5 to 10 s)")
                }
                relay.replyWait = .milliseconds(Int(wait * 1000))
            }
            settings.teams = relay
        }
        guard let slack else { return settings }
        let apiBaseURL = slack.apiBaseURL ?? "https://slack.com/api"
        guard apiBaseURL.hasPrefix("http://") || apiBaseURL.hasPrefix("https://") else {
            throw ConfigurationError(file: file, key: "transport.slack.apiBaseURL", problem: "must start with http:// or https://")
        }
        var relay = RelayConfiguration.Slack(
            signingSecret: try secret(
                file: file, fileKey: "slack.signingSecretFile", path: slack.signingSecretFile, envKey: "slack.signingSecretEnv",
                env: slack.signingSecretEnv ?? "SLACK_SIGNING_SECRET"),
            botToken: try secret(
                file: file, fileKey: "slack.botTokenFile", path: slack.botTokenFile, envKey: "slack.botTokenEnv",
                env: slack.botTokenEnv ?? "SLACK_BOT_TOKEN"))
        relay.apiBaseURL = apiBaseURL.hasSuffix("/") ? String(apiBaseURL.dropLast()) : apiBaseURL
        relay.appID = slack.appID
        settings.slack = relay
        return settings
    }

    private func matrix(file: String) throws -> MatrixSettings {
        guard let homeserver else { throw ConfigurationError(file: file, key: "transport.homeserver", problem: "is missing") }
        guard homeserver.hasPrefix("http://") || homeserver.hasPrefix("https://") else {
            throw ConfigurationError(file: file, key: "transport.homeserver", problem: "must start with http:// or https://")
        }
        for (i, entry) in (allowInvitesFrom ?? []).enumerated() {
            let valid = entry.hasPrefix("@") ? MatrixID.isUserID(entry) : entry.hasPrefix("!") ? entry.count > 1 : !entry.isEmpty && !entry.contains(where: \.isWhitespace)
            if !valid {
                throw ConfigurationError(
                    file: file, key: "transport.allowInvitesFrom[\(i)]",
                    problem: "'\(entry)' is not a user id (@name:server), a room id (!id) or a server name (example.org)")
            }
        }
        let credentials: MatrixTransport.Credentials
        if let user {
            if tokenEnv != nil || tokenFile != nil {
                throw ConfigurationError(
                    file: file, key: "transport.user", problem: "give either user and password or an access token (tokenEnv/tokenFile), not both")
            }
            let password = try secret(file: file, fileKey: "passwordFile", path: passwordFile, envKey: "passwordEnv", env: passwordEnv ?? "TANDEM_PASSWORD")
            credentials = .password(user: user, password: password, deviceID: deviceID ?? MatrixSettings.defaultDeviceID)
        } else {
            if passwordEnv != nil || passwordFile != nil {
                throw ConfigurationError(file: file, key: "transport.user", problem: "is missing: a password needs the user it belongs to")
            }
            credentials = .accessToken(try token(file: file))
        }
        return MatrixSettings(homeserver: homeserver, credentials: credentials, invites: MatrixInvitePolicy(entries: allowInvitesFrom ?? []))
    }

    /// The bot's token comes from a file or an environment variable, never from the config file itself, and is
    /// never part of an error.
    private func token(file: String) throws -> String {
        try secret(file: file, fileKey: "tokenFile", path: tokenFile, envKey: "tokenEnv", env: tokenEnv ?? "TANDEM_TOKEN")
    }

    private func secret(file: String, fileKey: String, path: String?, envKey: String, env: String) throws -> String {
        try ConfigSecret.read(file: file, fileKey: "transport." + fileKey, path: path, envKey: "transport." + envKey, env: env)
    }
}

/// Secrets (tokens, webhook URLs) come from a file or an environment variable, never from the config file itself.
enum ConfigSecret {
    /// The secret in the file at `path` if given, else in the environment variable `env`; errors name the key
    /// (`fileKey` or `envKey`, whole) and the file or variable, never the value.
    static func read(file: String, fileKey: String, path: String?, envKey: String, env: String) throws -> String {
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(file: file, key: fileKey, problem: "cannot read \(path)")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw ConfigurationError(file: file, key: fileKey, problem: "\(path) is empty")
            }
            return value
        }
        guard let value = ProcessInfo.processInfo.environment[env], !value.isEmpty else {
            throw ConfigurationError(file: file, key: envKey, problem: "the environment variable \(env) is not set")
        }
        return value
    }
}

/// The `team` section.
struct TeamFile: Decodable {
    /// One entry of `team.members`.
    struct MemberFile: Decodable {
        var id: String
        var name: String
        var roles: [Role]?
        var language: Language?
        var timeZone: String?
    }

    var timeZone: String?
    var salesChannel: String?
    var jointChannel: String?
    var members: [MemberFile]

    func team(file: String) throws -> Team {
        let teamZone = timeZone ?? "UTC"
        func checkZone(_ zone: String, key: String) throws {
            if TimeZone(identifier: zone) == nil {
                throw ConfigurationError(file: file, key: key, problem: "'\(zone)' is not an IANA time zone (e.g. Europe/Berlin)")
            }
        }
        try checkZone(teamZone, key: "team.timeZone")
        var seen = Set<String>()
        let members = try self.members.enumerated().map { i, m in
            guard seen.insert(m.id).inserted else {
                throw ConfigurationError(file: file, key: "team.members[\(i)].id", problem: "'\(m.id)' appears twice")
            }
            let zone = m.timeZone ?? teamZone
            try checkZone(zone, key: "team.members[\(i)].timeZone")
            return Member(id: m.id, name: m.name, roles: Set(m.roles ?? []), language: m.language ?? .en, timeZone: zone)
        }
        return Team(members: members, timeZone: teamZone, salesChannel: salesChannel, jointChannel: jointChannel)
    }
}

/// The optional `state` section: compaction thresholds and backups. The defaults suit every team size; a
/// smaller threshold makes snapshots more often, each as costly as the whole state is large.
struct StateFile: Decodable {
    var compactAfterRecords: Int?
    var compactAfterMegabytes: Int?
    var keptSnapshots: Int?

    func configuration(file: String) throws -> JournalStore.Configuration {
        func count(_ value: Int?, _ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value, !range.contains(value) else { return value }
            throw ConfigurationError(
                file: file, key: "state." + key, problem: "\(value) is not between \(range.lowerBound) and \(range.upperBound)")
        }
        let defaults = JournalStore.Configuration()
        return JournalStore.Configuration(
            compactAfterRecords: try count(compactAfterRecords, "compactAfterRecords", 1...10_000_000) ?? defaults.compactAfterRecords,
            compactAfterBytes: try count(compactAfterMegabytes, "compactAfterMegabytes", 1...65_536).map { $0 * 1024 * 1024 }
                ?? defaults.compactAfterBytes,
            keptSnapshots: try count(keptSnapshots, "keptSnapshots", 1...100) ?? defaults.keptSnapshots)
    }
}
