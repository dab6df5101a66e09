import Foundation
import TandemCore
@testable import TandemStore
import TandemTesting
import Testing

/// The state format cannot lose a field silently: every stored model type, generated with every field set
/// (`EveryFieldSamples`, from the types themselves), reads back equal through every way the store reads it, and
/// the store's writer writes what Foundation's `JSONEncoder` writes.
@Suite("State format: every field of every stored type")
struct StateFormatTests {
    // MARK: - Samples

    /// `storedState(count:)` for each of `sizes`, made once for all the tests.
    static let states: [Int: StoredState] = Dictionary(uniqueKeysWithValues: sizes.map { ($0, try! storedState(count: $0)) })

    /// A snapshot of `states[count]`, and its bytes as the store writes them.
    static func snapshot(_ count: Int) throws -> (snapshot: Snapshot, data: Data) {
        let snapshot = Snapshot(sequence: count, state: states[count]!)
        return (snapshot, try StateJSONEncoder.snapshot.encode(snapshot))
    }

    /// `count` of each: campaigns, handoffs (`H-1`…), meetings (`M-1`…), outbox entries and notices sent.
    static func storedState(count: Int) throws -> StoredState {
        func make<T: Decodable>(_ type: T.Type) throws -> [T] {
            try (0..<count).map { try EveryFieldSamples.make(type, variant: $0) }
        }
        var handoffs = try make(Handoff.self)
        for n in handoffs.indices { handoffs[n].id = "H-\(n + 1)" }
        var meetings = try make(Meeting.self)
        for n in meetings.indices { meetings[n].id = "M-\(n + 1)" }
        let records = TeamState.Records(
            campaigns: try make(Campaign.self), handoffs: handoffs, meetings: meetings,
            sentNotices: Set(try make(NoticeSent.self).map(\.key)))
        return StoredState(
            team: try TeamState(records), cursor: try EveryFieldSamples.make(String.self, variant: count),
            outbox: try make(OutboxEntry.self))
    }

    /// One of each kind of event at least, found from the type: variants repeat the kinds after as many as there
    /// are (`EveryFieldSamples` picks the case `variant % count`).
    static func everyKindOfEvent() throws -> [DomainEvent] {
        func kind(_ event: DomainEvent) -> String? { Mirror(reflecting: event).children.first?.label }
        let first = kind(try EveryFieldSamples.make(DomainEvent.self, variant: 0))
        let kinds = try (1...).first { kind(try EveryFieldSamples.make(DomainEvent.self, variant: $0)) == first }!
        return try (0..<max(kinds, EveryFieldSamples.payloadEnumCases) * 2).map {
            try EveryFieldSamples.make(DomainEvent.self, variant: $0)
        }
    }

    /// Journal records holding every kind of event, replies and sent keys.
    static func journalRecords() throws -> [JournalRecord] {
        let events = try everyKindOfEvent()
        return try stride(from: 0, to: events.count, by: 3).map { start in
            JournalRecord(
                sequence: start + 1, events: Array(events[start..<min(start + 3, events.count)]),
                outbox: [try EveryFieldSamples.make(OutboxEntry.self, variant: start)],
                sent: [try EveryFieldSamples.make(String.self, variant: start)],
                cursor: try EveryFieldSamples.make(String.self, variant: start + 1))
        }
    }

    // MARK: - The samples are complete

    /// If a property is missing here, its type's `CodingKeys` (or `Codable` form) leaves it out: it would not be
    /// stored at all.
    @Test func everyStoredPropertyOfEveryModelIsSetInTheSamples() throws {
        let state = Self.states[10]!
        for value in state.team.campaigns as [Any] + state.team.handoffs + state.team.meetings + state.outbox {
            #expect(EveryFieldSamples.unsetFields(value) == [], "\(type(of: value))")
        }
        for event in try Self.everyKindOfEvent() {
            #expect(EveryFieldSamples.unsetFields(event) == [], "\(event)")
        }
        for record in try Self.journalRecords() {
            #expect(EveryFieldSamples.unsetFields(record) == [])
        }
        // Every case of every enum: statuses, priorities, consents…
        #expect(Set(state.team.handoffs.map(\.status)) == Set(Handoff.Status.allCases))
        #expect(Set(state.team.campaigns.compactMap(\.statusOverride)) == Set(Campaign.Status.allCases))
    }

