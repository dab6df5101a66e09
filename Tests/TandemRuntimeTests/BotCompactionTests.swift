import Foundation
import InMemoryLogging
import Logging
import Testing
import TandemChat
import TandemCore
import TandemRuntime
import TandemRuntimeTesting
import TandemStore
import TandemTesting

/// The bot compacts in the background as it goes: commands keep being answered once each, and what it wrote
/// loads back whole.
@Suite(.timeLimit(.minutes(3)))
final class BotCompactionTests {
    let folder = TemporaryFolder("tandem-bot-compaction")
    let transport = InMemoryTransport()
    let logs = InMemoryLogHandler()
    deinit { folder.remove() }

    static let sam = Member(id: "sam", name: "Sam", roles: [.sales], language: .en)
    static let team = Team(members: [sam], timeZone: "Europe/Berlin")

    @Test func compactionsWhileCommandsComeInLoseNothing() async throws {
        let store = JournalStore(
            folder: try StateFolder(path: folder.path), configuration: .init(compactAfterRecords: 4))
        var (state, _) = try await store.load()
        state.apply(try await store.append(JournalRecord(events: [.campaignCreated(Campaign(id: "spring", name: "Spring"))], cursor: "0")))
        let bot = BotHarness.service(
            store: store, state: state, team: Self.team, transport: transport,
            clock: ManualClock(Date(timeIntervalSince1970: 1_796_032_800)), logs: logs)
        let notes = (1...15).map { "note \($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bot.run() }
            // One message per poll, so each is a record of its own and compactions fall between them.
            for (n, note) in notes.enumerated() {
                transport.deliver([
                    ChatMessage(id: "m\(n)", channel: "joint", userID: "sam", userName: "Sam", text: "@tandem campaign note spring \(note)")
                ])
                await transport.wait { t in t.posted.contains { $0.idempotencyKey == "reply:m\(n):0" } }
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        store.folder.release()

        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.state.team.campaign(id: "spring")?.salesNotes.map(\.text) == notes)
        #expect(inspection.snapshotSequence > 0)
        #expect(inspection.journalRecords < 15, "the journal was cut")
        #expect(transport.posted.map(\.idempotencyKey) == notes.indices.map { "reply:m\($0):0" })
        let snapshots = logs.entries.filter { "\($0.message)" == "wrote a new snapshot" }
        #expect(snapshots.count >= 2)
        #expect(!logs.entries.contains { $0.level >= .warning }, "\(logs.entries.filter { $0.level >= .warning })")
    }
}
