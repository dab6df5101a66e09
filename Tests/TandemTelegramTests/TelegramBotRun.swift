import Foundation
import TandemCore
import TandemRuntimeTesting
import TandemTelegramTesting
import Testing

/// The real `tandem` binary on one state folder, talking to the fake Bot API: its config, its start and restarts.
final class TelegramBotRun {
    static let tokenVariable = "TANDEM_TELEGRAM_TEST_TOKEN"

    let team: TelegramTeam
    let baseURL: String
    let work: String
    let config: String
    var state: String { work + "/state" }
    var errorLog: String { work + "/bot.log" }

    init(team: TelegramTeam, baseURL: String, compactAfterRecords: Int? = nil) throws {
        self.team = team
        self.baseURL = baseURL
        work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-telegram-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        config = try Self.writeConfig(team, baseURL: baseURL, in: work, compactAfterRecords: compactAfterRecords)
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }

    /// `Config/local.json` with the Telegram transport pointed at the fake (token from the environment) and the
    /// team's Telegram ids and chats.
    static func writeConfig(_ team: TelegramTeam, baseURL: String, in folder: String, compactAfterRecords: Int?) throws -> String {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as? [String: Any])
        config["transport"] = ["type": "telegram", "apiBaseURL": baseURL, "tokenEnv": tokenVariable]
        var teamSection = try #require(config["team"] as? [String: Any])
        teamSection["salesChannel"] = String(team.sales)
        teamSection["jointChannel"] = String(team.joint)
        teamSection["members"] = team.team.members.map { member in
            [
                "id": member.id, "name": member.name, "roles": member.roles.map(\.rawValue), "language": member.language.rawValue,
                "timeZone": member.timeZone,
            ] as [String: Any]
        }
        config["team"] = teamSection
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        if let compactAfterRecords { config["state"] = ["compactAfterRecords": compactAfterRecords] }
        let path = folder + "/telegram.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts `tandem run`; by default waits until it knows who it is (it then prints the API's URL).
    func start(waitForURL: Bool = true) async throws -> TandemProcess {
        try await TandemProcess(
            launching: ["run", "--config", config, "--state", state, "--log-level", "info"], stateFolder: state,
            environment: [Self.tokenVariable: TelegramTeam.token], waitForURL: waitForURL, errorLog: errorLog)
    }

    /// Waits until the bot's long poll is waiting at the fake: from then on, whatever people say is new to it.
    func waitUntilPolling() async {
        _ = await team.state.until { $0.isPollWaiting ? true : nil }
    }

    /// The bot's standard error across its runs, for failure messages and for checking what it logged.
    func log() -> String {
        (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
    }
}
