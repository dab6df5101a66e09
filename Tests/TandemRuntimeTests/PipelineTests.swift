import Foundation
import InMemoryLogging
import Testing
import TandemChat
import TandemCore
@testable import TandemRuntime
import TandemRuntimeTesting
import TandemStore
import TandemStoreTesting
import TandemTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The pipelined bot loop, in process over a transport whose sends the test holds and releases: what overlaps,
/// and that the guarantees hold while it does. Every wait is on a signal from the transport.
@Suite(.timeLimit(.minutes(3)))
final class PipelineTests {
    let folder = TemporaryFolder("tandem-pipeline")
    let disk = FaultyFileSystem()
    let transport = InMemoryTransport()
    let clock = ManualClock(Date(timeIntervalSince1970: 1_796_032_800))
    deinit { folder.remove() }

    private func message(_ id: String, in channel: String, _ text: String) -> ChatMessage {
        ChatMessage(id: id, channel: channel, userID: "sam", userName: "Sam", text: text)
    }

    /// Runs the bot on a state with the campaign `spring` and the cursor "0" (the first poll reads from the
    /// first delivered message), until `body` returns.
    private func withBot(sentMarkDelay: Duration = .milliseconds(100), _ body: () async throws -> Void) async throws {
        try await withBot(sentMarkDelay: sentMarkDelay) { _ in try await body() }
    }

