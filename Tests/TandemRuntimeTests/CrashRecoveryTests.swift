import Foundation
import TandemRuntimeTesting
import Testing
import TandemTesting
import TandemChat
import TandemCore

#if canImport(Glibc)
    import Glibc
#endif

/// The real binary, killed with SIGKILL at seeded random points while a member sends a stream of commands:
/// every command is answered exactly once and every note is stored exactly once.
///
/// The chat (`tandem endpoint`) outlives the bot; the bot (`tandem run`, webhook transport) restarts on the same
/// state folder after each kill. Waits are signals: a printed URL, a process exit, long polls for replies.
@Suite(.timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    static let commandCount = 500
    static let kills = 10
    /// Every fifth command adds a sales note (an event); the others only get an answer.
    static func command(_ n: Int) -> String {
        n % 5 == 0 ? "@tandem campaign note spring-launch \(noteText(n))" : "@tandem campaign \(token(n))"
    }
    static func token(_ n: Int) -> String { "zz-" + String(format: "%04d", n) }
    static func noteText(_ n: Int) -> String { "n-" + String(format: "%04d", n) }

    /// A copy of the sample config whose transport is the webhook protocol to `baseURL`, token from the env,
    /// compacting every 25 records so that kills also land in the middle of background compactions.
    static func webhookConfig(baseURL: String, in folder: String) throws -> String {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as! [String: Any]
        config["transport"] = ["type": "webhook", "baseURL": baseURL, "tokenEnv": "TANDEM_CRASH_TEST_TOKEN"]
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        config["state"] = ["compactAfterRecords": 25]
        let path = folder + "/webhook.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func everyCommandIsAnsweredExactlyOnceAcrossTenKills() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let endpoint = try await TandemProcess(launching: [
            "endpoint", "--config", "Config/local.json", "--port", "0", "--log-level", "warning",
        ])
        let config = try Self.webhookConfig(baseURL: endpoint.baseURL, in: work)
        let state = work + "/state"
        // After a kill the bot restarts at once, without waiting for it: a kill may also land in its start.
        let startBot = { (waitForURL: Bool) in
            try await TandemProcess(
                launching: ["run", "--config", config, "--state", state, "--log-level", "warning"], stateFolder: state,
                environment: ["TANDEM_CRASH_TEST_TOKEN": "local-bot"], waitForURL: waitForURL, errorLog: work + "/bot.log")
        }
        var bot = try await startBot(true)
        let http = CurlHTTPClient()
        defer { http.shutdown() }

        // A new bot reads "from now on" from its first poll, which follows its ready line closely but not
        // atomically: ask until one question is answered. Then it has recorded a cursor, and every restart
        // reads on from there.
        var sam = ChatUser("sam", baseURL: endpoint.baseURL, http: http)
        var warmedUp = false
        for attempt in 0..<5 where !warmedUp {
            try await sam.say("@tandem campaign zz-warmup-\(attempt)")
            warmedUp = try await sam.next(within: 1).contains { $0.text.contains("zz-warmup") }
        }
        try #require(warmedUp)

        var random = SplitMix64(seed: 20_261_130)
        var killPoints = Set<Int>()
        while killPoints.count < Self.kills { killPoints.insert(Int.random(in: 20..<(Self.commandCount - 20), using: &random)) }

        let poster = sam
        let (progress, sent) = AsyncStream<Int>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A steady pace whatever the bot is doing; the sleep paces the sender, it does not wait for anything.
                let clock = ContinuousClock()
                var next = clock.now
                for n in 0..<Self.commandCount {
                    try await poster.say(Self.command(n))
                    sent.yield(n)
                    next += .milliseconds(30)
                    try await clock.sleep(until: next)
                }
                sent.finish()
            }
            for await n in progress where killPoints.contains(n) {
                await bot.kill()
                bot = try await startBot(false)
            }
            try await group.waitForAll()
        }

        let replies = try await Self.collectReplies(baseURL: endpoint.baseURL, http: http)
        for n in 0..<Self.commandCount where n % 5 != 0 {
            let count = replies.filter { $0.contains(Self.token(n)) }.count
            #expect(count == 1, "\(Self.token(n)) was answered \(count) times")
        }
        #expect(replies.filter { $0.contains("Noted on") }.count == Self.commandCount / 5)
        #expect(await bot.terminate() == 0)
        #expect(await endpoint.terminate() == 0)

        let verify = try await TandemProcess.run(["state", "verify", "--state", state])
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.contains("sales notes: \(Self.commandCount / 5)\n"))
        #expect(verify.output.contains("outbox entries: 0\n"))
        #expect(FileManager.default.fileExists(atPath: state + "/snapshot.2.json"), "compactions ran")

        // Each note exactly once, none lost, none doubled.
        let export = try await TandemProcess.run(["state", "export", "--state", state])
        let snapshot = try JSONDecoder.iso8601.decode(ExportedState.self, from: Data(export.output.utf8))
        let notes = snapshot.state.team.campaigns.first { $0.id == "spring-launch" }?.salesNotes.map(\.text) ?? []
        #expect(notes.sorted() == stride(from: 0, to: Self.commandCount, by: 5).map(Self.noteText))
    }

    /// Long-polls the chat as a reader until every command has an answer (or a minute has passed), then once more
    /// briefly to catch late duplicates.
    static func collectReplies(baseURL: String, http: any HTTPClient) async throws -> [String] {
        var reader = ChatUser("priya", baseURL: baseURL, http: http)
        var replies: [String] = []
        let deadline = ContinuousClock.now + .seconds(60)
        func complete() -> Bool {
            let answered = Set(replies.compactMap { $0.firstMatch(of: /zz-[0-9]{4}/).map { String($0.output) } })
            return answered.count == commandCount * 4 / 5 && replies.filter { $0.contains("Noted on") }.count >= commandCount / 5
        }
        while !complete(), ContinuousClock.now < deadline {
            replies += try await reader.next(within: 1).map(\.text)
        }
        replies += try await reader.drain().filter { $0.userID == "tandem" }.map(\.text)
        return replies
    }
}

/// The parts of `tandem state export` the test reads.
private struct ExportedState: Decodable {
    struct State: Decodable { var team: TeamState }
    var sequence: Int
    var state: State
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

