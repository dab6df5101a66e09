import Foundation
import TandemRuntime
import TandemRuntimeTesting
import TandemTelegramTesting
import TandemTesting
import Testing

/// `transport.type: "telegram"` in the config file, `check-config` and its probe.
@Suite(.timeLimit(.minutes(3)))
struct TelegramConfigTests {
    /// `Config/telegram.json` with its token in a file, and `edit` applied.
    static func write(_ folder: TemporaryFolder, token: String = TelegramTeam.token, edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let example = TandemProcess.packageRoot.appendingPathComponent("Config/telegram.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: example)) as? [String: Any])
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try Data(token.utf8).write(to: URL(fileURLWithPath: folder.file("token")))
        config["transport"] = ["type": "telegram", "tokenFile": folder.file("token")]
        config["seedCampaigns"] = TandemProcess.packageRoot.appendingPathComponent("Config/sample-campaigns.json").path
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder.file("telegram.json")))
        return folder.file("telegram.json")
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var token = TelegramTeam.token
        var edit: @Sendable (inout [String: Any]) -> Void = { _ in }
        var key: String
        var problem: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(
            name: "a @username as member id",
            edit: { config in
                var team = config["team"] as! [String: Any]
                var members = team["members"] as! [[String: Any]]
                members[1]["id"] = "@leo"
                team["members"] = members
                config["team"] = team
            }, key: "team.members[1].id", problem: "is not a Telegram user id"),
        BadCase(
            name: "a group's name as sales channel",
            edit: { config in
                var team = config["team"] as! [String: Any]
                team["salesChannel"] = "sales"
                config["team"] = team
            }, key: "team.salesChannel", problem: "is not a Telegram chat id"),
        BadCase(name: "a pasted URL as token", token: "https://api.telegram.org/bot1:x", key: "transport.tokenFile", problem: "does not look like a Telegram bot token"),
        BadCase(
            name: "an API address without scheme",
            edit: { config in config["transport"] = ["type": "telegram", "tokenEnv": "NO_SUCH_VARIABLE_X", "apiBaseURL": "api.telegram.org"] },
            key: "transport.apiBaseURL", problem: "must start with http"),
    ]

    @Test(arguments: badCases)
    func aBadTelegramConfigNamesTheKey(_ testCase: BadCase) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = try Self.write(folder, token: testCase.token, edit: testCase.edit)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.key == testCase.key)
        #expect(error.problem.contains(testCase.problem), "\(error)")
        #expect(!error.description.contains(testCase.token))
    }

    @Test func checkConfigProbesWhoTheBotIsAndWhichChatsItSees() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let path = try Self.write(folder) { config in
                config["transport"] = ["type": "telegram", "tokenFile": folder.file("token"), "apiBaseURL": baseURL + "/"]
                var section = config["team"] as! [String: Any]
                section["salesChannel"] = String(team.sales)
                section["jointChannel"] = "-1009999999999"
                config["team"] = section
            }
            let configuration = try Configuration.load(from: path)
            let summary = try ConfigCheck.summary(configuration)
            #expect(summary.first == "transport: Telegram Bot API at \(baseURL), bot token read (getUpdates long polling)")
            let lines = try await ConfigCheck.probe(configuration)
            #expect(lines.first == "probe: Telegram accepted the token; the bot is @TandemTestBot (id \(team.bot.id))")
            #expect(lines.contains { $0.contains("privacy mode is on") })
            #expect(lines.contains("  \(team.sales) (Sales), supergroup"))
            #expect(lines.contains("warning: team.jointChannel -1009999999999 is not among them: invite the bot there, or fix the id"))
            #expect(!(summary + lines).contains { $0.contains(TelegramTeam.token) })
            #expect(await team.state.calls.allSatisfy { $0.method != "getupdates" }, "the probe leaves a running bot's long poll alone")
        }
    }
}
