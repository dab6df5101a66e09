import Foundation
import TandemCore
import TandemMattermostTesting
import TandemRuntimeTesting
import TandemTesting
import Testing

/// The real `tandem` binary on Mattermost, stopped (SIGTERM) or killed (SIGKILL) while a member sends a stream of
/// commands, and restarted on the same state folder: every command is answered exactly once and every note is
/// stored exactly once.
///
/// "Exactly once" is read where nothing can hide it: the fake keeps each post's `pending_post_id`
/// (`<bot id>:reply:<command post id>:<n>`), so a command answered twice or not at all shows there; a command
/// handled twice shows as a doubled note in `tandem state export`. The server's deduplication of a resent reply
/// lasts 30 s, and these restarts take well under that.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MattermostCrashRecoveryTests {
    /// Every fifth command adds a sales note (an event); the others only get a "No campaign matches" answer.
    static func command(_ n: Int) -> String {
        n % 5 == 0 ? "@tandem campaign note spring-launch \(noteText(n))" : "@tandem campaign \(token(n))"
    }
    static func token(_ n: Int) -> String { "zz-" + String(format: "%04d", n) }
    static func noteText(_ n: Int) -> String { "n-" + String(format: "%04d", n) }

    @Test func aBotStoppedWithSIGTERMTwiceUnderARateLimitAnswersEveryCommandExactlyOnce() async throws {
        try await MattermostFake.withRunning { fake in
            try await MattermostBotProcess.with(MattermostTeam.make(on: fake)) { run in
                var bot = try await run.startFresh()
                // The server's own limit, tight enough that the bot meets it: 429s and spent budgets along the way.
                fake.setRateLimit(perSecond: 4, burst: 3)  // below what even a slowed bot asks for
                let commands = try await Self.stream(run, count: 30, at: [9, 19]) { _, _ in
                    #expect(await bot.terminate() == 0, "SIGTERM is a clean stop")
                    bot = try await run.start()
                }
                try await Self.expectEachAnsweredOnce(commands, run)
                try await run.settle()
                #expect(await bot.terminate() == 0)
                #expect(fake.requests.contains { $0.status == 429 }, "the rate limit was met")
                try await Self.expectStateHoldsEachNoteOnce(commandCount: commands.count, run)
            }
        }
    }

    @Test func aBotKilledWithSIGKILLAtSeededPointsAnswersEveryCommandExactlyOnce() async throws {
        try await MattermostFake.withRunning { fake in
            try await MattermostBotProcess.with(MattermostTeam.make(on: fake), compactAfterRecords: 10) { run in
                var bot = try await run.startFresh()
                let count = 60
                var random = SplitMix64(seed: 20_261_203)
                var kills = Set<Int>()
                while kills.count < 4 { kills.insert(Int.random(in: 5..<(count - 5), using: &random)) }
                // Each kill lands just after the server made the reply to command n, before the bot can record it as
                // sent: the restarted bot owes it, finds it posted, and posts nothing new.
                // It restarts at once, without waiting for it: a kill may also land in its start.
                let commands = try await Self.stream(run, count: count, at: kills) { _, id in
                    try await run.waitForReplies(to: [id])
                    await bot.kill()
                    bot = try await run.start(waitForURL: false)
                }
                try await Self.expectEachAnsweredOnce(commands, run)
                try await run.settle()
                #expect(await bot.terminate() == 0)
                try await Self.expectStateHoldsEachNoteOnce(commandCount: count, run)
                // Killed after the server made a reply and before the bot recorded it, a restart owes that reply: it looks
                // among the channel's newest posts for its key first (and the pending_post_id would catch a resend too).
                #expect(
                    fake.requests.contains { $0.method == "GET" && $0.path.hasSuffix("/posts") && $0.query["page"] == "0" },
                    "a restarted bot looked for a reply it owed")
            }
        }
    }

    @Test func aBotKilledAndRestartedAfterTheServerForgotItsPendingIDsStillPostsEachReplyOnce() async throws {
        try await MattermostFake.withRunning { fake in
            try await MattermostBotProcess.with(MattermostTeam.make(on: fake)) { run in
                var bot = try await run.startFresh()
                // As if each restart came after more than 30 s: only the outbox key kept in the posts' props can tell
                // the restarted bot that a reply owed on disk went out before the kill.
                let commands = try await Self.stream(run, count: 30, at: [7, 15, 23]) { _, id in
                    try await run.waitForReplies(to: [id])
                    await bot.kill()
                    fake.expirePendingPostIDs()
                    bot = try await run.start()
                }
                try await Self.expectEachAnsweredOnce(commands, run)
                try await run.settle()
                #expect(await bot.terminate() == 0)
                try await Self.expectStateHoldsEachNoteOnce(commandCount: commands.count, run)
                #expect(fake.deduplicatedPosts == 0, "the server's deduplication played no part")
            }
        }
    }

    /// Posts `count` commands as Sam in the joint channel, 50 ms apart; after command n for each n in `points`,
    /// runs `interrupt` with n and the command's post id. Returns the commands' post ids.
    static func stream(
        _ run: MattermostBotProcess, count: Int, at points: Set<Int>, interrupt: (Int, String) async throws -> Void
    ) async throws -> [String] {
        let clock = ContinuousClock()
        var next = clock.now
        var ids: [String] = []
        for n in 0..<count {
            ids.append(try run.team.fake.post(command(n), in: run.team.joint, as: run.team.sam).id)
            if points.contains(n) { try await interrupt(n, ids[n]) }
            // Paces the sender (people type while the bot is down too); it waits for nothing.
            next += .milliseconds(50)
            try await clock.sleep(until: next)
        }
        return ids
    }

    /// Each command has exactly one reply, `reply:<id>:0`, with the right text, and the bot answered nothing else.
    static func expectEachAnsweredOnce(_ commands: [String], _ run: MattermostBotProcess) async throws {
        try await run.waitForReplies(to: commands)
        let last = try run.team.fake.post("@tandem campaign zz-last", in: run.team.sales, as: run.team.sam)
        try await run.waitForReplies(to: [last.id])
        let byCommand = run.replies()
        let mine = run.team.fake.created.filter { $0.userID == run.team.bot.id }
        #expect(Set(mine.map(\.pendingPostID)).count == mine.count, "a reply went out twice")
        for (n, id) in commands.enumerated() {
            let replies = byCommand[id] ?? []
            #expect(replies.count == 1, "command \(n) was answered \(replies.count) times; \(run.errors())")
            guard let body = replies.first?.message else { continue }
            if n % 5 == 0 {
                #expect(body.contains("Noted on"), "command \(n): \(body)")
            } else {
                #expect(body.contains("No campaign matches") && body.contains(token(n)), "command \(n): \(body)")
            }
        }
        #expect(Set(byCommand.keys) == Set(commands + [last.id]), "replies to nothing the test said")
    }

    /// `tandem state verify` passes on the stopped bot's folder, nothing is owed, and each note is stored once.
    static func expectStateHoldsEachNoteOnce(commandCount: Int, _ run: MattermostBotProcess) async throws {
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
