import Foundation
import InMemoryLogging
import Logging
import Testing
import TandemChat
import TandemCore
import TandemRuntime
import TandemRuntimeTesting
import TandemStore
import TandemStoreTesting
import TandemTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The real bot loop in-process, over an in-memory chat and a store whose disk fails on demand.
@Suite(.timeLimit(.minutes(3)))
final class DiskErrorTests {
    let folder = TemporaryFolder("tandem-bot-disk")
    let disk = FaultyFileSystem()
    let transport = InMemoryTransport()
    let logs = InMemoryLogHandler()
    deinit { folder.remove() }

    static let sam = Member(id: "sam", name: "Sam", roles: [.sales], language: .en)
    static let jonas = Member(id: "jonas", name: "Jonas", roles: [.sales], language: .de)
    static let team = Team(members: [sam, jonas], timeZone: "Europe/Berlin")

    private func message(_ id: String, from member: Member, _ text: String) -> ChatMessage {
        ChatMessage(id: id, channel: "joint", userID: member.id, userName: member.name, text: text, thread: "t-\(id)")
    }

    /// Runs the bot until `body` returns, then cancels it.
    private func withBot(_ body: () async throws -> Void) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder.path), fileSystem: disk)
        var (state, _) = try await store.load()
        // A campaign to note on; the cursor "0" makes the first poll read from the first delivered message.
        state.apply(try await store.append(JournalRecord(events: [.campaignCreated(Campaign(id: "spring", name: "Spring"))], cursor: "0")))
        let bot = BotHarness.service(
            store: store, state: state, team: Self.team, transport: transport,
            clock: ManualClock(Date(timeIntervalSince1970: 1_796_032_800)), logs: logs)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bot.run() }
            try await body()
            group.cancelAll()
        }
    }

    private func notes() throws -> [String] {
        try JournalStore.inspect(path: folder.path).state.team.campaign(id: "spring")?.salesNotes.map(\.text) ?? []
    }

    @Test func aFailedSaveChangesNothingTellsEachSenderOnceAndTheBotRecoversWithTheDisk() async throws {
        try await withBot {
            disk.failAlways(.append, errno: ENOSPC)
            transport.deliver([
                message("m1", from: Self.sam, "@tandem campaign note spring SAP connectors"),
                message("m2", from: Self.jonas, "@tandem kampagne notiz spring Demo gewünscht"),
                message("m3", from: Self.sam, "lunch anyone?"),
            ])
            // The same batch failed twice: both times nothing was applied and the cursor stayed.
            await transport.wait { $0.attempts("unsaved:m2") >= 2 }
            let during = try JournalStore.inspect(path: folder.path).state
            #expect(during.team.campaign(id: "spring")?.salesNotes.isEmpty == true)
            #expect(during.cursor == "0")

            disk.heal()
            await transport.wait { t in t.posted.contains { $0.idempotencyKey == "reply:m2:0" } }
        }

        let apologies = transport.posted.filter { $0.idempotencyKey.hasPrefix("unsaved:") }
        #expect(apologies.map(\.idempotencyKey) == ["unsaved:m1", "unsaved:m2"])
        #expect(apologies.map(\.body.plainText) == [
            "Sorry, I could not save that — nothing changed yet. I will try again by myself; no need to repeat it.",
            "Das konnte ich nicht speichern — noch hat sich nichts geändert. Ich versuche es selbst noch einmal; du musst nichts wiederholen.",
        ])
        #expect(apologies.map(\.thread) == ["t-m1", "t-m2"])
        #expect(apologies.allSatisfy { $0.channel == "joint" })
        #expect(transport.attempts("unsaved:m3") == 0, "a message not addressed to the bot gets no reply")

        // Once the disk worked, each command ran exactly once.
        #expect(try notes() == ["SAP connectors", "Demo gewünscht"])
        #expect(try JournalStore.inspect(path: folder.path).state.cursor == "3")
        let errors = logs.entries.filter { $0.level == .error && "\($0.message)".contains("could not save") }
        #expect(errors.count >= 2)
        #expect(errors.first?.metadata["error"].map { "\($0)".contains("No space left on device") } == true)
    }
}