    private func withBot(sentMarkDelay: Duration, _ body: (BotService) async throws -> Void) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder.path), fileSystem: disk)
        defer { store.folder.release() }
        var (state, _) = try await store.load()
        state.apply(
            try await store.append(JournalRecord(events: [.campaignCreated(Campaign(id: "spring", name: "Spring"))], cursor: "0")))
        let bot = BotHarness.service(
            store: store, state: state, team: BotHarness.team, transport: transport, clock: clock, logs: InMemoryLogHandler(),
            sentMarkDelay: sentMarkDelay)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bot.run() }
            try await body(bot)
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    /// The journal's records, as written.
    private func records() throws -> [JournalRecord] {
        let text = try String(contentsOfFile: folder.path + "/journal.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(JournalRecord.self, from: Data($0.utf8)) }
    }

    @Test func repliesToTwoChannelsGoOutTogetherWhileEachChannelKeepsItsOrder() async throws {
        try await withBot {
            transport.holdSends()
            transport.deliver([
                message("a1", in: "alpha", "@tandem campaign note spring first"),
                message("a2", in: "alpha", "@tandem campaign note spring second"),
                message("b1", in: "beta", "@tandem campaign note spring third"),
            ])
            // One send in flight per channel: a1 and b1 together, a2 waits behind a1.
            await transport.wait { $0.inFlight.contains("reply:a1:0") && $0.inFlight.contains("reply:b1:0") }
            #expect(!transport.inFlight.contains("reply:a2:0"))
            // The next poll is out while the replies are held.
            await transport.wait { $0.isPolling(after: "3") }

            transport.release("reply:b1:0")
            await transport.wait { t in t.posted.contains { $0.idempotencyKey == "reply:b1:0" } }
            #expect(!transport.inFlight.contains("reply:a2:0"), "a2 still waits for a1")
            transport.release("reply:a1:0")
            await transport.wait { $0.inFlight.contains("reply:a2:0") }
            transport.release("reply:a2:0")
            await transport.wait { $0.posted.count == 3 }
        }
        let alpha = transport.posted.filter { $0.channel == "alpha" }.map(\.idempotencyKey)
        #expect(alpha == ["reply:a1:0", "reply:a2:0"])
        for key in ["reply:a1:0", "reply:a2:0", "reply:b1:0"] { #expect(transport.attempts(key) == 1) }
    }

    @Test func aPollIsInFlightWhileSendsAreHeld() async throws {
        try await withBot {
            transport.holdSends()
            transport.deliver([message("m1", in: "joint", "@tandem help")])
            await transport.wait { $0.inFlight == ["reply:m1:0"] }
            await transport.wait { $0.isPolling(after: "1") }
            // And a message arriving meanwhile is handled (recorded) while the first reply is still held.
            transport.deliver([message("m2", in: "other", "@tandem help")])
            await transport.wait { $0.inFlight.contains("reply:m2:0") }
            #expect(transport.posted.isEmpty)
            transport.releaseAll()
            await transport.wait { $0.posted.count == 2 }
        }
    }

    @Test func oneJournalAppendRecordsARoundOfSentMarks() async throws {
        try await withBot {
            transport.holdSends()
            transport.deliver(["a", "b", "c"].map { message("m-\($0)", in: $0, "@tandem help") })
            await transport.wait { $0.inFlight.count == 3 }
            transport.releaseAll()
            await transport.wait { $0.posted.count == 3 }
        }
        // Stopping waits for the round to record what went out.
        let marks = try records().filter { !$0.sent.isEmpty }
        #expect(marks.count == 1)
        #expect(Set(marks.first?.sent ?? []) == ["reply:m-a:0", "reply:m-b:0", "reply:m-c:0"])
        #expect(try JournalStore.inspect(path: folder.path).state.outbox.isEmpty)
    }

    @Test func aSentMarkRidesInTheNextBatchsRecordWithoutAnAppendOfItsOwn() async throws {
        // The sender's own record is an hour away: a mark can only ride in a batch's record, or be written at stop.
        try await withBot(sentMarkDelay: .seconds(3600)) { bot in
            transport.deliver([message("m1", in: "joint", "@tandem help")])
            await transport.wait { $0.posted.count == 1 }
            // The lane's end reaches the loop after the send returned: wait for it, yielding (not sleeping).
            while await bot.loop.marksWaiting == 0 { await Task.yield() }
            transport.deliver([message("m2", in: "joint", "@tandem help")])
            await transport.wait { $0.posted.count == 2 }
        }
        let written = try records()
        let batch = try #require(written.first { $0.cursor == "2" })
        #expect(batch.sent == ["reply:m1:0"], "m1's mark rode in m2's batch record")
        #expect(batch.outbox.map(\.key) == ["reply:m2:0"])
        let ownMarks = written.filter { !$0.sent.isEmpty && $0.cursor == nil && $0.outbox.isEmpty }
        #expect(ownMarks.map(\.sent) == [["reply:m2:0"]], "only the last mark has a record of its own, at stop")
        #expect(try JournalStore.inspect(path: folder.path).state.outbox.isEmpty)
        #expect(transport.attempts("reply:m1:0") == 1 && transport.attempts("reply:m2:0") == 1)
    }

    @Test func aFailedSaveMidPipelineDropsTheEarlyPollAndRepliesToEachMessageOnce() async throws {
        try await withBot {
            // The first batch's save fails; its apology is held, so the early poll after it answers meanwhile.
            disk.fail(.append, errno: ENOSPC)
            transport.holdSends()
            transport.deliver([message("m1", in: "joint", "@tandem campaign note spring one")])
            await transport.wait { $0.inFlight == ["unsaved:m1"] }
            transport.deliver([message("m2", in: "joint", "@tandem campaign note spring two")])
            await transport.wait { $0.answers(after: "1") == 1 }

            // Its answer (m2 alone) is dropped: polling restarts from the committed cursor "0" and gets both.
            transport.releaseAll()
            await transport.wait { t in ["reply:m1:0", "reply:m2:0"].allSatisfy { key in t.posted.contains { $0.idempotencyKey == key } } }
        }
        #expect(transport.attempts("reply:m1:0") == 1)
        #expect(transport.attempts("reply:m2:0") == 1)
        let state = try JournalStore.inspect(path: folder.path).state
        #expect(state.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["one", "two"])
        #expect(state.cursor == "2")
        #expect(transport.answers(after: "0") == 2, "the first poll, and the one after the failed save")
    }

    @Test func aFailedSentMarkDoesNotResendAndIsRecordedWithTheNextRound() async throws {
        try await withBot {
            transport.holdSends()
            transport.deliver([message("m1", in: "joint", "@tandem help")])
            await transport.wait { $0.inFlight == ["reply:m1:0"] }
            // The batch is saved (its reply is in flight) and nothing else is to be written: the disk refuses
            // the round's `sent` mark once.
            disk.fail(.append, errno: EIO)
            transport.release("reply:m1:0")
            // The disk double has no signal: wait for its condition, yielding (not sleeping) in between.
            while disk.failuresThrown == 0 { await Task.yield() }
            transport.deliver([message("m2", in: "joint", "@tandem help")])
            transport.releaseAll()
            await transport.wait { $0.posted.count == 2 }
        }
        #expect(transport.attempts("reply:m1:0") == 1, "sent once; only its mark was retried")
        let marks = try records().flatMap(\.sent)
        #expect(Set(marks) == ["reply:m1:0", "reply:m2:0"])
        #expect(try JournalStore.inspect(path: folder.path).state.outbox.isEmpty)
    }
}
