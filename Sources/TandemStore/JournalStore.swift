import Foundation
import Synchronization
import TandemCore

/// State in JSON files: `snapshot.json` (the whole state at a journal position) and `journal.jsonl` (one record
/// per line since then). An append is durable (fsync) before it returns, so a reply is never sent for an
/// outcome that a crash could lose; an append that throws leaves nothing of its record behind.
///
/// All file work runs on the store's own serial queue, off Swift's cooperative pool, through a `FileSystem`
/// (the real disk by default; tests inject faults at every step).
///
/// ```swift
/// let store = JournalStore(folder: try StateFolder(path: "tandem-state"))
/// var (state, report) = try await store.load()        // before anything is written
/// let record = try await store.append(JournalRecord(events: events, cursor: cursor))
/// state.apply(record)
/// if store.wantsCompaction { try await store.compact(state) }
/// ```
public final class JournalStore: Sendable {
    public struct Configuration: Sendable {
        /// Compact when the journal holds this many records … Compaction writes the whole state, so it runs once
        /// per this many commands instead of on every one: its cost per command is the snapshot's divided by it.
        public var compactAfterRecords = 10_000
        /// … or this many bytes.
        public var compactAfterBytes = 64 * 1024 * 1024
        /// Snapshots kept, the current one included: `snapshot.json`, `snapshot.1.json`, `snapshot.2.json`.
        public var keptSnapshots = 3

        public init(compactAfterRecords: Int = 10_000, compactAfterBytes: Int = 64 * 1024 * 1024, keptSnapshots: Int = 3) {
            self.compactAfterRecords = compactAfterRecords
            self.compactAfterBytes = compactAfterBytes
            self.keptSnapshots = max(1, keptSnapshots)
        }
    }

    /// What `load()` found besides the state: things the admin should hear about.
    public struct LoadReport: Sendable, Equatable {
        /// Complete records in the journal.
        public var records: Int = 0
        public var warnings: [String] = []
    }

    /// The journal as the store last left it on disk.
    private struct Journal {
        var exists = false
        var size = 0
        var records = 0
        var nextSequence = 1
        var loaded = false
        /// A failed append could not be cut back: cut back before the next one writes.
        var needsRepair = false
        /// Between `compaction(of:)` and the end of its `run()`.
        var compacting = false
        /// `StateFiles.marker` is on the disk.
        var marked = false
    }

    public let folder: StateFolder
    public let files: StateFiles
    private let fileSystem: any FileSystem
    private let configuration: Configuration
    private let queue = BlockingQueue(label: "tandem.store")
    /// Snapshots are written here, so that appends on `queue` go on meanwhile.
    private let snapshotQueue = BlockingQueue(label: "tandem.store.snapshot")
    private let journal = Mutex(Journal())

    public var journalPath: String { files.journal }
    public var snapshotPath: String { files.snapshot }

    public init(folder: StateFolder, fileSystem: any FileSystem = POSIXFileSystem(), configuration: Configuration = .init()) {
        self.folder = folder
        self.files = StateFiles(folder: folder.path)
        self.fileSystem = fileSystem
        self.configuration = configuration
    }

