import Foundation
import Synchronization
import TandemRuntimeTesting
import TandemZulipTesting
import Testing

/// The real `tandem` binary on the fake, stopped (SIGTERM) or killed (SIGKILL) while Sam sends a stream of commands,
/// and its event queue expired on the way (while it runs and while it is down): every command is handled exactly
/// once (each note stored once), every command is answered, and each at most once after a clean stop. Zulip has no
/// idempotency key: a reply in flight when the bot is killed may go out twice, at most one per kill.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ZulipCrashRecoveryTests {
    /// Every fifth command adds a sales note (an event); the others get a "No campaign matches" answer naming it.
    static func command(_ n: Int) -> String {
        n % 5 == 0 ? "@**Tandem** campaign note spring-launch \(noteText(n))" : "@**Tandem** campaign \(token(n))"
    }
    static func token(_ n: Int) -> String { "zz-" + String(format: "%04d", n) }
    static func noteText(_ n: Int) -> String { "n-" + String(format: "%04d", n) }
    /// Commands 0, 5, 10, … of `commands` add notes.
    static func noteCount(_ commands: Int) -> Int { (commands + 4) / 5 }

    @Test func stoppedTwiceWithTheQueueExpiringWhileDownAndWhileRunningEveryCommandIsAnsweredExactlyOnce() async throws {
        try await ZulipFake.withRunning { fake in
            let run = try ZulipBotRun(fake: fake)
            defer { run.remove() }
            var bot = try await run.start()
            let count = 30
            for n in 0..<count {
                fake.say(Self.command(n), as: run.sam, in: run.joint, topic: "stream")
                switch n {
                case 7:
                    // Expired while the bot runs: its poll gets BAD_EVENT_QUEUE_ID and it registers anew.
                    fake.expireQueues(of: fake.bot)
                case 12, 22:
                    // Mid-stream: replies are being posted; a stop lets the posts in flight finish and records them.
                    #expect(await bot.terminate() == 0, "SIGTERM is a clean stop")
                    // Down for longer than Zulip keeps a queue: commands said meanwhile come through /messages.
                    if n == 22 { fake.expireQueues(of: fake.bot) }
                    fake.say(Self.command(n) + "-while-down", as: run.sam, in: run.joint, topic: "stream")
                    bot = try await run.start()
                default: break
                }
            }
            let replies = try await Self.waitForReplies(fake, commands: count, extra: 2)
            #expect(await bot.terminate() == 0)
            for n in 0..<count where n % 5 != 0 {
                let answers = replies.filter { Self.answers($0, n) }
                #expect(answers.count == 1, "command \(n) was answered \(answers.count) times")
            }
            #expect(replies.filter { $0.contains("Noted on") }.count == Self.noteCount(count))
            #expect(replies.filter { $0.contains("-while-down") }.count == 2, "\(replies.filter { $0.contains("while-down") })")
            #expect(replies.count == count + 2, "\(replies.count) replies; the log: \(run.errors())")
            try await Self.expectEachNoteOnce(state: run.state, commandCount: count)
        }
    }

    @Test func killedWithSIGKILLAtFiveSeededPointsEveryCommandIsHandledOnceAndAnswered() async throws {
        try await ZulipFake.withRunning { fake in
            let run = try ZulipBotRun(fake: fake, compactAfterRecords: 25)
            defer { run.remove() }
            var bot = try await run.start()
            let count = 60
            let kills: Set<Int> = [9, 17, 31, 44, 52]
            for n in 0..<count {
                let mark = fake.requests.count
                fake.say(Self.command(n), as: run.sam, in: run.joint, topic: "stream")
                if kills.contains(n) {
                    // Let the bot be busy with this one (its command seen) before the kill, some of the time.
                    if n % 2 == 1 { try await fake.request { $0.sequence >= mark && $0.path == "/api/v1/events" && $0.status == 200 } }
                    await bot.kill()
                    if n == 31 { fake.expireQueues(of: fake.bot) }
                    bot = try await run.start()
                }
            }
            let replies = try await Self.waitForReplies(fake, commands: count, extra: 0)
            #expect(await bot.terminate() == 0)
            var duplicates = 0
            for n in 0..<count where n % 5 != 0 {
                let answers = replies.filter { Self.answers($0, n) }
                #expect(!answers.isEmpty, "command \(n) was never answered; the log: \(run.errors())")
                duplicates += max(0, answers.count - 1)
            }
            duplicates += max(0, replies.filter { $0.contains("Noted on") }.count - Self.noteCount(count))
            #expect(duplicates <= kills.count, "more duplicate replies (\(duplicates)) than kills")
            try await Self.expectEachNoteOnce(state: run.state, commandCount: count)
        }
    }

    /// Whether `reply` answers command `n`: a note's answer names the campaign, not the note, so any "Noted on"
    /// answers any note command (the stored notes show which were handled).
    static func answers(_ reply: String, _ n: Int) -> Bool {
        n % 5 == 0
            ? reply.contains("Noted on")
            : reply.contains("No campaign matches") && reply.contains(token(n)) && !reply.contains("-while-down")
    }

    /// Waits on the fake's posts (never on a timer) until every non-note command has an answer, there are as many
    /// note answers as note commands, and `extra` answers to commands said while the bot was down; returns them all.
    static func waitForReplies(_ fake: ZulipFake, commands: Int, extra: Int) async throws -> [String] {
        var seen = 0
        while true {
            let texts = try await fake.botPosts(count: seen + 1).map(\.content)
            seen = texts.count
            let notes = noteCount(commands)
            let answered = (0..<commands).filter { $0 % 5 != 0 }.allSatisfy { n in texts.contains { answers($0, n) } }
            if answered && texts.filter({ $0.contains("Noted on") }).count >= notes
                && texts.filter({ $0.contains("-while-down") }).count >= extra
            {
                return texts
            }
        }
    }

    /// `tandem state verify` passes, nothing is owed, and each note is stored exactly once.
    static func expectEachNoteOnce(state: String, commandCount: Int) async throws {
        let notes = stride(from: 0, to: commandCount, by: 5).map(noteText)
        let verify = try await TandemProcess.run(["state", "verify", "--state", state])
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.contains("sales notes: \(notes.count)\n"), "\(verify.output)")
        #expect(verify.output.contains("outbox entries: 0\n"), "\(verify.output)")
    }
}
