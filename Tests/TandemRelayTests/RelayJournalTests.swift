import Foundation
import TandemProtocol
import TandemTesting
import Testing

@testable import TandemRelay

/// The relay's queue on disk and in memory: nothing acknowledged is lost, nothing queued twice, a bad file is
/// named and left alone.
struct RelayJournalTests {
    static func update(_ n: Int) -> Update {
        Update(id: "slack:C1:\(n).0", channel: "C1", user: User(id: "U1", name: "U1"), text: "@tandem help \(n)", timestamp: nil)
    }

    /// A new, empty folder for one test's journal.
    static func folder() throws -> TemporaryFolder {
        let folder = TemporaryFolder("tandem-relay")
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        return folder
    }

    @Test func updatesAndDeliveriesComeBackAfterARestart() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let journal = RelayJournal(path: folder.file("relay.jsonl"))
        let feed = UpdateFeed()
        for n in 1...3 { try await journal.record(key: "slack:Ev\(n)", update: Self.update(n), into: feed) }
        try await journal.recordDelivery(key: "reply:slack:C1:1.0:0", ids: ["111.1"])

        let again = try await RelayJournal(path: folder.file("relay.jsonl")).load()
        #expect(again.updates.map(\.id) == [1, 2, 3])
        #expect(again.updates.map(\.update) == (1...3).map(Self.update))
        #expect(again.delivered.map(\.key) == ["reply:slack:C1:1.0:0"])
        #expect(again.warnings.isEmpty)
        let restored = UpdateFeed()
        restored.restore(again.updates)
        #expect(restored.page(after: 1, limit: 10).updates.map(\.id) == ["slack:C1:2.0", "slack:C1:3.0"])
        #expect(!restored.reserve("slack:Ev2"), "a restored key is a retry")
        #expect(restored.nextID == 4)
    }

    @Test func aLineCutOffByACrashIsRemovedWithAWarning() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let path = folder.file("relay.jsonl")
        let journal = RelayJournal(path: path)
        try await journal.record(key: "slack:Ev1", update: Self.update(1), into: UpdateFeed())
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try (whole + Data(#"{"id":2,"key":"slack:Ev2","upd"#.utf8)).write(to: URL(fileURLWithPath: path))

        let contents = try await RelayJournal(path: path).load()
        #expect(contents.updates.map(\.id) == [1])
        #expect(contents.warnings.count == 1 && contents.warnings[0].contains("line 2"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == whole)
    }

    @Test func aCorruptLineStopsTheRelayNamingFileAndLineAndTheFileIsLeftAlone() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let path = folder.file("relay.jsonl")
        let journal = RelayJournal(path: path)
        try await journal.record(key: "slack:Ev1", update: Self.update(1), into: UpdateFeed())
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes += Data("not json\n".utf8)
        try await journal.record(key: "slack:Ev3", update: Self.update(3), into: UpdateFeed())
        bytes += try Data(contentsOf: URL(fileURLWithPath: path)).suffix(from: bytes.count - Data("not json\n".utf8).count)
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = await #expect(throws: RelayJournalError.self) { try await RelayJournal(path: path).load() }
        #expect(error?.line == 2)
        #expect(error?.file == path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aWaitingPollWakesWhenAnUpdateIsQueuedAndAKeyIsQueuedOnce() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let journal = RelayJournal(path: folder.file("relay.jsonl"))
        let feed = UpdateFeed()
        let start = feed.page(after: nil, limit: 10)
        #expect(start.cursor == "0" && start.updates.isEmpty)

        async let page = feed.wait(after: 0, limit: 10, timeout: .seconds(30))
        while feed.waiting == 0 { await Task.yield() }
        #expect(feed.reserve("slack:Ev1"))
        #expect(!feed.reserve("slack:Ev1"), "a retry while the first is being written")
        try await journal.record(key: "slack:Ev1", update: Self.update(1), into: feed)
        let woke = await page
        #expect(woke.updates.map(\.id) == ["slack:C1:1.0"])
        #expect(woke.cursor == "1")
        #expect(feed.waiting == 0)
        // A cursor from a journal that was replaced starts over from the latest id.
        #expect(feed.page(after: 99, limit: 10).cursor == "1")
    }

    /// A slash command's response_url survives a restart with its update, so the answer still goes there.
    @Test func aSlashCommandsReplyURLComesBackWithItsUpdate() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let journal = RelayJournal(path: folder.file("relay.jsonl"))
        let feed = UpdateFeed()
        try await journal.record(key: "slack-command:1.2", update: Self.update(1), replyURL: "https://hooks.slack.com/commands/T/1/x", into: feed)
        try await journal.record(key: "slack:Ev2", update: Self.update(2), into: feed)
        let contents = try await RelayJournal(path: folder.file("relay.jsonl")).load()
        #expect(contents.replyURLs == [Self.update(1).id: "https://hooks.slack.com/commands/T/1/x"])
    }

    @Test(arguments: [
        ("reply:slack:C1:1.0:0", "slack:C1:1.0"), ("reply:teams:42:3", "teams:42"), ("reply:x:0", "x"),
        ("sla:H-1:1", nil), ("reply::0", nil), ("reply:", nil),
    ] as [(String, String?)])
    func aReplyKeyNamesTheUpdateItAnswers(key: String, update: String?) {
        #expect(OutboxKey.answered(key) == update)
    }
}
