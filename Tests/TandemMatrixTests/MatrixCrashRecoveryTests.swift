import Foundation
import Synchronization
import TandemCore
import TandemMatrixTesting
import TandemRuntimeTesting
import TandemTesting
import Testing

/// The real `tandem` binary on Matrix, stopped (SIGTERM) or killed (SIGKILL) while a member sends a stream of
/// commands, and restarted on the same state folder: every command is answered exactly once and every note is
/// stored exactly once.
///
/// "Exactly once" is read where nothing can hide it: the bot's own `/sync` shows each reply's txnId, the outbox
/// key `reply:<command event id>:<n>`, so a command answered twice under two keys, or not at all, shows up
/// there; a command handled twice shows up as a doubled note in `tandem state export`. Waits are signals: a
/// printed URL, a process exit, `/sync` long polls for replies.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct MatrixCrashRecoveryTests {
    static let tokenVariable = "TANDEM_MATRIX_CRASH_TEST_TOKEN"

    /// Every fifth command adds a sales note (an event); the others only get a "No campaign matches" answer.
    static func command(_ n: Int) -> String {
        n % 5 == 0 ? "@tandem campaign note spring-launch \(noteText(n))" : "@tandem campaign \(token(n))"
    }
    static func token(_ n: Int) -> String { "zz-" + String(format: "%04d", n) }
    static func noteText(_ n: Int) -> String { "n-" + String(format: "%04d", n) }

    @Test func aBotStoppedWithSIGTERMTwiceMidConversationAnswersEveryCommandExactlyOnce() async throws {
        try await SynapseServer.run { server in
            let run = try await BotRun(team: try await MatrixTeam.make(on: server))
            defer { run.remove() }
            var bot = try await run.start()
            try await run.warmUp()

            // Commands keep coming while the bot is down: the restarted bot reads them from its stored cursor.
            let stops: Set<Int> = [9, 19]
            let commands = try await run.stream(count: 30, at: stops) { _ in
                #expect(await bot.terminate() == 0, "SIGTERM is a clean stop")
                bot = try await run.start()
            }
            try await run.expectEachAnsweredOnce(commands)
            #expect(await bot.terminate() == 0)
            try await run.expectStateHoldsEachNoteOnce(commandCount: commands.count)
        }
    }

    @Test func aBotKilledWithSIGKILLAtFiveSeededPointsAnswersEveryCommandExactlyOnce() async throws {
        try await SynapseServer.run { server in
            let run = try await BotRun(team: try await MatrixTeam.make(on: server))
            defer { run.remove() }
            var bot = try await run.start()
            try await run.warmUp()

            let count = 80
            var random = SplitMix64(seed: 20_261_203)
            var kills = Set<Int>()
            while kills.count < 5 { kills.insert(Int.random(in: 5..<(count - 5), using: &random)) }
            // After a kill the bot restarts at once, without waiting for it: a kill may also land in its start.
            let commands = try await run.stream(count: count, at: kills) { _ in
                await bot.kill()
                bot = try await run.start(waitForURL: false)
            }
            try await run.expectEachAnsweredOnce(commands)
            #expect(await bot.terminate() == 0)
            try await run.expectStateHoldsEachNoteOnce(commandCount: count)
            #expect(FileManager.default.fileExists(atPath: run.state + "/snapshot.2.json"), "compactions ran")
        }
    }
}

/// One bot's life on one state folder: its config, the member who talks to it, and what it answered.
private final class BotRun {
    let team: MatrixTeam
    let work: String
    let config: String
    var state: String { work + "/state" }
    var errorLog: String { work + "/bot.log" }
    /// The bot's own `/sync`, open from before the first command: it sees each reply's txnId.
    let botView: Inbox
    /// The warm-up commands, which may be answered too (one or more), but nothing else.
    private(set) var warmUps: [String] = []

    init(team: MatrixTeam) async throws {
        self.team = team
        work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-matrix-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        config = try Self.writeConfig(team, in: work)
        botView = try await Inbox.open(team.bot, on: team.server)
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }

    /// `Config/local.json` with the Matrix transport (token from the environment), the team's Matrix ids and
    /// rooms, and a compaction every 25 records, so that kills also land in background compactions.
    static func writeConfig(_ team: MatrixTeam, in folder: String) throws -> String {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as? [String: Any])
        config["transport"] = ["type": "matrix", "homeserver": team.server.baseURL, "tokenEnv": MatrixCrashRecoveryTests.tokenVariable]
        var teamSection = try #require(config["team"] as? [String: Any])
        teamSection["salesChannel"] = team.sales
        teamSection["jointChannel"] = team.joint
        teamSection["members"] = team.team.members.map { member in
            [
                "id": member.id, "name": member.name, "roles": member.roles.map(\.rawValue), "language": member.language.rawValue,
                "timeZone": member.timeZone,
            ] as [String: Any]
        }
        config["team"] = teamSection
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        config["state"] = ["compactAfterRecords": 25]
        let path = folder + "/matrix.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts `tandem run`; by default waits until it has logged in (it then prints the homeserver's URL).
    func start(waitForURL: Bool = true) async throws -> TandemProcess {
        try await TandemProcess(
            launching: ["run", "--config", config, "--state", state, "--log-level", "warning"], stateFolder: state,
            environment: [MatrixCrashRecoveryTests.tokenVariable: team.bot.accessToken], waitForURL: waitForURL,
            errorLog: errorLog)
    }

