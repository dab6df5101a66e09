import Foundation
import TandemRuntimeTesting
import TandemTesting
import Testing
import TandemChat
import TandemCore
import TandemLocal
import TandemRuntime
import TandemStore
import TandemRelay

final class ConfigurationTests {
    /// Each test's config files, removed after it.
    let folder = TemporaryFolder("tandem-config")
    deinit { folder.remove() }

    func write(_ json: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let path = folder.file("\(UUID().uuidString).json")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let team = #""team": {"timeZone": "Europe/Berlin", "members": [{"id": "sam", "name": "Sam", "roles": ["sales"]}]}"#

    @Test func theEmbeddedDefaultLoads() throws {
        let configuration = try Configuration.load(from: TandemProcess.packageRoot.appendingPathComponent("Config/local.json").path)
        #expect(configuration.team.members.count == 6)
        #expect(configuration.team.serviceLevels.hotMinutes == 60)
        #expect(configuration.notices.reportWeekday == 1)
        guard case .local(let local) = configuration.transport else { Issue.record("not local"); return }
        #expect(local.tokens["sam"] == "local-sam")
    }

    /// The page lists everyone ("pick who you are") only with the sample's trial tokens, which are no secret; one
    /// real token in the config turns that off. Admins are flagged so the page warns before acting as one.
    @Test func thePickerIsOfferedOnlyWithTrialTokens() throws {
        let configuration = try Configuration.load(from: TandemProcess.packageRoot.appendingPathComponent("Config/local.json").path)
        guard case .local(var local) = configuration.transport else { Issue.record("not local"); return }
        let sample = TandemApp.endpointConfiguration(local, team: configuration.team)
        #expect(sample.offersPicker)
        let admins = sample.participants.filter(\.isAdmin).map(\.id)
        #expect(admins == configuration.team.members.filter { $0.roles.contains(.admin) }.map(\.id) && !admins.isEmpty)
        local.tokens["sam"] = "f6c1b0e2-real-token"
        #expect(!TandemApp.endpointConfiguration(local, team: configuration.team).offersPicker)
    }

    @Test func policiesAreRead() throws {
        let path = try write(#"""
            {"transport": {"type": "local", "channels": [{"id": "c", "name": "#c"}]}, \#(Self.team),
             "policies": {"sla": {"hot": "30m", "warm": "2h", "cool": "1d", "businessHours": {"start": "08:00", "end": "18:00", "days": ["mon", "tue"]}},
                          "rejectReasons": ["no-fit"], "escalateToLeadAfter": "2h", "report": {"day": "friday", "time": "16:30"}, "graceMinutes": 5}}
            """#)
        let configuration = try Configuration.load(from: path)
        #expect(configuration.team.serviceLevels == ServiceLevels(
            hotMinutes: 30, warmMinutes: 120, coolMinutes: 1440, businessHours: .init(startHour: 8, endHour: 18, weekdays: [1, 2])))
        #expect(configuration.team.rejectReasons == ["no-fit"])
        #expect(configuration.notices == NoticeSettings(reportWeekday: 5, reportTime: TimeOfDay(hour: 16, minute: 30), graceMinutes: 5, escalateToLeadAfterMinutes: 120))
    }

    @Test func theLocalEndpointsRetentionIsRead() throws {
        let path = try write(#"""
            {"transport": {"type": "local", "channels": [{"id": "c", "name": "#c"}], "retainedMessages": 500, "retainedSeconds": 3600},
             \#(Self.team)}
            """#)
        guard case .local(let local) = try Configuration.load(from: path).transport else { Issue.record("not local"); return }
        #expect(local.retainedMessages == 500)
        #expect(local.retainedSeconds == 3600)
        let shipped = try Configuration.load(from: TandemProcess.packageRoot.appendingPathComponent("Config/local.json").path)
        guard case .local(let defaults) = shipped.transport else { Issue.record("not local"); return }
        #expect(defaults.retainedMessages == 10_000)
        #expect(defaults.retainedSeconds == 86_400)
    }

    @Test func theStateSectionSetsCompaction() throws {
        let path = try write(#"""
            {"transport": {"type": "local", "channels": [{"id": "c", "name": "#c"}]}, \#(Self.team),
             "state": {"compactAfterRecords": 500, "compactAfterMegabytes": 8, "keptSnapshots": 5}}
            """#)
        let store = try Configuration.load(from: path).store
        #expect(store.compactAfterRecords == 500)
        #expect(store.compactAfterBytes == 8 * 1024 * 1024)
        #expect(store.keptSnapshots == 5)
        let defaults = try Configuration.load(from: TandemProcess.packageRoot.appendingPathComponent("Config/local.json").path).store
        #expect(defaults.compactAfterRecords == 10_000)
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        let json: String
        let key: String
        let says: String
        var testDescription: String { key }
    }

    @Test(arguments: [
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": [{"id": "a", "name": "A", "rolez": []}]}}"#,
               key: "team.members[0].rolez", says: "unknown key"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"timeZone": "Mars/Olympus", "members": []}}"#,
               key: "team.timeZone", says: "not an IANA time zone"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": [{"id": "a", "name": "A", "roles": ["boss"]}]}}"#,
               key: "team.members[0].roles[0]", says: "boss"),
        Broken(json: #"{"transport": {"type": "pigeon"}, "team": {"members": []}}"#, key: "transport.type", says: "unknown transport"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "policies": {"sla": {"hot": "soon"}}}"#,
               key: "policies.sla.hot", says: "not a duration"),
        Broken(json: #"{"transport": {"type": "webhook", "baseURL": "http://127.0.0.1:1", "tokenEnv": "TANDEM_TEST_UNSET_TOKEN"}, "team": {"members": []}}"#,
               key: "transport.tokenEnv", says: "TANDEM_TEST_UNSET_TOKEN is not set"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}}"#, key: "team", says: "is missing"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "state": {"compactAfterRecords": 0}}"#,
               key: "state.compactAfterRecords", says: "0 is not between 1 and"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "state": {"snapshots": 3}}"#,
               key: "state.snapshots", says: "unknown key"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}], "retainedSeconds": 0}, "team": {"members": []}}"#,
               key: "transport.retainedSeconds", says: "must be positive"),
    ])
    func aBrokenConfigNamesTheFileAndTheKey(_ broken: Broken) throws {
        let path = try write(broken.json)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.file == path)
        #expect(error.key == broken.key)
        #expect(error.description.contains(broken.says), "\(error)")
    }

    /// A config with every section, each with a place (`<root>`, `<transport>`, …) where a test may put a key.
    static let everySection = #"""
        {"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]<transport>},
         "bot": {"names": ["tandem"]<bot>},
         "team": {"members": [{"id": "a", "name": "A"<team.members[0]>}]<team>},
         "policies": {"sla": {"hot": "1h", "businessHours": {"start": "09:00"<policies.sla.businessHours>}<policies.sla>},
                      "report": {"day": "mon"<policies.report>}<policies>},
         "state": {"keptSnapshots": 3<state>}<root>}
        """#

    static let sections = [
        "root", "transport", "bot", "team", "team.members[0]", "policies", "policies.sla", "policies.sla.businessHours",
        "policies.report", "state",
    ]

    /// Every section of the file rejects a key it does not know, and the error names the file and the key.
    @Test(arguments: sections)
    func anUnknownKeyInAnySectionIsNamed(_ section: String) throws {
        var json = Self.everySection
        for other in Self.sections { json = json.replacingOccurrences(of: "<\(other)>", with: other == section ? #", "colour": 1"# : "") }
        let path = try write(json)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.file == path)
        #expect(error.key == (section == "root" ? "colour" : section + ".colour"))
        #expect(error.description.contains("unknown key"), "\(error)")
    }

    @Test func theConfigWithEverySectionLoads() throws {
        var json = Self.everySection
        for section in Self.sections { json = json.replacingOccurrences(of: "<\(section)>", with: "") }
        #expect(try Configuration.load(from: try write(json)).team.members.count == 1)
    }

    /// Every config file shipped in Config/ and Deploy/ (JSON objects; the campaign seed files are lists) loads.
    static let shippedConfigFiles = ["Config", "Deploy"].flatMap { folder in
        let url = TandemProcess.packageRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }.filter { file in
            let data = FileManager.default.contents(atPath: TandemProcess.packageRoot.appendingPathComponent(file).path)
            return data.flatMap { try? JSONSerialization.jsonObject(with: $0) } is [String: Any]
        }
    }

    @Test func aConfigFileIsShipped() {
        #expect(Self.shippedConfigFiles.contains("Config/local.json"))
    }

    @Test(arguments: shippedConfigFiles)
    func aShippedConfigFileLoads(_ file: String) throws {
        let path = TandemProcess.packageRoot.appendingPathComponent(file).path
        do {
            let configuration = try Configuration.load(from: path)
            #expect(!configuration.team.members.isEmpty)
        } catch let error as ConfigurationError where error.key?.hasSuffix("Env") == true {
            // An example for a real chat reads its secrets from the environment, which tests do not set: every
            // other key of it was checked before the secrets.
            #expect(error.description.contains("is not set"))
        }
    }

    /// The local transport's channels and bot identity reject unknown keys like every other section.
    @Test(arguments: [
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c", "topic": "x"}]}, "team": {"members": []}}"#,
               key: "transport.channels[0].topic", says: "unknown key (known keys: id, name)"),
        Broken(json: #"{"transport": {"type": "local", "bot": {"id": "b", "nick": "B"}, "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}}"#,
               key: "transport.bot.nick", says: "unknown key (known keys: id, name)"),
    ])
    func theLocalChannelsAndBotRejectUnknownKeys(_ broken: Broken) throws {
        try aBrokenConfigNamesTheFileAndTheKey(broken)
    }

    @Test(arguments: [
        Broken(json: #"{"transport": {"type": "local", "port": "80", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}}"#,
               key: "transport.port", says: "expected a number"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": null}"#,
               key: "team", says: "expected an object, found null"),
        Broken(json: #"{"transport": {"type": "local", "channels": {}}, "team": {"members": []}}"#,
               key: "transport.channels", says: "expected a list"),
        Broken(json: #"{"transport": {"type": "local", "channels": []}, "team": {"members": []}}"#,
               key: "transport.channels", says: "name at least one channel"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": [{"id": "a"}]}}"#,
               key: "team.members[0].name", says: "is missing"),
        Broken(json: #"{"transport": {"type": "webhook", "tokenEnv": "PATH"}, "team": {"members": []}}"#,
               key: "transport.baseURL", says: "is missing"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "policies": {"sla": {"businessHours": {"days": ["mon", "someday"]}}}}"#,
               key: "policies.sla.businessHours.days", says: "'someday' is not a weekday"),
        Broken(json: #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "policies": {"report": {"time": "9 am"}}}"#,
               key: "policies.report.time", says: "'9 am' is not a time like 09:00"),
    ])
    func aWrongValueNamesTheKey(_ broken: Broken) throws {
        try aBrokenConfigNamesTheFileAndTheKey(broken)
    }

    /// A token written into the config file is an unknown key, and the error does not repeat it.
    @Test func aTokenInTheConfigFileIsRefusedAndNotShown() throws {
        let secret = "s3cret-\(UUID().uuidString)"
        let path = try write(#"{"transport": {"type": "webhook", "baseURL": "https://x", "token": "\#(secret)"}, \#(Self.team)}"#)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.key == "transport.token")
        #expect(!error.description.contains(secret))
    }

    @Test func aTokenFromAFileIsUsedButNeverShown() throws {
        let secret = "s3cret-\(UUID().uuidString)"
        let tokenPath = try write(secret + "\n")
        let path = try write(#"{"transport": {"type": "webhook", "baseURL": "ftp://x", "tokenFile": "\#(tokenPath)"}, \#(Self.team)}"#)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(!error.description.contains(secret))
        let good = try write(#"{"transport": {"type": "webhook", "baseURL": "https://chat.example.com/tandem", "tokenFile": "\#(tokenPath)"}, \#(Self.team)}"#)
        guard case .webhook(let webhook) = try Configuration.load(from: good).transport else { Issue.record("not webhook"); return }
        #expect(webhook.token == secret)
    }
    /// A Matrix config, with the token from the environment variable PATH (set in every test run).
    static func matrix(_ transport: String = "", team: String = #""members": [{"id": "@sam:example.org", "name": "Sam"}]"#) -> String {
        #"{"transport": {"type": "matrix", "homeserver": "https://matrix.example.org", "tokenEnv": "PATH"\#(transport)}, "team": {\#(team)}}"#
    }

    @Test(arguments: [
        Broken(json: #"{"transport": {"type": "matrix", "tokenEnv": "PATH"}, "team": {"members": []}}"#,
               key: "transport.homeserver", says: "is missing"),
        Broken(json: matrix(team: #""members": [{"id": "sam", "name": "Sam"}]"#),
               key: "team.members[0].id", says: "'sam' is not a Matrix user id"),
        Broken(json: matrix(team: #""salesChannel": "sales", "members": []"#),
               key: "team.salesChannel", says: "'sales' is not a Matrix room id"),
        Broken(json: matrix(#", "allowInvitesFrom": ["@bad"]"#),
               key: "transport.allowInvitesFrom[0]", says: "'@bad' is not a user id"),
        Broken(json: matrix(#", "user": "tandem""#),
               key: "transport.user", says: "not both"),
        Broken(json: #"{"transport": {"type": "matrix", "homeserver": "https://m.example.org", "user": "tandem", "passwordEnv": "TANDEM_TEST_UNSET_PASSWORD"}, "team": {"members": []}}"#,
               key: "transport.passwordEnv", says: "TANDEM_TEST_UNSET_PASSWORD is not set"),
        Broken(json: #"{"transport": {"type": "matrix", "homeserver": "https://m.example.org", "passwordEnv": "PATH"}, "team": {"members": []}}"#,
               key: "transport.user", says: "a password needs the user"),
        Broken(json: matrix(#", "deviceId": "X""#), key: "transport.deviceId", says: "unknown key"),
    ])
    func aBrokenMatrixConfigNamesTheKey(_ broken: Broken) throws {
        try aBrokenConfigNamesTheFileAndTheKey(broken)
    }

    @Test func aMatrixConfigReadsItsCredentialsAndAllowlist() throws {
        let path = try write(Self.matrix(#", "allowInvitesFrom": ["@mia:example.org", "!abc", "example.org"]"#))
        guard case .matrix(let matrix) = try Configuration.load(from: path).transport else { Issue.record("not matrix"); return }
        #expect(matrix.homeserver == "https://matrix.example.org")
        guard case .accessToken(let token) = matrix.credentials else { Issue.record("not a token"); return }
        #expect(token == ProcessInfo.processInfo.environment["PATH"])
        #expect(matrix.invites == MatrixInvitePolicy(users: ["@mia:example.org"], rooms: ["!abc"], servers: ["example.org"]))

        let password = try write(#"{"transport": {"type": "matrix", "homeserver": "https://m.example.org", "user": "tandem", "passwordEnv": "PATH"}, "team": {"members": []}}"#)
        guard case .matrix(let login) = try Configuration.load(from: password).transport,
            case .password(let user, _, let device) = login.credentials
        else { Issue.record("not a password login"); return }
        #expect(user == "tandem" && device == MatrixSettings.defaultDeviceID)
    }
    @Test(arguments: [
        Broken(json: #"{"transport": {"type": "relay"}, "team": {"members": []}}"#,
               key: "transport.slack", says: "needs a chat to relay"),
        Broken(json: #"{"transport": {"type": "relay", "slack": {"signingSecretEnv": "TANDEM_TEST_UNSET_SECRET", "botTokenEnv": "PATH"}}, "team": {"members": []}}"#,
               key: "transport.slack.signingSecretEnv", says: "TANDEM_TEST_UNSET_SECRET is not set"),
        Broken(json: #"{"transport": {"type": "relay", "slack": {"signingSecretEnv": "PATH", "botTokenEnv": "PATH", "apiBaseURL": "slack.com"}}, "team": {"members": []}}"#,
               key: "transport.slack.apiBaseURL", says: "must start with http"),
        Broken(json: #"{"transport": {"type": "relay", "slack": {"signingSecretEnv": "PATH", "botTokenEnv": "PATH"}}, "team": {"members": [{"id": "sam", "name": "Sam"}]}}"#,
               key: "team.members[0].id", says: "'sam' is not a Slack user id"),
        Broken(json: #"{"transport": {"type": "relay", "slack": {"signingSecretEnv": "PATH", "botTokenEnv": "PATH"}}, "team": {"salesChannel": "sales", "members": []}}"#,
               key: "team.salesChannel", says: "not a Slack channel id"),
        Broken(json: #"{"transport": {"type": "relay", "slack": {"signingSecretEnv": "PATH", "botTokenEnv": "PATH", "signingSecret": "x"}}, "team": {"members": []}}"#,
               key: "transport.slack.signingSecret", says: "unknown key"),
        Broken(json: #"{"transport": {"type": "relay", "teams": {"securityTokenEnv": "HOME", "replyWaitSeconds": 4}}, "team": {"members": []}}"#,
               key: "transport.teams.securityTokenEnv", says: "not base64"),
    ])
    func aBrokenRelayConfigNamesTheKey(_ broken: Broken) throws {
        try aBrokenConfigNamesTheFileAndTheKey(broken)
    }

    @Test func aRelayConfigReadsItsSecretsFromFiles() throws {
        let secret = "s3cret-\(UUID().uuidString)"
        let secretPath = try write(secret + "\n")
        let tokenPath = try write("xoxb-1-2-3\n")
        let path = try write(
            #"{"transport": {"type": "relay", "port": 9000, "slack": {"signingSecretFile": "\#(secretPath)", "botTokenFile": "\#(tokenPath)", "appID": "A1"}}, "team": {"members": [{"id": "U012AB3CD", "name": "Sam"}]}}"#)
        guard case .relay(let relay) = try Configuration.load(from: path).transport else { Issue.record("not a relay"); return }
        #expect(relay.port == 9000 && relay.host == "127.0.0.1")
        #expect(relay.slack?.signingSecret == secret && relay.slack?.botToken == "xoxb-1-2-3" && relay.slack?.appID == "A1")
        #expect(relay.slack?.apiBaseURL == "https://slack.com/api")
        #expect(relay.teams == nil)
    }
}
