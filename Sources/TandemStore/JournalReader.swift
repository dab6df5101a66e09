import Foundation
import Synchronization
import TandemCore

/// What a state folder holds, read without changing anything: the base of `JournalStore.load()` and of
/// `tandem state verify` / `export`, which may run beside a live bot.
public struct StateInspection: Sendable {
    /// The state the files describe: the snapshot with every later journal record applied.
    public var state: StoredState
    /// Sequence of the last record the snapshot includes (0 without a snapshot).
    public var snapshotSequence = 0
    /// Sequence of the last record in the state.
    public var lastSequence = 0
    /// Complete records in the journal …
    public var journalRecords = 0
    /// … of which this many were already in the snapshot (a compaction stopped before emptying the journal).
    public var skippedRecords = 0
    /// Sequences of the backup snapshots `snapshot.1.json`, … that exist (read only when asked for).
    public var backups: [Int] = []
    /// Bytes after the journal's last newline: a line cut off by a crash, which loading sets aside.
    public var tornTail: Data?
    /// Size of `journal.jsonl.torn`, if earlier recoveries set lines aside.
    public var setAsideBytes: Int?
    /// Whether the folder has held a durable record (`StateFiles.marker`).
    public var initialized = false
    /// Size of the intact part of the journal.
    var intactSize = 0
    var journalExists = false
}

/// Reads a state folder through a `FileSystem`. Pure apart from reads: never writes, never locks.
struct JournalReader {
    let files: StateFiles
    let fileSystem: any FileSystem

    /// - Parameter backups: how many backup snapshots to read and check (0: none, as the bot does on start).
    /// - Throws: `StoreError.corrupt` naming file and line, `.unsupportedVersion` for a newer schema.
    func read(backups: Int = 0) throws -> StateInspection {
        var inspection = StateInspection(state: StoredState())
        // The journal first: a compaction running beside `tandem state verify` replaces the snapshot before it
        // cuts the journal, so an older journal with a newer snapshot is consistent (the records the snapshot
        // holds are skipped), while an older snapshot with a cut journal would miss records.
        let journalData = try fileSystem.read(files.journal)
        // Its lines do not depend on the snapshot (only replaying them does): they are decoded on a thread of
        // their own while the snapshot is.
        let journal = journalData.map { data in Background { [self] in decodeJournal(data) } }
        defer { _ = journal?.value }  // never leaves the thread running, even on an error
        var hasSnapshot = false
        if let data = try fileSystem.readReplaced(files.snapshot) {
            hasSnapshot = true
            let snapshot = try Self.decodeSnapshot(data, path: files.snapshot)
            inspection.state = snapshot.state
            inspection.snapshotSequence = snapshot.sequence
        } else if try fileSystem.read(files.backup(1)) != nil {
            // Compaction never removes snapshot.json, so a missing one next to its backup was deleted by hand:
            // starting empty would overwrite the team's state.
            throw StoreError(
                .corrupt(line: nil), path: files.snapshot,
                detail: "it is missing, but \(files.backup(1)) exists; restore a snapshot before starting Tandem")
        }
        inspection.lastSequence = inspection.snapshotSequence
        if let journal {
            inspection.journalExists = true
            try replay(journal.value, into: &inspection)
        }
        inspection.initialized = try fileSystem.read(files.marker) != nil
        if inspection.initialized, !hasSnapshot, inspection.lastSequence == 0 {
            // The first compaction empties the journal; without this, losing the snapshot after it would start
            // Tandem empty, re-seeded with the sample campaigns, and `verify` would say OK.
            throw StoreError(
                .corrupt(line: nil), path: files.snapshot,
                detail: "it is missing and the journal holds no records, but this folder has held Tandem's state "
                    + "(\(files.marker) exists): restore snapshot.1.json or an export as snapshot.json, then run "
                    + "tandem state verify; to start empty on purpose, use a new folder")
        }
        inspection.setAsideBytes = try fileSystem.read(files.torn)?.count
        for n in stride(from: 1, through: backups, by: 1) {
            guard let data = try fileSystem.readReplaced(files.backup(n)) else { break }
            inspection.backups.append(try Self.decodeSnapshot(data, path: files.backup(n)).sequence)
        }
        return inspection
    }

    /// The journal's lines, each decoded (or the error it has).
    struct DecodedJournal: Sendable {
        var lines: [(number: Int, record: Result<JournalRecord, any Error>)] = []
        /// Bytes after the last newline (see `StateInspection.tornTail`).
        var tornTail: Data?
        var intactSize = 0
    }

