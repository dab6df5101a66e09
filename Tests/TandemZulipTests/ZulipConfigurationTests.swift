import Foundation
import TandemCore
@testable import TandemRuntime
import TandemTesting
import Testing

/// `transport.type: "zulip"`: what a config must say, and the problems it names (file, key, what to do).
@Suite(.serialized) struct ZulipConfigurationTests {
    static let keyVariable = "TANDEM_ZULIP_CONFIG_TEST_KEY"

    /// `Config/zulip.json` with `change` applied, written to a temp file and loaded.
    static func load(_ change: (inout [String: Any]) -> Void) throws -> Configuration {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Config/zulip.json"))) as! [String: Any]
        var transport = config["transport"] as! [String: Any]
        transport["tokenFile"] = nil
        transport["tokenEnv"] = keyVariable
        config["transport"] = transport
        config["seedCampaigns"] = nil
        change(&config)
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let path = folder.path + "/zulip.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        setenv(keyVariable, "key-from-env", 1)
        return try Configuration.load(from: path)
    }

    @Test func theExampleConfigReadsTheKeyFromTheEnvironment() throws {
        let configuration = try Self.load { _ in }
        guard case .zulip(let zulip) = configuration.transport else { Issue.record("not zulip"); return }
        #expect(zulip.site == "https://acme.zulipchat.com" && zulip.email == "tandem-bot@acme.zulipchat.com")
        #expect(zulip.apiKey == "key-from-env" && zulip.defaultTopic == "Tandem")
        #expect(try ConfigCheck.summary(configuration).contains("transport: Zulip at https://acme.zulipchat.com as tandem-bot@acme.zulipchat.com, API key read"))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var problem: String
        var change: @Sendable (inout [String: Any]) -> Void
        var testDescription: String { name }
    }

    static func transport(_ key: String, _ value: String?) -> @Sendable (inout [String: Any]) -> Void {
        { config in
            var transport = config["transport"] as! [String: Any]
            transport[key] = value
            config["transport"] = transport
        }
    }

    static func team(_ edit: @escaping @Sendable (inout [String: Any]) -> Void) -> @Sendable (inout [String: Any]) -> Void {
        { config in
            var team = config["team"] as! [String: Any]
            edit(&team)
            config["team"] = team
        }
    }

    static let bad: [Bad] = [
        Bad(name: "no site", key: "transport.site", problem: "is missing", change: transport("site", nil)),
        Bad(name: "a site without scheme", key: "transport.site", problem: "http:// or https://", change: transport("site", "acme.zulipchat.com")),
        Bad(name: "no email", key: "transport.email", problem: "Settings → Personal → Bots", change: transport("email", nil)),
        Bad(name: "a topic too long", key: "transport.defaultTopic", problem: "1 to 60 characters", change: transport("defaultTopic", String(repeating: "t", count: 61))),
        Bad(name: "no key in the environment", key: "transport.tokenEnv", problem: "TANDEM_ZULIP_UNSET_VARIABLE", change: transport("tokenEnv", "TANDEM_ZULIP_UNSET_VARIABLE")),
        Bad(
            name: "a member by email", key: "team.members[0].id", problem: "is not a Zulip user id",
            change: team { team in
                var members = team["members"] as! [[String: Any]]
                members[0]["id"] = "mia@example.org"
                team["members"] = members
            }),
        Bad(name: "a channel by name", key: "team.salesChannel", problem: "is not a Zulip channel id", change: team { $0["salesChannel"] = "sales" }),
    ]

    @Test(arguments: bad) func problemsNameTheKey(_ bad: Bad) throws {
        let error = #expect(throws: ConfigurationError.self) { try Self.load(bad.change) }
        #expect(error?.key == bad.key, "\(String(describing: error))")
        #expect(error?.problem.contains(bad.problem) == true, "\(String(describing: error))")
        #expect(error?.description.contains("key-from-env") == false)
    }

    @Test func aChannelAnnouncedToAWebhookNeedNotBeAZulipID() throws {
        setenv("TANDEM_ZULIP_TEST_HOOK", "https://hooks.slack.com/services/T/B/x", 1)
        let configuration = try Self.load { config in
            Self.team { $0["salesChannel"] = "sales-hook" }(&config)
            config["announcements"] = [["channel": "sales-hook", "kind": "slack", "urlEnv": "TANDEM_ZULIP_TEST_HOOK"]]
        }
        #expect(configuration.team.salesChannel == "sales-hook")
    }
}

/// The ledger of posted keys: durable across a reopen, a torn last line dropped, trimmed when it grows.
struct FileSentLedgerTests {
    @Test func keysSurviveAReopenATornLineIsDroppedAndTheFileIsTrimmed() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let path = folder.path + "/zulip-sent.log"
        let ledger = try await FileSentLedger.open(path: path, kept: 3)
        for n in 0..<7 { try await ledger.record("reply:\(n):0") }
        #expect(await ledger.contains("reply:6:0"))
        // Rebuild: seven whole lines and a torn one, as a crash mid-append leaves it.
        let lines = (0..<7).map { "reply:\($0):0\n" }.joined() + "reply:torn"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path))
        let reopened = try await FileSentLedger.open(path: path, kept: 3)
        let kept = await reopened.contains("reply:6:0")
        let torn = await reopened.contains("reply:torn")
        let oldest = await reopened.contains("reply:0:0")
        #expect(kept && !torn)
        #expect(!oldest, "trimmed to the last 3")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "reply:4:0\nreply:5:0\nreply:6:0\n")
    }
}
