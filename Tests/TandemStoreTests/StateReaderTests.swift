import Foundation
import TandemStore
import Testing

/// `StateReader`, the lock-free read of a state folder behind `tandem export`: it must see what
/// `JournalStore` wrote, beside a running bot, without changing a byte.
@Suite("StateReader")
struct StateReaderTests {
    /// A folder written by the real store: `records` cursor-only records ("c1", "c2", …), the first
    /// `compactAfter` of them compacted into the snapshot. The store (and its lock) stays alive in `body`.
    func withFolder(records: Int, compactAfter: Int? = nil, _ body: (String) throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-reader-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try StateFolder(path: path)
        let store = JournalStore(folder: folder)
        var (state, _) = try await store.load()
        for n in stride(from: 1, through: records, by: 1) {
            let record = try await store.append(JournalRecord(cursor: "c\(n)"))
            state.apply(record)
            if n == compactAfter { try await store.compact(state) }
        }
        try body(path)
        withExtendedLifetime(store) {}
    }

    func append(_ line: String, to folder: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: folder + "/journal.jsonl"))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
    }

    func line(sequence: Int, version: Int = 1) -> String {
        #"{"cursor":"c\#(sequence)","events":[],"outbox":[],"sent":[],"sequence":\#(sequence),"version":\#(version)}"#
    }

    @Test func readsSnapshotAndJournalWhileTheFolderIsLocked() async throws {
        try await withFolder(records: 5, compactAfter: 3) { path throws in
            #expect(try StateReader.read(path: path).cursor == "c5")
        }
    }

    @Test func leavesALineWithoutItsNewlineAloneAndUntouched() async throws {
        try await withFolder(records: 2) { path throws in
            try append(String(line(sequence: 3).prefix(30)), to: path)
            let before = try Data(contentsOf: URL(fileURLWithPath: path + "/journal.jsonl"))
            #expect(try StateReader.read(path: path).cursor == "c2")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/journal.jsonl")) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "/journal.jsonl.torn"))
        }
    }

    @Test func skipsRecordsTheSnapshotAlreadyHas() async throws {
        // A compaction that stopped between writing the snapshot and emptying the journal.
        try await withFolder(records: 3, compactAfter: 3) { path throws in
            for n in 1...3 { try append(line(sequence: n) + "\n", to: path) }
            try append(line(sequence: 4) + "\n", to: path)
            #expect(try StateReader.read(path: path).cursor == "c4")
        }
    }

    @Test func namesTheLineWhereRecordsAreMissing() async throws {
        try await withFolder(records: 2) { path throws in
            try append(line(sequence: 7) + "\n", to: path)
            let error = try #require(throws: StoreError.self) { try StateReader.read(path: path) }
            #expect(error.kind == .corrupt(line: 3))
            #expect(error.path.hasSuffix("journal.jsonl"))
            #expect(error.detail.contains("record 7 follows record 2"))
        }
    }

    @Test func namesANewerSchemaAsSuch() async throws {
        try await withFolder(records: 1) { path throws in
            try append(line(sequence: 2, version: 99) + "\n", to: path)
            let error = try #require(throws: StoreError.self) { try StateReader.read(path: path) }
            #expect(error.kind == .corrupt(line: 2))
            #expect(error.detail.contains("newer Tandem (schema version 99)"))
        }
    }

    @Test func refusesAMissingFolderWithoutCreatingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-none-\(UUID().uuidString)").path
        let error = try #require(throws: StoreError.self) { try StateReader.read(path: path) }
        #expect(error.path == path)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