    // MARK: - Snapshots

    /// What a state read back must equal: all it stores, and what its indexes answer. (`==` of two states also
    /// compares the search index's internals, whose order depends on hashing.)
    struct ReadBack: Equatable {
        var version: Int
        var sequence: Int
        var records: TeamState.Records
        var cursor: String?
        var outbox: [OutboxEntry]
        var open: Set<Int>
        var overdue: [Int]
        var byCampaign: [[Int]]
        var byAssignee: [Set<Int>]
        var campaignsByID: [Campaign?]
        var searchHits: [[Int]]

        init(_ snapshot: Snapshot) {
            let team = snapshot.state.team
            version = snapshot.version
            sequence = snapshot.sequence
            records = team.records
            cursor = snapshot.state.cursor
            outbox = snapshot.state.outbox
            open = team.openHandoffs
            overdue = Array(team.overdueHandoffPositions(at: Date(timeIntervalSince1970: 1_800_050_000)))
            byCampaign = team.handoffs.map { team.handoffPositions(campaign: $0.campaign ?? "") }
            byAssignee = team.handoffs.map { team.openHandoffPositions(assignee: $0.assignee) }
            campaignsByID = team.campaigns.map { team.campaign(id: $0.id.uppercased()) }
            searchHits = ["name", "ü", "nmae", "spring"].map { team.campaignSearch.search($0).map(\.position) }
        }
    }

    /// The ways a snapshot is read: Foundation's decoder (the reference), the store's engine through `Codable`
    /// alone, and the store's loading (`StateLoading`: handoffs read from the tape, indexes built on threads),
    /// each with the document parsed in one part and in parts on all cores.
    enum SnapshotReader: String, CaseIterable, CustomTestStringConvertible {
        case foundation, codable, codableInParts, store, storeInParts
        var testDescription: String { rawValue }

        func read(_ data: Data) throws -> Snapshot {
            let whole = Int.max
            return switch self {
            case .foundation: try StoreFixtures.decoder.decode(Snapshot.self, from: data)
            case .codable: try StateJSONDecoder.decode(Snapshot.self, from: data, parallelFrom: whole)
            case .codableInParts: try StateJSONDecoder.decode(Snapshot.self, from: data, parallelFrom: 0)
            case .store:
                try StateJSONDecoder.decode(Snapshot.self, from: data, parallelFrom: whole, overrides: StateLoading.overrides)
            case .storeInParts:
                try StateJSONDecoder.decode(Snapshot.self, from: data, parallelFrom: 0, overrides: StateLoading.overrides)
            }
        }
    }

    /// 10: every array is decoded in one go; 5,000: handoffs and campaigns are decoded in parts on all cores.
    static let sizes = [10, 5_000]

    /// A snapshot as the store writes it (`.records`), through every reader.
    @Test(arguments: sizes, SnapshotReader.allCases)
    func aSnapshotReadsBackEqual(count: Int, reader: SnapshotReader) throws {
        let (snapshot, data) = try Self.snapshot(count)
        #expect(ReadBack(try reader.read(data)) == ReadBack(snapshot))
    }

    /// The other forms the store reads or writes (an export, Foundation's), through the store's loading.
    @Test(arguments: sizes)
    func aSnapshotInEveryFormReadsBackEqual(count: Int) throws {
        let snapshot = try Self.snapshot(count).snapshot
        for data in [
            try StateJSONEncoder(format: .compact).encode(snapshot), try StateJSONEncoder.export.encode(snapshot),
            try StoreFixtures.encoder().encode(snapshot),
        ] {
            #expect(ReadBack(try SnapshotReader.store.read(data)) == ReadBack(snapshot))
        }
    }