    /// Reads a state folder without locking or writing anything: for `tandem state verify` and `export`, which
    /// may run beside the bot. A torn last line is reported, not set aside.
    public static func inspect(path: String, fileSystem: any FileSystem = POSIXFileSystem(), backups: Int = 2) throws
        -> StateInspection
    {
        let path = (path as NSString).standardizingPath
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw StoreError(.io(errno: ENOENT, operation: "opening the state folder"), path: path)
        }
        return try JournalReader(files: StateFiles(folder: path), fileSystem: fileSystem).read(backups: backups)
    }

    // MARK: - Loading

    /// Reads the snapshot and replays the journal. Nothing is written before this has succeeded, and then only
    /// to set a torn last line aside in `journal.jsonl.torn`.
    /// - Throws: `StoreError.corrupt` naming file and line for anything unreadable except a torn last line;
    ///   `.unsupportedVersion` for a file from a newer Tandem. The files are left untouched then.
    public func load() async throws -> (StoredState, LoadReport) {
        try await queue.run { try self.loadNow() }
    }

    private func loadNow() throws -> (StoredState, LoadReport) {
        let inspection = try JournalReader(files: files, fileSystem: fileSystem).read()
        var report = LoadReport(records: inspection.journalRecords, warnings: folder.warnings)
        if let torn = inspection.tornTail {
            try setAside(torn, keeping: inspection.intactSize)
            report.warnings.append(
                "the last line of \(files.journal) was cut off by a crash (\(torn.count) bytes); "
                    + "it was set aside in \(files.torn)")
        }
        // A folder that held records before the marker existed gets it now; a failure is retried on an append.
        let marked = inspection.initialized || (inspection.lastSequence > 0 && (try? writeMarker()) != nil)
        journal.withLock {
            $0 = Journal(
                exists: inspection.journalExists, size: inspection.intactSize, records: inspection.journalRecords,
                nextSequence: inspection.lastSequence + 1, loaded: true, marked: marked)
        }
        return (inspection.state, report)
    }

    /// Keeps a torn tail for the admin, then cuts the journal back to its intact part.
    private func setAside(_ torn: Data, keeping size: Int) throws {
        try fileSystem.append(torn + Data("\n".utf8), to: files.torn)
        try fileSystem.fsync(files.torn)
        try fileSystem.fsyncDirectory(files.folder)
        try fileSystem.truncate(files.journal, to: size)
        try fileSystem.fsync(files.journal)
    }

    // MARK: - Writing

    /// Appends one record durably and returns it with its sequence number.
    /// - Throws: a `StoreError` (e.g. ENOSPC, EIO). Nothing of the record remains in the file then, and the
    ///   caller must not apply it.
    @discardableResult
    public func append(_ record: JournalRecord) async throws -> JournalRecord {
        try await queue.run { try self.appendNow(record) }
    }

    private func appendNow(_ record: JournalRecord) throws -> JournalRecord {
        try journal.withLock { j in
            precondition(j.loaded, "JournalStore.append before load: state would be overwritten")
            try repairIfNeeded(&j)
            var record = record
            record.sequence = j.nextSequence
            var line = try StateJSONEncoder.line.encode(record)
            line.append(UInt8(ascii: "\n"))
            do {
                try fileSystem.append(line, to: files.journal)
                try fileSystem.fsync(files.journal)
                // A new file's name is durable only once its folder is synced.
                if !j.exists { try fileSystem.fsyncDirectory(files.folder) }
            } catch {
                // Leave no record behind that the caller believes failed (ENOSPC mid-write, EIO on fsync): it
                // would be applied on the next start while the caller handles the same messages again.
                do { try cutBack(to: j.size) } catch { j.needsRepair = true }
                throw error
            }
            j.exists = true
            j.size += line.count
            j.records += 1
            j.nextSequence += 1
            // After the record, never before: a marker beside no record would refuse a folder that holds nothing.
            // The record is durable whatever happens here, so a failure only means trying again next time.
            if !j.marked { j.marked = (try? writeMarker()) != nil }
            return record
        }
    }

    /// Records, durably, that this folder holds the team's state (see `StateFiles.marker`).
    private func writeMarker() throws {
        let text = "Tandem keeps a team's state in this folder. Without snapshot.json and journal records, Tandem "
            + "refuses to start here: restore a snapshot (see the README's \"Crashes, disk errors, corruption\").\n"
        try fileSystem.replace(files.marker, with: Data(text.utf8))
    }

    /// Cuts back what a failed append left behind when cutting it back failed then; before anything else writes.
    private func repairIfNeeded(_ j: inout Journal) throws {
        guard j.needsRepair else { return }
        try cutBack(to: j.size)
        j.needsRepair = false
    }

    private func cutBack(to size: Int) throws {
        try fileSystem.truncate(files.journal, to: size)
        try fileSystem.fsync(files.journal)
    }

    // MARK: - Compaction

    /// Whether the journal has grown enough that a compaction is worth its cost (see `Configuration`), and none
    /// is under way.
    public var wantsCompaction: Bool {
        journal.withLock {
            !$0.compacting
                && ($0.records >= configuration.compactAfterRecords || $0.size >= configuration.compactAfterBytes)
        }
    }

    /// A compaction whose snapshot position is fixed: `run()` writes the snapshot and drops the records it holds
    /// from the journal, while appends go on.
    public struct Compaction: Sendable {
        fileprivate let store: JournalStore
        fileprivate let state: StoredState
        fileprivate let cut: Cut

        /// Writes `snapshot.json` on a queue of its own (appends are not held up by it), keeping the previous ones
        /// as backups, then cuts the records it holds from the front of the journal on the store's queue.
        public func run() async throws {
            defer { store.journal.withLock { $0.compacting = false } }
            try await store.snapshotQueue.run { try store.writeSnapshot(state, sequence: cut.sequence) }
            try await store.queue.run { try store.dropFromJournal(cut) }
        }
    }

    /// The journal's extent when a compaction began: the records the snapshot will hold.
    fileprivate struct Cut: Sendable {
        var sequence: Int
        var size: Int
        var records: Int
    }

    /// Fixes the position of a snapshot of `state`; nil when the journal is empty (the snapshot, if any, holds
    /// everything) or a compaction is under way.
    ///
    /// `state` must include every appended record and no more: call it from the single writer, between appends.
    /// Then `run()` it, in the background if appends must not wait; until it has run, no other compaction starts.
    public func compaction(of state: StoredState) async throws -> Compaction? {
        let cut = try await queue.run { () throws -> Cut? in
            try self.journal.withLock { j in
                precondition(j.loaded, "JournalStore.compact before load")
                guard j.size > 0, !j.compacting else { return nil }
                try self.repairIfNeeded(&j)
                j.compacting = true
                return Cut(sequence: j.nextSequence - 1, size: j.size, records: j.records)
            }
        }
        return cut.map { Compaction(store: self, state: state, cut: $0) }
    }

    /// Writes `state` as the new snapshot and empties the journal of what it holds, all before returning (for
    /// `tandem state compact` and tests). A crash at any step is harmless: `snapshot.json` is replaced
    /// atomically and never removed, and journal records the new snapshot already holds are skipped on load by
    /// their sequence.
    public func compact(_ state: StoredState) async throws {
        try await compaction(of: state)?.run()
    }

    private func writeSnapshot(_ state: StoredState, sequence: Int) throws {
        let data = try StateJSONEncoder.snapshot.encode(Snapshot(sequence: sequence, state: state))
        let hadSnapshot = try rotateBackups()
        try fileSystem.replace(files.snapshot, with: data)
        // The first snapshot has no predecessor to keep, and the journal it empties held everything: it keeps a
        // second name as `snapshot.1.json` itself, so losing `snapshot.json` never leaves nothing to restore. The
        // next compaction finds the two names one file and renames the new snapshot over `snapshot.json` only.
        if !hadSnapshot, configuration.keptSnapshots >= 2 { try linkAsFirstBackup(syncDirectory: true) }
    }

    /// Removes the records the new snapshot holds from the front of the journal. Truncates when nothing was
    /// appended meanwhile; otherwise writes the rest as a new journal and renames it over the old one, so that a
    /// crash leaves either journal, both complete together with the new snapshot.
    private func dropFromJournal(_ cut: Cut) throws {
        try journal.withLock { j in
            try repairIfNeeded(&j)
            if j.size == cut.size {
                try fileSystem.truncate(files.journal, to: 0)
                j.size = 0
                j.records = 0
                try fileSystem.fsync(files.journal)
                return
            }
            guard let whole = try fileSystem.read(files.journal), whole.count >= j.size else {
                throw StoreError(.corrupt(line: nil), path: files.journal, detail: "it shrank while Tandem was running")
            }
            let temp = files.journal + ".tmp"
            try fileSystem.write(Data(whole[cut.size..<j.size]), to: temp)
            try fileSystem.fsync(temp)
            try fileSystem.rename(temp, to: files.journal)
            // From here on appends go to the new file, whatever the folder's sync says.
            j.size -= cut.size
            j.records -= cut.records
            try fileSystem.fsyncDirectory(files.folder)
        }
    }

    /// `snapshot.1.json` → `snapshot.2.json` …, then `snapshot.json` also as `snapshot.1.json`: a second name
    /// for the same file (a hard link), not a rename, since until the new snapshot is in place the journal is only
    /// complete together with the current one; and not a copy, which reads and writes the whole snapshot. Where the
    /// file system has no hard links, a copy after all.
    ///
    /// - Returns: whether there was a snapshot to keep.
    private func rotateBackups() throws -> Bool {
        let kept = configuration.keptSnapshots
        guard kept >= 2 else { return true }
        // The first snapshot is its own backup (see `writeSnapshot`): once it is replaced, that name keeps it.
        if try fileSystem.isSameFile(files.snapshot, files.backup(1)) { return true }
        for n in stride(from: kept - 2, through: 1, by: -1) {
            do {
                try fileSystem.rename(files.backup(n), to: files.backup(n + 1))
            } catch let error as StoreError where error.errno == ENOENT {
                continue  // fewer backups than kept so far
            }
        }
        return try linkAsFirstBackup(syncDirectory: false)
    }

    /// `snapshot.json` also as `snapshot.1.json`: linked under a temp name, then renamed over the old backup (a
    /// link cannot replace a name); a temp name left by a crash is removed first.
    /// - Returns: whether there was a snapshot.
    @discardableResult
    private func linkAsFirstBackup(syncDirectory: Bool) throws -> Bool {
        let temp = files.backup(1) + ".tmp"
        try fileSystem.remove(temp)
        do {
            try fileSystem.link(files.snapshot, as: temp)
        } catch let error as StoreError where error.errno == ENOENT {
            return false  // no snapshot yet
        } catch let error as StoreError where [EPERM, EXDEV, EMLINK, ENOTSUP, EOPNOTSUPP].contains(error.errno) {
            guard let current = try fileSystem.read(files.snapshot) else { return false }
            try fileSystem.replace(files.backup(1), with: current, syncDirectory: syncDirectory)
            return true
        }
        try fileSystem.rename(temp, to: files.backup(1))
        if syncDirectory { try fileSystem.fsyncDirectory(files.folder) }
        return true
    }
}

extension StateJSONEncoder {
    /// One record per line, keys sorted so files diff well. The same bytes as Foundation's `JSONEncoder` with
    /// `[.sortedKeys, .withoutEscapingSlashes]` and `.iso8601` dates, which wrote the files before.
    static let line = StateJSONEncoder(format: .compact)

    /// Snapshots: compact, sorted keys, one campaign, handoff, meeting or outbox entry per line, so that loading
    /// can parse the file on all cores (see `JSONTape`). Pretty printing nearly doubles a big snapshot, and with
    /// it the time to write and to read it at start; `tandem state export` prints the same document pretty for
    /// people.
    public static let snapshot = StateJSONEncoder(format: .records)

    /// `tandem state export`: the snapshot's document, pretty (as `.prettyPrinted` adds), sorted keys.
    public static let export = StateJSONEncoder(format: .pretty)
}
