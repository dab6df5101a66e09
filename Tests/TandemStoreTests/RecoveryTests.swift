import Foundation
import Testing
import TandemCore
import TandemStore
import TandemTesting

/// What loading does with files a crash, a disk or a person left behind.
@Suite("Loading and recovery")
final class RecoveryTests {
    let folder = TemporaryFolder("tandem-recovery")
    deinit { folder.remove() }

    /// Two records, then half of a third as a crash mid-write leaves it.
    private func journalWithTornTail() async throws -> Data {
        let store = try folder.store()
        _ = try await store.load()
        try await store.append(StoreFixtures.created("spring", cursor: 1))
        try await store.append(StoreFixtures.note(on: "spring", "first", cursor: 2))
        let torn = try StoreFixtures.line(StoreFixtures.note(on: "spring", "lost", cursor: 3), sequence: 3).prefix(40)
        try POSIXFileSystem().append(torn, to: folder.file("journal.jsonl"))
        return Data(torn)
    }

    @Test func aTornLastLineIsSetAsideWithAWarningAndLaterAppendsWork() async throws {
        let torn = try await journalWithTornTail()
        let intact = folder.size("journal.jsonl") - torn.count

        do {
            let store = try folder.store()
            let (state, report) = try await store.load()
            #expect(state.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["first"])
            #expect(state.cursor == "2")
            #expect(report.warnings.contains { $0.contains("cut off by a crash") && $0.contains("journal.jsonl.torn") })
            #expect(folder.contents()["journal.jsonl.torn"] == torn + Data("\n".utf8))
            #expect(folder.size("journal.jsonl") == intact)

            let record = try await store.append(StoreFixtures.note(on: "spring", "after", cursor: 3))
            #expect(record.sequence == 3)
        }
        let (reloaded, again) = try await folder.reload()
        #expect(reloaded.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["first", "after"])
        #expect(!again.warnings.contains { $0.contains("cut off") })
    }

    @Test func aCompleteLastLineWithoutItsNewlineIsTornToo() async throws {
        do {
            let store = try folder.store()
            _ = try await store.load()
            try await store.append(StoreFixtures.created("spring", cursor: 1))
        }
        let whole = try StoreFixtures.line(StoreFixtures.sent(1), sequence: 2).dropLast()
        try POSIXFileSystem().append(whole, to: folder.file("journal.jsonl"))

        let (state, report) = try await folder.reload()
        // Its append never returned (the newline is part of the same write), so nothing was built on it.
        #expect(state.outbox == [StoreFixtures.reply(1)])
        #expect(report.warnings.count == 1)
    }

