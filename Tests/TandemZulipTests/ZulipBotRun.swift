import Foundation
import TandemRuntimeTesting
import TandemZulipTesting
import Testing

/// The real `tandem` binary on a ``ZulipFake``: a config with `transport.type: "zulip"` and the fake's team (Mia
/// marketing lead, Sam sales, Jonas sales in German), started, stopped and killed on one state folder.
final class ZulipBotRun {
    static let keyVariable = "TANDEM_ZULIP_TEST_API_KEY"

    let fake: ZulipFake
    let work: String
    let config: String
    var state: String { work + "/state" }
    var errorLog: String { work + "/bot.log" }
    var joint: Int { fake.channel(named: "joint") }
    var sales: Int { fake.channel(named: "sales") }
    var mia: ZulipFakeConfiguration.User { fake.user(named: "Mia") }
    var sam: ZulipFakeConfiguration.User { fake.user(named: "Sam") }
    var jonas: ZulipFakeConfiguration.User { fake.user(named: "Jonas") }

    init(fake: ZulipFake, compactAfterRecords: Int? = nil) throws {
        self.fake = fake
        work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-zulip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        config = work + "/zulip.json"
        try Self.writeConfig(fake, to: config, compactAfterRecords: compactAfterRecords)
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }

    /// `Config/zulip.json` pointed at the fake: its site, the bot's email, the API key from the environment, the
    /// team's Zulip user and channel ids.
    static func writeConfig(_ fake: ZulipFake, to path: String, compactAfterRecords: Int? = nil) throws {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("zulip.json"))) as? [String: Any])
        config["transport"] = [
            "type": "zulip", "site": fake.site, "email": fake.bot.email, "tokenEnv": keyVariable, "defaultTopic": "Tandem",
        ]
        let people: [(ZulipFakeConfiguration.User, String, String)] = [
            (fake.user(named: "Mia"), "marketing-lead", "en"), (fake.user(named: "Sam"), "sales", "en"),
            (fake.user(named: "Jonas"), "sales", "de"),
        ]
        config["team"] = [
            "timeZone": "Europe/Berlin", "salesChannel": String(fake.channel(named: "sales")),
            "jointChannel": String(fake.channel(named: "joint")),
            "members": people.map { user, role, language in
                ["id": String(user.id), "name": user.fullName, "roles": [role], "language": language, "timeZone": "Europe/Berlin"] as [String: Any]
            },
        ]
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        if let compactAfterRecords { config["state"] = ["compactAfterRecords": compactAfterRecords] }
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
    }

    /// Starts `tandem run`; by default waits until it has reached Zulip (it then prints the site's URL) and holds a
    /// long poll on a live queue, so everything said from then on is new to it.
    func start(waitUntilListening: Bool = true, apiKey: String? = nil) async throws -> TandemProcess {
        let before = fake.requests.count
        let process = try await TandemProcess(
            launching: ["run", "--config", config, "--state", state, "--log-level", "info"], stateFolder: state,
            environment: [Self.keyVariable: apiKey ?? fake.bot.apiKey], waitForURL: waitUntilListening, errorLog: errorLog)
        if waitUntilListening { try await fake.botListening(after: before) }
        return process
    }

    /// The end of the bot's standard error across its runs: for failure messages.
    func errors() -> String {
        String(((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").suffix(4000))
    }
}
