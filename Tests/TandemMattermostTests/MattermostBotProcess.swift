import Foundation
import TandemMattermostTesting
import TandemRuntimeTesting
import Testing

/// The real `tandem` binary on the fake Mattermost server: Config/local.json's team (its member ids are already
/// usernames) with the Mattermost transport, the token in an environment variable, and a state folder that
/// outlives restarts.
final class MattermostBotProcess {
    static let tokenVariable = "TANDEM_MATTERMOST_TEST_TOKEN"

    let team: MattermostTeam
    let work: String
    /// Every bot this run started: the ones still running are killed when the test ends, however it ends, so no
    /// process object is left to wait for its child in a deinit on a thread of the cooperative pool.
    private var started: [TandemProcess] = []
    let config: String
    var state: String { work + "/state" }
    var errorLog: String { work + "/bot.log" }

    init(team: MattermostTeam, compactAfterRecords: Int? = nil) throws {
        self.team = team
        work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-mattermost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as? [String: Any])
        config["transport"] = [
            "type": "mattermost", "serverURL": team.fake.baseURL, "tokenEnv": Self.tokenVariable, "pollIntervalMilliseconds": 100,
        ]
        var section = try #require(config["team"] as? [String: Any])
        section["salesChannel"] = team.sales
        section["jointChannel"] = team.joint
        config["team"] = section
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        if let compactAfterRecords { config["state"] = ["compactAfterRecords": compactAfterRecords] }
        self.config = work + "/mattermost.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: self.config))
    }

    /// Runs `body` with a new run on `team`; afterwards kills the bots still running and removes the folder.
    static func with<T>(
        _ team: MattermostTeam, compactAfterRecords: Int? = nil, _ body: (MattermostBotProcess) async throws -> T
    ) async throws -> T {
        let run = try MattermostBotProcess(team: team, compactAfterRecords: compactAfterRecords)
        defer { run.remove() }
        do {
            let result = try await body(run)
            await run.killLeftovers()
            return result
        } catch {
            await run.killLeftovers()
            throw error
        }
    }

    private func remove() { try? FileManager.default.removeItem(atPath: work) }

    private func killLeftovers() async {
        for bot in started where bot.process.isRunning { await bot.kill() }
        started = []
    }

    /// Starts `tandem run`; by default waits until it has learnt who it is (it then prints the server's URL).
    func start(waitForURL: Bool = true, token: String? = nil) async throws -> TandemProcess {
        let bot = try await TandemProcess(
            launching: ["run", "--config", config, "--state", state, "--log-level", "warning"], stateFolder: state,
            environment: [Self.tokenVariable: token ?? team.bot.token], waitForURL: waitForURL, errorLog: errorLog)
        started.append(bot)
        return bot
    }

    /// Starts a bot on a new state and returns once its first channel listing has been answered: its cursor starts
    /// there, so everything posted from now on is new to it. (A signal: the fake's recorded request.)
    func startFresh() async throws -> TandemProcess {
        let listings = team.fake.requests.filter(Self.isListing).count
        let bot = try await start()
        _ = try await team.fake.requests { $0.filter(Self.isListing).count > listings }
        return bot
    }

    @Sendable static func isListing(_ request: MattermostFakeRequest) -> Bool {
        request.path == "/api/v4/users/me/channels" && request.status == 200
    }

    /// Waits until the bot has listed its channels `count` more times: a reply whose post the fake has made may
    /// still be on its way back to the bot, and a stop before it arrives leaves that reply owed (a restart would
    /// resend it, deduplicated). A few polls later it has long arrived: a signal of the bot's progress, not a timer.
    func settle(_ count: Int = 3) async throws {
        let seen = team.fake.requests.filter { $0.path == "/api/v4/users/me/channels" }.count
        _ = try await team.fake.requests { $0.filter { $0.path == "/api/v4/users/me/channels" }.count >= seen + count }
    }

    /// The bot's posts by the command they answer, read from their `pending_post_id` (`<bot id>:reply:<post id>:<n>`).
    func replies() -> [String: [MattermostFakePost]] {
        Self.replies(team.fake.created, bot: team.bot.id)
    }

    static func replies(_ posts: [MattermostFakePost], bot: String) -> [String: [MattermostFakePost]] {
        let prefix = bot + ":reply:"
        return Dictionary(grouping: posts.filter { $0.userID == bot && $0.pendingPostID.hasPrefix(prefix) }) { post in
            let key = post.pendingPostID.dropFirst(prefix.count)
            return String(key[..<(key.firstIndex(of: ":") ?? key.endIndex)])
        }
    }

    /// Waits until each of `commands` has its first reply (`reply:<id>:0`).
    func waitForReplies(to commands: [String]) async throws {
        let prefix = team.bot.id + ":reply:"
        _ = try await team.fake.created { posts in
            let keys = Set(posts.map(\.pendingPostID))
            return commands.allSatisfy { keys.contains(prefix + $0 + ":0") }
        }
    }

    /// The end of the bot's standard error across its runs: for failure messages.
    func errors() -> String {
        String(((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").suffix(3000))
    }
}