    @Test func aCorruptLineInTheMiddleStopsLoadingNamingFileAndLineAndTouchesNothing() async throws {
        var journal = try StoreFixtures.line(StoreFixtures.created("spring", cursor: 1), sequence: 1)
        journal += Data("{\"version\":1,\"sequence\":2,\"events\":[{\"type\":\"nonsense\"}]\n".utf8)
        journal += try StoreFixtures.line(StoreFixtures.sent(1), sequence: 3)
        try folder.write("journal.jsonl", journal)
        let before = folder.contents()

        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .corrupt(line: 2))
        #expect(error.path == folder.file("journal.jsonl"))
        #expect(error.description.contains("journal.jsonl at line 2"))
        #expect(folder.contents().filter { $0.key != "lock" } == before)
    }

    /// A long journal is decoded on both cores; the error is still the first bad line's, and a long intact one
    /// loads to the state its records make, in order.
    @Test(arguments: [[], [150], [40, 150], [199]])
    func aLongJournalReadsInOrderAndNamesItsFirstBadLine(bad: [Int]) async throws {
        var journal = Data()
        var expected = StoredState()
        for n in 1...200 {
            let record = n % 2 == 1
                ? StoreFixtures.note(on: "spring", "note \(n)", cursor: n) : StoreFixtures.sent(n - 1)
            if n == 1 { expected.apply(StoreFixtures.created("spring", cursor: 0)) }
            journal += bad.contains(n)
                ? Data("{\"version\":1,\"sequence\":\(n),\"events\":[{\"type\":\"nonsense\"}]}\n".utf8)
                : try StoreFixtures.line(record, sequence: n + 1)
            expected.apply(record)
        }
        try folder.write("journal.jsonl", try StoreFixtures.line(StoreFixtures.created("spring", cursor: 0), sequence: 1) + journal)

        if let first = bad.first {
            let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
            #expect(error.kind == .corrupt(line: first + 1))
        } else {
            let (state, report) = try await folder.reload()
            #expect(report.records == 201)
            #expect(state.content == expected.content)
        }
    }

    @Test func aCorruptSnapshotStopsLoadingNamingTheFileAndTouchesNothing() async throws {
        try folder.write("snapshot.json", Data("{\"version\":1,\"sequence\":4,\"state\":{\"campaigns\":[{\"id\":".utf8))
        try folder.write("journal.jsonl", try StoreFixtures.line(StoreFixtures.sent(1), sequence: 5))
        let before = folder.contents()

        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .corrupt(line: 1))
        #expect(error.path == folder.file("snapshot.json"))
        #expect(error.description.contains("left the file untouched"))
        #expect(folder.contents().filter { $0.key != "lock" } == before)
    }

    /// A value of the wrong type deep inside a pretty snapshot: the message names its line and its path.
    @Test func aWrongValueInASnapshotIsNamedByLineAndPath() async throws {
        let snapshot = """
            {
              "sequence" : 4,
              "state" : {
                "outbox" : [],
                "team" : {
                  "campaigns" : [
                    { "id" : "spring", "name" : "Spring" },
                    { "id" : "fall", "name" : 42 }
                  ]
                }
              },
              "version" : 1
            }
            """
        try folder.write("snapshot.json", Data(snapshot.utf8))
        let before = folder.contents()

        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .corrupt(line: 8))
        #expect(error.description.contains(".state.team.campaigns[1].name"))
        #expect(folder.contents().filter { $0.key != "lock" } == before)
    }

    /// A handoff's id is its position: a snapshot where they disagree (edited by hand) would answer for the
    /// wrong lead, so it is refused, not loaded.
    @Test func handoffsOutOfOrderInASnapshotAreRefused() async throws {
        let state = Samples.state(fraction: 0).team
        var handoffs = state.handoffs
        handoffs.swapAt(0, 2)
        let encoder = StoreFixtures.encoder()
        var object = try JSONSerialization.jsonObject(with: encoder.encode(state)) as! [String: Any]
        object["handoffs"] = try JSONSerialization.jsonObject(with: encoder.encode(handoffs))
        let snapshot: [String: Any] = ["version": 1, "sequence": 4, "state": ["outbox": [], "team": object]]
        try folder.write("snapshot.json", try JSONSerialization.data(withJSONObject: snapshot))

        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .corrupt(line: 1))
        #expect(error.description.contains("handoff 1 has the id H-3, not H-1"))
    }

    @Test func aMissingSnapshotBesideItsBackupIsRefusedRatherThanStartingEmpty() async throws {
        try folder.write("snapshot.1.json", Data("{}".utf8))
        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.path == folder.file("snapshot.json"))
        #expect(error.description.contains("snapshot.1.json exists"))
    }

    @Test func recordsAlreadyInTheSnapshotAreSkippedByTheirSequence() async throws {
        // A compaction that wrote the snapshot (through record 2) and stopped before emptying the journal.
        let state = StoredState(team: TeamState(campaigns: [StoreFixtures.campaign("spring")]), cursor: "2")
        try folder.write("snapshot.json", try StateJSONEncoder.snapshot.encode(Snapshot(sequence: 2, state: state)))
        var journal = try StoreFixtures.line(StoreFixtures.created("spring", cursor: 1), sequence: 1)
        journal += try StoreFixtures.line(StoreFixtures.sent(1), sequence: 2)
        journal += try StoreFixtures.line(StoreFixtures.note(on: "spring", "new", cursor: 3), sequence: 3)
        try folder.write("journal.jsonl", journal)

        let store = try folder.store()
        let (loaded, report) = try await store.load()
        #expect(report.records == 3)
        #expect(loaded.team.campaigns.count == 1)
        #expect(loaded.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["new"])
        #expect(try await store.append(StoreFixtures.sent(3)).sequence == 4)
    }

    @Test func aGapInTheSequenceIsRefused() async throws {
        var journal = try StoreFixtures.line(StoreFixtures.created("spring", cursor: 1), sequence: 1)
        journal += try StoreFixtures.line(StoreFixtures.sent(1), sequence: 3)
        try folder.write("journal.jsonl", journal)
        let error = try await #require(throws: StoreError.self) { try await self.folder.reload() }
        #expect(error.kind == .corrupt(line: 2))
        #expect(error.detail.contains("records are missing"))
    }

    @Test func inspectingReadsEverythingAndChangesNothing() async throws {
        let torn = try await journalWithTornTail()
        let before = folder.contents()
        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.tornTail == torn)
        #expect(inspection.journalRecords == 2)
        #expect(inspection.state.team.campaigns.count == 1)
        #expect(folder.contents() == before)
    }
}