    /// The whole way: compaction writes the snapshot to disk, a new store loads it.
    @Test(arguments: sizes)
    func aSnapshotOnDiskLoadsBackEqual(count: Int) async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var state = Self.states[count]!
        try await Self.writeSnapshot(of: &state, in: folder)
        let (loaded, _) = try await folder.reload()
        #expect(ReadBack(Snapshot(sequence: 0, state: loaded)) == ReadBack(Snapshot(sequence: 0, state: state)))
    }

    /// A new store in `folder` whose snapshot holds `state` (and the one record a compaction needs first).
    static func writeSnapshot(of state: inout StoredState, in folder: TemporaryFolder) async throws {
        let store = try folder.store()
        _ = try await store.load()
        state.apply(try await store.append(JournalRecord(cursor: "before the snapshot")))
        try await store.compact(state)
    }

    /// The direct handoff reader is the one that reads a snapshot's handoffs: it must take every handoff with every
    /// field set (or loading silently slows down) and read it as `Codable` does.
    @Test func theDirectReaderTakesEveryHandoffWithEveryField() throws {
        let handoffs = Self.states[5_000]!.team.handoffs
        let direct = try HandoffTapeReaderTests.readDirectly(try StateJSONEncoder.snapshot.encode(handoffs))
        #expect(direct.allSatisfy { $0 != nil })
        #expect(direct.compactMap { $0 } == handoffs)
    }

    // MARK: - The journal

    @Test func journalRecordsReadBackEqual() throws {
        for record in try Self.journalRecords() {
            let line = try StateJSONEncoder.line.encode(record)
            #expect(try StoreFixtures.decoder.decode(JournalRecord.self, from: line) == record)
            #expect(try StateJSONDecoder.decode(JournalRecord.self, from: line) == record)
            #expect(try JournalReader.decodeRecord(line, path: "journal.jsonl", line: 1) == record)
        }
    }

    /// Appended to a journal on disk and loaded by a new store: the state is the fold of the records.
    @Test func aJournalOnDiskLoadsBackTheFoldOfItsRecords() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let records = try Self.journalRecords()
        var expected = Self.states[10]!
        try await Self.writeSnapshot(of: &expected, in: folder)
        do {
            let store = try folder.store()
            _ = try await store.load()
            for record in records { expected.apply(try await store.append(record)) }
        }
        let (loaded, report) = try await folder.reload()
        #expect(report.records == records.count)
        #expect(ReadBack(Snapshot(sequence: 0, state: loaded)) == ReadBack(Snapshot(sequence: 0, state: expected)))
    }

    // MARK: - The writer

    /// Byte for byte what `JSONEncoder` writes (sorted keys, ISO 8601 dates), compact and pretty; `.records` is
    /// the compact form with newlines between records.
    @Test(arguments: sizes)
    func theWriterWritesWhatJSONEncoderWrites(count: Int) throws {
        let (snapshot, records) = try Self.snapshot(count)
        for pretty in [false, true] {
            let ours = try StateJSONEncoder(format: pretty ? .pretty : .compact).encode(snapshot)
            #expect(ours == (try StoreFixtures.encoder(pretty: pretty).encode(snapshot)), "pretty: \(pretty)")
        }
        // Text never holds a raw newline (JSON escapes it): without them, the records form is the compact one.
        #expect(Data(records.filter { $0 != UInt8(ascii: "\n") }) == (try StoreFixtures.encoder().encode(snapshot)))
        #expect(records.count(where: { $0 == UInt8(ascii: "\n") }) >= 4 * count, "one line per record")
    }

    @Test func theWriterWritesJournalLinesAsJSONEncoderDoes() throws {
        for record in try Self.journalRecords() {
            #expect(try StateJSONEncoder.line.encode(record) == StoreFixtures.encoder().encode(record))
        }
    }
}
