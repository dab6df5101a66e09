import Foundation
import Synchronization
import Testing
import TandemStore
import TandemTesting

/// `tandem state verify` and `export` read a folder without its lock, beside a bot that may compact meanwhile,
/// and large snapshots are mapped rather than copied.
@Suite("Reading beside a compaction")
final class ReadingBesideACompactionTests {
    let before = TemporaryFolder("tandem-read-before")
    let after = TemporaryFolder("tandem-read-after")
    deinit {
        before.remove()
        after.remove()
    }

    /// Serves the journal as it was before a compaction and the snapshot as it is after it (what a reader sees
    /// when the bot compacts between its two reads), and records the order of the reads.
    final class Interleaved: FileSystem {
        let journalFolder: String
        let base = POSIXFileSystem()
        let reads = Mutex<[String]>([])
        init(journalFrom folder: String) { journalFolder = folder }

        private func redirect(_ path: String) -> String {
            (path as NSString).lastPathComponent == "journal.jsonl" ? journalFolder + "/journal.jsonl" : path
        }
        func read(_ path: String) throws -> Data? {
            reads.withLock { $0.append((path as NSString).lastPathComponent) }
            return try base.read(redirect(path))
        }
        func readReplaced(_ path: String) throws -> Data? { try read(path) }
        func append(_ data: Data, to path: String) throws { Issue.record("a reader wrote") }
        func write(_ data: Data, to path: String) throws { Issue.record("a reader wrote") }
        func fsync(_ path: String) throws {}
        func rename(_ from: String, to: String) throws { Issue.record("a reader renamed") }
        func fsyncDirectory(_ directory: String) throws {}
        func truncate(_ path: String, to size: Int) throws { Issue.record("a reader truncated") }
        func link(_ existing: String, as newName: String) throws { Issue.record("a reader linked") }
        func remove(_ path: String) throws { Issue.record("a reader removed") }
        func isSameFile(_ path: String, _ other: String) throws -> Bool { false }
    }

    @Test func theJournalIsReadFirstSoACompactionMeanwhileLeavesAConsistentPair() async throws {
        // The bot's folder before compacting: a snapshot at record 2, records 3…6 in the journal.
        let store = try after.store()
        var (state, _) = try await store.load()
        for n in 1...2 { state.apply(try await store.append(StoreFixtures.created("c\(n)", cursor: n))) }
        try await store.compact(state)
        for n in 3...6 { state.apply(try await store.append(StoreFixtures.created("c\(n)", cursor: n))) }
        try FileManager.default.createDirectory(atPath: before.path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: after.file("journal.jsonl"), toPath: before.file("journal.jsonl"))
        // … and after: the snapshot holds everything, the journal is empty.
        try await store.compact(state)
        store.folder.release()

        let disk = Interleaved(journalFrom: before.path)
        let inspection = try JournalStore.inspect(path: after.path, fileSystem: disk, backups: 0)
        #expect(disk.reads.withLock { $0 }.prefix(2) == ["journal.jsonl", "snapshot.json"])
        #expect(inspection.state.content == state.content)
        #expect(inspection.skippedRecords == 4, "the old journal's records are all in the new snapshot")
    }

    @Test func aLargeSnapshotIsMappedAndReadsTheSameBytes() throws {
        try FileManager.default.createDirectory(atPath: before.path, withIntermediateDirectories: true)
        var random = SplitMix64(seed: 3)
        let bytes = Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) })
        try bytes.write(to: URL(fileURLWithPath: before.file("snapshot.json")))
        let disk = POSIXFileSystem()
        #expect(try disk.readReplaced(before.file("snapshot.json")) == bytes)
        #expect(try disk.readReplaced(before.file("missing.json")) == nil)
        // Replaced by a rename while a mapping is held: the mapping keeps the old file's bytes.
        let mapped = try #require(try disk.readReplaced(before.file("snapshot.json")))
        try disk.replace(before.file("snapshot.json"), with: Data("new".utf8))
        #expect(mapped == bytes)
        #expect(try disk.readReplaced(before.file("snapshot.json")) == Data("new".utf8))
    }
}
