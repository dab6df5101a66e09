import Foundation
import Testing
import TandemCore
import TandemStore
import TandemStoreTesting
import TandemTesting

/// Compaction runs once per N records, keeps backups, and an append costs the same whatever the state's size.
@Suite("Compaction")
final class CompactionTests {
    let folder = TemporaryFolder("tandem-compaction")
    deinit { folder.remove() }

    private struct SequenceOnly: Decodable { var sequence: Int }

    private func sequence(of name: String) throws -> Int? {
        try folder.contents()[name].map { try JSONDecoder().decode(SequenceOnly.self, from: $0).sequence }
    }

    @Test func compactionKeepsTheLastThreeSnapshotsAndRotatesThem() async throws {
        let store = try folder.store()
        var (state, _) = try await store.load()
        for round in 1...5 {
            state.apply(try await store.append(StoreFixtures.created("c\(round)", cursor: round)))
            try await store.compact(state)
        }
        #expect(try sequence(of: "snapshot.json") == 5)
        #expect(try sequence(of: "snapshot.1.json") == 4)
        #expect(try sequence(of: "snapshot.2.json") == 3)
        #expect(folder.contents()["snapshot.3.json"] == nil)
        #expect(folder.size("journal.jsonl") == 0)
        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.backups == [4, 3])
        #expect(inspection.state.content == state.content)
    }

    /// The backup is the previous snapshot under a second name (no copy); a temp name left by a crash between
    /// linking and renaming is cleared; where links fail (a file system without them), it is copied instead.
    @Test(arguments: [nil, EPERM] as [Int32?])
    func theBackupIsThePreviousSnapshotLinkedOrCopied(linkError: Int32?) async throws {
        let disk = FaultyFileSystem()
        let store = try folder.store(disk)
        var (state, _) = try await store.load()
        for round in 1...2 {
            state.apply(try await store.append(StoreFixtures.created("c\(round)", cursor: round)))
            try await store.compact(state)
        }
        let previous = try #require(folder.contents()["snapshot.json"])
        try Data("left by a crash".utf8).write(to: URL(fileURLWithPath: folder.file("snapshot.1.json.tmp")))
        if let linkError { disk.fail(.link, errno: linkError) }
        state.apply(try await store.append(StoreFixtures.created("c3", cursor: 3)))
        let stepsBefore = disk.stepCount
        try await store.compact(state)
        let steps = disk.log.dropFirst(stepsBefore)
        #expect(folder.contents()["snapshot.1.json"] == previous)
        #expect(folder.contents()["snapshot.1.json.tmp"] == nil)
        #expect(try sequence(of: "snapshot.json") == 3)
        #expect(try sequence(of: "snapshot.2.json") == 1)
        let linked = steps.contains("link snapshot.json → snapshot.1.json.tmp")
        let copied = steps.contains("write snapshot.1.json.tmp")
        #expect(linked == (linkError == nil))
        #expect(copied == (linkError != nil))
    }

    /// The first compaction empties a journal that held everything, and there is no older snapshot to keep: the
    /// new snapshot keeps a second name as the first backup, and the next compaction leaves it as that, once.
    @Test func theFirstSnapshotIsAlsoTheFirstBackupUntilTheNextOne() async throws {
        let store = try folder.store()
        var (state, _) = try await store.load()
        state.apply(try await store.append(StoreFixtures.created("c1", cursor: 1)))
        try await store.compact(state)
        #expect(try POSIXFileSystem().isSameFile(folder.file("snapshot.json"), folder.file("snapshot.1.json")))
        #expect(try sequence(of: "snapshot.1.json") == 1)
        state.apply(try await store.append(StoreFixtures.created("c2", cursor: 2)))
        try await store.compact(state)
        #expect(try sequence(of: "snapshot.json") == 2)
        #expect(try sequence(of: "snapshot.1.json") == 1)
        #expect(folder.contents()["snapshot.2.json"] == nil, "the first snapshot is kept once, not twice")
        #expect(try JournalStore.inspect(path: folder.path).backups == [1])
    }

    @Test func compactingAnEmptyJournalChangesNothing() async throws {
        let store = try folder.store()
        var (state, _) = try await store.load()
        state.apply(try await store.append(StoreFixtures.created("c1", cursor: 1)))
        try await store.compact(state)
        let before = folder.contents()
        try await store.compact(state)
        #expect(folder.contents() == before)
    }

    @Test func compactionIsWantedOnlyEveryNRecords() async throws {
        let store = try folder.store(configuration: .init(compactAfterRecords: 4))
        var (state, _) = try await store.load()
        var wanted: [Bool] = []
        for n in 1...9 {
            state.apply(try await store.append(StoreFixtures.sent(n)))
            wanted.append(store.wantsCompaction)
            if store.wantsCompaction { try await store.compact(state) }
        }
        #expect(wanted == [false, false, false, true, false, false, false, true, false])
    }

    /// The hot path: one append is two steps (write, fsync) of exactly its own line, with no read and no rewrite,
    /// however large the state has grown.
    @Test(arguments: [1, 2_000])
    func anAppendWritesOnlyItsOwnLineWhateverTheStateSize(campaigns: Int) async throws {
        let disk = FaultyFileSystem()
        let store = try folder.store(disk)
        var (state, _) = try await store.load()
        let seed = JournalRecord(events: (0..<campaigns).map { .campaignCreated(StoreFixtures.campaign("c\($0)")) })
        state.apply(try await store.append(seed))
        try await store.compact(state)

        let steps = disk.stepCount
        let size = folder.size("journal.jsonl")
        let record = try await store.append(StoreFixtures.note(on: "c0", "hello", cursor: 1))
        #expect(Array(disk.log.dropFirst(steps)) == ["append journal.jsonl", "fsync journal.jsonl"])
        #expect(folder.size("journal.jsonl") - size == (try StoreFixtures.line(record, sequence: record.sequence)).count)
    }

    /// The snapshot is written on a queue of its own: appends go on meanwhile, stay in the journal when it is cut,
    /// and everything loads back. (Were appends held up, this test would hit its time limit.)
    @Test(.timeLimit(.minutes(3)))
    func appendsGoOnWhileASnapshotIsWritten() async throws {
        let disk = GatedFileSystem(holding: "snapshot.json.tmp")
        let store = try folder.store(disk, configuration: .init(compactAfterRecords: 1))
        var (state, _) = try await store.load()
        state.apply(try await store.append(StoreFixtures.created("c1", cursor: 1)))
        let compaction = try #require(try await store.compaction(of: state))
        let running = Task { try await compaction.run() }
        await disk.reached()

        for n in 2...4 { state.apply(try await store.append(StoreFixtures.created("c\(n)", cursor: n))) }
        #expect(!store.wantsCompaction, "one compaction at a time")
        disk.open()
        try await running.value

        #expect(try sequence(of: "snapshot.json") == 1)
        let journal = try #require(folder.contents()["journal.jsonl"])
        let sequences = try journal.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(SequenceOnly.self, from: Data($0)).sequence
        }
        #expect(sequences == [2, 3, 4])
        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.skippedRecords == 0)
        #expect(inspection.state.content == state.content)
        #expect(store.wantsCompaction)
        #expect(try await store.append(StoreFixtures.sent(1)).sequence == 5)
    }
}