    /// A new bot skips what its first `/sync` returns (history), and that sync follows its ready line closely but
    /// not atomically: ask until one question is answered. Then it has stored a cursor, and every restart reads on
    /// from there.
    func warmUp() async throws {
        var answered = false
        for attempt in 0..<5 where !answered {
            warmUps.append(try await team.say("@tandem campaign zz-warmup-\(attempt)", in: team.joint, as: team.sam))
            // One poll brings the command itself, the next ones the answer.
            answered = try await !botView.messages(from: team.bot.userID, polls: 3) { !$0.isEmpty }.isEmpty
        }
        try #require(answered, "the bot answered none of 5 warm-up commands; its log: \(errors())")
    }

    /// Sends `count` commands as Sam, 100 ms apart (Synapse on 2 cores takes 25–40 messages a second); after
    /// sending command n for each n in `points`, runs `interrupt` (stop or kill the bot, then start it). Returns
    /// the commands' event ids by n.
    ///
    /// The bot's view follows along meanwhile: a `/sync` after a long gap returns a `limited` timeline (the
    /// latest events only), which ``Inbox`` does not backfill, so replies would seem missing.
    func stream(count: Int, at points: Set<Int>, interrupt: (Int) async throws -> Void) async throws -> [String] {
        let team = self.team
        let botView = self.botView
        let sending = Flag()
        let (progress, sent) = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                defer {
                    sent.finish()
                    sending.lower()
                }
                // A steady pace whatever the bot is doing: the sleep paces the sender, it waits for nothing.
                let clock = ContinuousClock()
                var next = clock.now
                var ids: [String] = []
                for n in 0..<count {
                    ids.append(try await team.say(MatrixCrashRecoveryTests.command(n), in: team.joint, as: team.sam))
                    sent.yield(n)
                    next += .milliseconds(100)
                    try await clock.sleep(until: next)
                }
                return ids
            }
            group.addTask {
                // Only this task uses the inbox until the group ends; each long poll returns as events arrive.
                while sending.isUp { _ = try await botView.messages(from: team.bot.userID, count: .max, polls: 1) }
                return nil
            }
            for await n in progress where points.contains(n) {
                try await interrupt(n)
            }
            var ids: [String] = []
            while let result = try await group.next() { ids += result ?? [] }
            return ids
        }
    }

    /// Waits (on the bot's `/sync` long polls, for up to a minute) until each command has its reply
    /// `reply:<id>:0`, then one more long poll for anything late or doubled; then each command has exactly one
    /// reply, with the right text, and the bot answered nothing else.
    func expectEachAnsweredOnce(_ commands: [String]) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var answered = false
        while !answered, ContinuousClock.now < deadline {
            let keys = Set(try await botView.messages(from: team.bot.userID, count: .max, polls: 1).compactMap(\.transactionID))
            answered = commands.allSatisfy { keys.contains("reply:\($0):0") }
        }
        let all = try await botView.messages(from: team.bot.userID, count: .max, polls: 1)
        let byCommand = MatrixConversationTests.replies(all)
        let keys = all.compactMap(\.transactionID)
        #expect(Set(keys).count == keys.count, "a reply went out twice")
        #expect(Set(all.map(\.event_id)).count == all.count)
        var missing: [Int] = []
        for (n, id) in commands.enumerated() {
            let replies = byCommand[id] ?? []
            if replies.isEmpty { missing.append(n) }
            #expect(replies.count <= 1, "command \(n) was answered \(replies.count) times")
            #expect(replies.allSatisfy { $0.transactionID == "reply:\(id):0" })
            guard let body = replies.first?.content.body else { continue }
            if n % 5 == 0 {
                #expect(body.contains("Noted on"), "command \(n): \(body)")
            } else {
                #expect(body.contains("No campaign matches") && body.contains(MatrixCrashRecoveryTests.token(n)), "command \(n): \(body)")
            }
        }
        #expect(missing.isEmpty, "commands never answered: \(missing); the bot's log: \(errors())")
        let unknown = Set(byCommand.keys).subtracting(commands + warmUps)
        #expect(unknown.isEmpty, "replies to no command of this test: \(unknown)")
        #expect(all.allSatisfy { $0.transactionID?.hasPrefix("reply:") == true }, "the bot sent something other than replies")
    }

    /// `tandem state verify` passes on the stopped bot's folder, nothing is owed, and each note is stored once.
    func expectStateHoldsEachNoteOnce(commandCount: Int) async throws {
        let notes = stride(from: 0, to: commandCount, by: 5).map(MatrixCrashRecoveryTests.noteText)
        let verify = try await TandemProcess.run(["state", "verify", "--state", state])
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.contains("sales notes: \(notes.count)\n"), "\(verify.output)")
        #expect(verify.output.contains("outbox entries: 0\n"), "\(verify.output)")

        let export = try await TandemProcess.run(["state", "export", "--state", state])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let snapshot = try decoder.decode(ExportedState.self, from: Data(export.output.utf8))
        let stored = snapshot.state.team.campaigns.first { $0.id == "spring-launch" }?.salesNotes.map(\.text) ?? []
        #expect(stored.sorted() == notes)
    }

    /// The end of the bot's standard error across its runs: for failure messages.
    func errors() -> String {
        String(((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").suffix(3000))
    }
}

/// Up until lowered, from any task.
private final class Flag: Sendable {
    private let up = Mutex(true)
    var isUp: Bool { up.withLock { $0 } }
    func lower() { up.withLock { $0 = false } }
}

/// The parts of `tandem state export` the tests read.
private struct ExportedState: Decodable {
    struct State: Decodable { var team: TeamState }
    var state: State
}
