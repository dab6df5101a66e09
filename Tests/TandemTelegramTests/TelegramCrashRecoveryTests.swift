import Foundation
import TandemCore
import TandemRuntimeTesting
import TandemTelegramTesting
import TandemTesting
import Testing

/// The real `tandem` binary on Telegram, stopped (SIGTERM) or killed (SIGKILL) while a member sends a stream of
/// commands, and restarted on the same state folder: every command is answered, and handled once (each note is
/// stored once). `sendMessage` has no idempotency key, so a reply Telegram took just before a SIGKILL, whose `sent`
/// mark was not journaled yet, goes out again after the restart: a kill may duplicate the replies in flight at that
/// moment (at most one copy each), a SIGTERM none.
///
/// What the bot sent is read from the fake, where nothing can hide: each reply quotes its command
/// (`reply_parameters`), so a command answered twice, or not at all, shows there.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TelegramCrashRecoveryTests {
    /// Every fifth command adds a sales note (an event); the others only get a "No campaign matches" answer.
    static func command(_ n: Int) -> String {
        n % 5 == 0 ? "/campaign note spring-launch \(noteText(n))" : "/campaign \(token(n))"
    }
    static func token(_ n: Int) -> String { "zz-" + String(format: "%04d", n) }
    static func noteText(_ n: Int) -> String { "n-" + String(format: "%04d", n) }

    @Test func aBotStoppedWithSIGTERMTwiceMidConversationAnswersEveryCommandExactlyOnce() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL)
            defer { run.remove() }
            var bot = try await run.start()
            await run.waitUntilPolling()
            // Commands keep coming while the bot is down: the restarted bot reads them from its stored offset.
            let commands = try await Self.stream(team, count: 30, at: [9, 19]) { _ in
                #expect(await bot.terminate() == 0, "SIGTERM is a clean stop")
                bot = try await run.start()
            }
            let duplicates = try await Self.expectEachAnswered(commands, team: team, stop: bot, run: run)
            #expect(duplicates == 0, "a clean stop sends nothing twice")
            try await Self.expectStateHoldsEachNoteOnce(run, commandCount: commands.count)
        }
    }

    @Test func aBotKilledWithSIGKILLAtFiveSeededPointsAnswersEveryCommandAndHandlesItOnce() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL, compactAfterRecords: 25)
            defer { run.remove() }
            var bot = try await run.start()
            await run.waitUntilPolling()
            let count = 80
            var random = SplitMix64(seed: 20_261_203)
            var kills = Set<Int>()
            while kills.count < 5 { kills.insert(Int.random(in: 5..<(count - 5), using: &random)) }
            // After a kill the bot restarts at once, without waiting for it: a kill may also land in its start.
            let commands = try await Self.stream(team, count: count, at: kills) { _ in
                await bot.kill()
                bot = try await run.start(waitForURL: false)
            }
            let duplicates = try await Self.expectEachAnswered(commands, team: team, stop: bot, run: run)
            // Replies in flight at a kill: at most the bot's send width (8) each time.
            #expect(duplicates <= kills.count * 8, "\(duplicates) replies went out twice over \(kills.count) kills")
            try await Self.expectStateHoldsEachNoteOnce(run, commandCount: count)
        }
    }

    /// Sends `count` commands as Sam in the joint group, 20 ms apart; after command n for each n in `points`, runs
    /// `interrupt`. Returns the commands' ids (`<chat>:<message id>`) by n.
    static func stream(
        _ team: TelegramTeam, count: Int, at points: Set<Int>, interrupt: (Int) async throws -> Void
    ) async throws -> [String] {
        let clock = ContinuousClock()
        var next = clock.now
        var ids: [String] = []
        for n in 0..<count {
            ids.append(await team.say(command(n), in: team.joint, as: team.sam))
            if points.contains(n) { try await interrupt(n) }
            // A steady pace whatever the bot is doing: the sleep paces the sender, it waits for nothing.
            next += .milliseconds(20)
            try await clock.sleep(until: next)
        }
        return ids
    }

    /// Waits until every command has a reply, stops the bot (SIGTERM: then nothing more can come), and checks each
    /// reply's text. Returns how many replies went out more than once.
    static func expectEachAnswered(_ commands: [String], team: TelegramTeam, stop bot: TandemProcess, run: TelegramBotRun) async throws -> Int {
        _ = await team.replies(to: commands)
        #expect(await bot.terminate() == 0)
        let byCommand = TelegramTeam.byCommand(await team.state.sent)
        var duplicates = 0
        for (n, id) in commands.enumerated() {
            let replies = byCommand[id] ?? []
            #expect(!replies.isEmpty, "command \(n) never answered; the bot's log: \(run.log().suffix(2000))")
            #expect(replies.count <= 2, "command \(n) was answered \(replies.count) times")
            duplicates += max(0, replies.count - 1)
            #expect(Set(replies.map(\.text)).count <= 1, "command \(n) got different answers")
            guard let text = replies.first?.text else { continue }
            if n % 5 == 0 {
                #expect(text.contains("Noted on"), "command \(n): \(text)")
            } else {
                #expect(text.contains("No campaign matches") && text.contains(token(n)), "command \(n): \(text)")
            }
        }
        let unknown = Set(byCommand.keys).subtracting(commands)
        #expect(unknown.isEmpty, "replies to no command of this test: \(unknown)")
        return duplicates
    }

    /// `tandem state verify` passes on the stopped bot's folder, nothing is owed, and each note is stored once.
    static func expectStateHoldsEachNoteOnce(_ run: TelegramBotRun, commandCount: Int) async throws {
        let notes = stride(from: 0, to: commandCount, by: 5).map(noteText)
        let verify = try await TandemProcess.run(["state", "verify", "--state", run.state])
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.contains("sales notes: \(notes.count)\n"), "\(verify.output)")
        #expect(verify.output.contains("outbox entries: 0\n"), "\(verify.output)")

        let export = try await TandemProcess.run(["state", "export", "--state", run.state])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let snapshot = try decoder.decode(ExportedState.self, from: Data(export.output.utf8))
        let stored = snapshot.state.team.campaigns.first { $0.id == "spring-launch" }?.salesNotes.map(\.text) ?? []
        #expect(stored.sorted() == notes)
    }
}

/// The parts of `tandem state export` the tests read.
private struct ExportedState: Decodable {
    struct State: Decodable { var team: TeamState }
    var state: State
}
