import Foundation
import TandemCore
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
            file = try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw ConfigurationError(file: path, decoding: error)
        }
        let folder = (path as NSString).deletingLastPathComponent
        var team = try file.team.team(file: path)
        let policies = file.policies ?? PoliciesFile()
        team.serviceLevels = policies.serviceLevels
        team.rejectReasons = policies.rejectReasons
        var configuration = Configuration(
            transport: file.transport, bot: file.bot ?? BotSettings(), team: team,
            seedCampaigns: file.seedCampaigns.map { $0.hasPrefix("/") ? $0 : (folder as NSString).appendingPathComponent($0) },
            notices: policies.notices, store: file.state?.configuration ?? .init(), file: path)
        if case .local(var local) = configuration.transport {
            for member in configuration.team.members where local.tokens[member.id] == nil {
                local.tokens[member.id] = "local-" + member.id
            }
            configuration.transport = .local(local)
        }
        return configuration
    }
}

/// How the bot recognises messages meant for it.
public struct BotSettings: Decodable, Sendable {
    public var names: [String] = ["tandem"]
    public var prefixes: [String] = ["!"]

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable { case names, prefixes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        names = try c.decodeIfPresent([String].self, forKey: .names) ?? names
        prefixes = try c.decodeIfPresent([String].self, forKey: .prefixes) ?? prefixes
    }
}

/// Which chat the bot talks to.
public enum TransportSettings: Sendable {
    /// The embedded local endpoint: for trying Tandem and for tests.
    case local(LocalSettings)
    /// A remote endpoint speaking the webhook chat protocol v1.
    case webhook(WebhookSettings)
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
}

public struct LocalChannelSettings: Decodable, Sendable {
    public var id: String
    public var name: String
}

public struct WebhookSettings: Sendable {
    public var baseURL: String
    /// Read from the environment variable or file named in the config; never from the config itself.
    public var token: String
}

// MARK: - File format

private struct ConfigFile: Decodable {
    var transport: TransportSettings
    var bot: BotSettings?
    var team: TeamFile
    var seedCampaigns: String?
    var policies: PoliciesFile?
    var state: StateSettings?

    private enum CodingKeys: String, CodingKey, CaseIterable { case transport, bot, team, seedCampaigns, policies, state }

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        transport = try c.decode(TransportSettings.self, forKey: .transport)
        bot = try c.decodeIfPresent(BotSettings.self, forKey: .bot)
        team = try c.decode(TeamFile.self, forKey: .team)
        seedCampaigns = try c.decodeIfPresent(String.self, forKey: .seedCampaigns)
        policies = try c.decodeIfPresent(PoliciesFile.self, forKey: .policies)
        state = try c.decodeIfPresent(StateSettings.self, forKey: .state)
    }
}

/// The optional `state` section: compaction thresholds and backups. The defaults suit every team size; a
/// smaller threshold makes snapshots more often, each as costly as the whole state is large.
private struct StateSettings: Decodable {
    var configuration = JournalStore.Configuration()

    private enum CodingKeys: String, CodingKey, CaseIterable { case compactAfterRecords, compactAfterMegabytes, keptSnapshots }

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = try c.decodeIfPresent(Int.self, forKey: key) else { return nil }
            guard range.contains(value) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: c.codingPath + [key], debugDescription: "\(value) is not between \(range.lowerBound) and \(range.upperBound)"))
            }
            return value
        }
        configuration = JournalStore.Configuration(
            compactAfterRecords: try count(.compactAfterRecords, 1...10_000_000) ?? configuration.compactAfterRecords,
            compactAfterBytes: try count(.compactAfterMegabytes, 1...65_536).map { $0 * 1024 * 1024 } ?? configuration.compactAfterBytes,
            keptSnapshots: try count(.keptSnapshots, 1...100) ?? configuration.keptSnapshots)
    }
}

extension TransportSettings: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case type, host, port, bot, botToken, tokens, channels, baseURL, tokenEnv, tokenFile
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "local":
            var local = LocalSettings()
            local.host = try c.decodeIfPresent(String.self, forKey: .host) ?? local.host
            local.port = try c.decodeIfPresent(Int.self, forKey: .port) ?? local.port
            if let bot = try c.decodeIfPresent([String: String].self, forKey: .bot) {
                local.botID = bot["id"] ?? local.botID
                local.botName = bot["name"] ?? local.botName
            }
            local.botToken = try c.decodeIfPresent(String.self, forKey: .botToken) ?? local.botToken
            local.tokens = try c.decodeIfPresent([String: String].self, forKey: .tokens) ?? [:]
            local.channels = try c.decodeIfPresent([LocalChannelSettings].self, forKey: .channels) ?? []
            if local.channels.isEmpty {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: c.codingPath + [CodingKeys.channels], debugDescription: "name at least one channel"))
            }
            self = .local(local)
        case "webhook":
            let baseURL = try c.decode(String.self, forKey: .baseURL)
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: c.codingPath + [CodingKeys.baseURL], debugDescription: "must start with http:// or https://"))
            }
            let token = try Self.secret(c, env: .tokenEnv, file: .tokenFile, defaultEnv: "TANDEM_TOKEN")
            self = .webhook(WebhookSettings(baseURL: baseURL, token: token))
        case let other:
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [CodingKeys.type], debugDescription: "unknown transport '\(other)' (known: local, webhook)"))
        }
    }

    /// A secret comes from an environment variable or a file, never from the config file itself.
    private static func secret(
        _ c: KeyedDecodingContainer<CodingKeys>, env: CodingKeys, file: CodingKeys, defaultEnv: String
    ) throws -> String {
        if let path = try c.decodeIfPresent(String.self, forKey: file) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [file], debugDescription: "cannot read \(path)"))
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let name = try c.decodeIfPresent(String.self, forKey: env) ?? defaultEnv
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [env], debugDescription: "the environment variable \(name) is not set"))
        }
        return value
    }
}

private struct TeamFile: Decodable {
    struct MemberFile: Decodable {
        var id: String
        var name: String
        var roles: [Role]
        var language: Language?
        var timeZone: String?

        private enum CodingKeys: String, CodingKey, CaseIterable { case id, name, roles, language, timeZone }

        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            roles = try c.decodeIfPresent([Role].self, forKey: .roles) ?? []
            language = try c.decodeIfPresent(Language.self, forKey: .language)
            timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        }
    }

    var timeZone: String?
    var salesChannel: String?
    var jointChannel: String?
    var members: [MemberFile]

    private enum CodingKeys: String, CodingKey, CaseIterable { case timeZone, salesChannel, jointChannel, members }

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        salesChannel = try c.decodeIfPresent(String.self, forKey: .salesChannel)
        jointChannel = try c.decodeIfPresent(String.self, forKey: .jointChannel)
        members = try c.decode([MemberFile].self, forKey: .members)
    }

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
            return Member(id: m.id, name: m.name, roles: Set(m.roles), language: m.language ?? .en, timeZone: zone)
        }
        return Team(members: members, timeZone: teamZone, salesChannel: salesChannel, jointChannel: jointChannel)
    }
}