    /// Splits the journal into lines and decodes them; sets aside nothing, only notes a torn tail.
    private func decodeJournal(_ data: Data) -> DecodedJournal {
        let newline = UInt8(ascii: "\n")
        var decoded = DecodedJournal()
        var lines: [(number: Int, bytes: Range<Data.Index>)] = []
        var start = data.startIndex
        var number = 0
        while start < data.endIndex {
            // Bytes after the last newline: the single write of a line never finished, so its append never
            // returned and nothing was sent for it. Even a line that parses is set aside: appending after it
            // would glue the next record onto it.
            guard let end = data[start...].firstIndex(of: newline) else {
                decoded.tornTail = Data(data[start...])
                break
            }
            number += 1
            let bytes = start..<end
            start = end + 1
            if data[bytes].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
                continue
            }
            lines.append((number, bytes))
        }
        decoded.intactSize = start - data.startIndex
        decoded.lines = Array(zip(lines.map(\.number), decodeRecords(lines, of: data)))
        return decoded
    }

    /// Applies the decoded records after the snapshot, in order.
    private func replay(_ journal: DecodedJournal, into inspection: inout StateInspection) throws {
        inspection.tornTail = journal.tornTail
        inspection.intactSize = journal.intactSize
        var seen = 0
        for (line, decoded) in journal.lines {
            let record = SchemaVersion.migrate(try decoded.get(), previous: seen == 0 ? inspection.snapshotSequence : seen)
            inspection.journalRecords += 1
            if seen != 0, record.sequence <= seen {
                throw StoreError(
                    .corrupt(line: line), path: files.journal,
                    detail: "record \(record.sequence) follows record \(seen): the journal is out of order")
            }
            seen = record.sequence
            if record.sequence <= inspection.snapshotSequence, inspection.lastSequence == inspection.snapshotSequence {
                inspection.skippedRecords += 1  // already in the snapshot
                continue
            }
            guard record.sequence == inspection.lastSequence + 1 else {
                throw StoreError(
                    .corrupt(line: line), path: files.journal,
                    detail: "record \(record.sequence) follows record \(inspection.lastSequence)"
                        + (inspection.lastSequence == inspection.snapshotSequence ? " (the snapshot's)" : "")
                        + ": records are missing; was the snapshot replaced by an older one?")
            }
            inspection.state.apply(record)
            inspection.lastSequence = record.sequence
        }
    }

    /// Each line decoded, in order, on both cores (a journal holds up to 10,000 records before compaction);
    /// a line that does not read keeps its error, thrown when replay reaches it.
    private func decodeRecords(_ lines: [(number: Int, bytes: Range<Data.Index>)], of data: Data) -> [Result<JournalRecord, any Error>] {
        let parts = lines.count < 64 ? 1 : Parallel.cores
        let size = (lines.count + parts - 1) / max(parts, 1)
        let path = files.journal
        let decoded = Mutex<[[Result<JournalRecord, any Error>]]>(.init(repeating: [], count: parts))
        Parallel.run(parts: parts) { part in
            let mine = lines[Swift.min(part * size, lines.count)..<Swift.min((part + 1) * size, lines.count)].map { line in
                Result { try Self.decodeRecord(data[line.bytes], path: path, line: line.number) }
            }
            decoded.withLock { $0[part] = mine }
        }
        return decoded.withLock { $0.flatMap { $0 } }
    }

    // MARK: - Decoding

    static func decodeRecord(_ bytes: Data, path: String, line: Int) throws -> JournalRecord {
        try decodeVersioned(JournalRecord.self, from: bytes, path: path, line: line)
    }

    static func decodeSnapshot(_ data: Data, path: String) throws -> Snapshot {
        SchemaVersion.migrate(try decodeVersioned(Snapshot.self, from: data, path: path, line: nil))
    }

    /// Parses once, reads the version before anything else (so a newer schema is named as such and not as
    /// corruption), then decodes the whole.
    /// - Parameter line: the journal line `data` is; nil for a whole file, whose errors name their own line.
    private static func decodeVersioned<T: Decodable>(_ type: T.Type, from data: Data, path: String, line: Int?) throws -> T {
        do {
            return try StateJSONDecoder.withDocument(data, overrides: StateLoading.overrides) { document in
                let version = try document.decode(VersionProbe.self).version ?? 0
                guard version <= SchemaVersion.current, version >= 0 else {
                    throw StoreError(.unsupportedVersion(version, line: line), path: path)
                }
                return try document.decode(type)
            }
        } catch let failure as StateJSONDecoder.Failure {
            throw StoreError(.corrupt(line: line ?? failure.line), path: path, detail: failure.message)
        }
    }
}