/// The real disk, except that writing one file waits until the test opens the gate.
final class GatedFileSystem: FileSystem {
    private let base = POSIXFileSystem()
    private let held: String
    private let gate = DispatchSemaphore(value: 0)
    private let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation

    init(holding name: String) {
        held = name
        (arrivals, arrived) = AsyncStream.makeStream()
    }

    /// Returns once a write of the held file has begun (and waits at the gate).
    func reached() async {
        var waiting = arrivals.makeAsyncIterator()
        _ = await waiting.next()
    }

    func open() { gate.signal() }

    func write(_ data: Data, to path: String) throws {
        if path.hasSuffix("/" + held) {
            arrived.yield()
            gate.wait()  // on the store's snapshot queue, never the cooperative pool
        }
        try base.write(data, to: path)
    }

    func read(_ path: String) throws -> Data? { try base.read(path) }
    func append(_ data: Data, to path: String) throws { try base.append(data, to: path) }
    func fsync(_ path: String) throws { try base.fsync(path) }
    func rename(_ from: String, to: String) throws { try base.rename(from, to: to) }
    func fsyncDirectory(_ directory: String) throws { try base.fsyncDirectory(directory) }
    func truncate(_ path: String, to size: Int) throws { try base.truncate(path, to: size) }
    func link(_ existing: String, as newName: String) throws { try base.link(existing, as: newName) }
    func remove(_ path: String) throws { try base.remove(path) }
    func isSameFile(_ path: String, _ other: String) throws -> Bool { try base.isSameFile(path, other) }
}
