import Foundation
import InMemoryLogging
import Logging
import Synchronization
import TandemChat
import TandemCore
import TandemRuntime
import TandemRuntimeTesting
import TandemStore

/// The real bot service in process, over a recording transport, a manual clock and a real journal.
enum BotHarness {
    static let mia = Member(id: "mia", name: "Mia", roles: [.marketingLead], language: .en, timeZone: "Europe/Berlin")
    static let sam = Member(id: "sam", name: "Sam", roles: [.sales], language: .en, timeZone: "Europe/Berlin")
    static let priya = Member(id: "priya", name: "Priya", roles: [.salesLead], language: .en, timeZone: "Europe/Berlin")
    static let team = Team(
        members: [mia, sam, priya], timeZone: "Europe/Berlin", salesChannel: "sales", jointChannel: "joint")

    /// Appends `events` to the state in `folder` as one record, as an earlier run of the bot would have.
    static func seed(_ folder: String, _ events: [DomainEvent]) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder))
        _ = try await store.load()
        try await store.append(JournalRecord(events: events))
        store.folder.release()
    }

    /// Runs the bot on `folder` until `body` returns, then stops it as a shutdown would.
    static func run(
        folder: String, clock: ManualClock, transport: InMemoryTransport, logs: InMemoryLogHandler = InMemoryLogHandler(),
        notices: NoticeSettings = NoticeSettings(), firstStart: Bool = false, _ body: @Sendable () async throws -> Void
    ) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder))
        defer { store.folder.release() }
        let (state, _) = try await store.load()
        let bot = service(
            store: store, state: state, team: team, transport: transport, clock: clock, logs: logs, notices: notices,
            firstStart: firstStart)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bot.run() }
            try await body()
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    /// The bot service over `store`, answering as user `tandem` in `team`, logging into `logs`.
    static func service(
        store: JournalStore, state: StoredState, team: Team, transport: InMemoryTransport, clock: ManualClock,
        logs: InMemoryLogHandler, notices: NoticeSettings = NoticeSettings(), firstStart: Bool = false,
        sentMarkDelay: Duration = .milliseconds(100)
    ) -> BotService {
        BotService(
            .init(
                transport: transport, store: store, handler: CommandHandler(team: team), addressing: Addressing(),
                botUserID: "tandem", clock: clock, notices: notices, logger: Logger(label: "test") { _ in logs },
                firstStart: firstStart, sentMarkDelay: sentMarkDelay),
            state: state)
    }

    /// A Berlin wall time as an instant.
    static func berlin(_ iso: String, _ hour: Int, _ minute: Int = 0) -> Date {
        WallTime(day: Day(iso: iso)!, hour: hour, minute: minute).instant(in: TimeZone(identifier: "Europe/Berlin")!)
    }
}
