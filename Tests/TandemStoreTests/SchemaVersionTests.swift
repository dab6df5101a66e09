import Foundation
import Testing
import TandemCore
import TandemStore
import TandemTesting

/// Every past schema version loads to the same state; a newer one is refused as such and left untouched.
@Suite("Schema versions")
final class SchemaVersionTests {
    let folder = TemporaryFolder("tandem-schema")
    deinit { folder.remove() }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema")

    /// One fixture folder per version ever defined, each holding the same state (see `SchemaVersion`).
    struct Fixture: Sendable, CustomTestStringConvertible {
        var version: Int
        /// The sequence the next record gets.
        var nextSequence: Int
        var testDescription: String { "version \(version)" }
    }

    @Test(arguments: [Fixture(version: 0, nextSequence: 4), Fixture(version: 1, nextSequence: 11)])
    func aFixtureOfEachVersionLoadsToTheSameState(_ fixture: Fixture) async throws {
        for name in ["snapshot.json", "journal.jsonl"] {
            let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("v\(fixture.version)/\(name)"))
            try folder.write(name, data)
        }
        let store = try folder.store()
        let (state, report) = try await store.load()
        #expect(report.records == 3)
        let spring = try #require(state.team.campaign(id: "spring-launch"))
        #expect(spring.salesNotes.map(\.text) == ["asked for SAP", "wants a demo"])
        #expect(state.outbox.map(\.key) == ["reply:m2:0"])
        #expect(state.cursor == "2")

        // Migrated records continue the sequence, and compaction rewrites the state in the current version.
        #expect(try await store.append(JournalRecord(sent: ["reply:m2:0"])).sequence == fixture.nextSequence)
        var after = state
        after.apply(JournalRecord(sent: ["reply:m2:0"]))
        try await store.compact(after)
        let snapshot = try JSONDecoder().decode(VersionAndSequence.self, from: folder.contents()["snapshot.json"] ?? Data())
        #expect(snapshot.version == SchemaVersion.current)
        #expect(snapshot.sequence == fixture.nextSequence)
        #expect(try JournalStore.inspect(path: folder.path).state.content == after.content)
    }

    private struct VersionAndSequence: Decodable {
        var version: Int
        var sequence: Int
    }

    @Test func aRecordFromANewerTandemIsRefusedNamingItsVersionAndLine() async throws {
        var journal = try StoreFixtures.line(StoreFixtures.created("spring", cursor: 1), sequence: 1)
        // A newer shape this Tandem cannot decode: the version is read first, so it is not called corrupt.
        journal += Data("{\"version\":2,\"seq\":2,\"changes\":[]}\n".utf8)
        try folder.write("journal.jsonl", journal)
        let before = folder.contents()

        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .unsupportedVersion(2, line: 2))
        #expect(error.description.contains("journal.jsonl line 2 was written by a newer Tandem (schema version 2"))
        #expect(folder.contents().filter { $0.key != "lock" } == before)
    }

    @Test func aSnapshotFromANewerTandemIsRefused() async throws {
        try folder.write("snapshot.json", Data("{\"version\":3,\"everything\":{}}".utf8))
        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .unsupportedVersion(3, line: nil))
        #expect(error.path == folder.file("snapshot.json"))
    }
}
