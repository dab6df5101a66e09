import Foundation
import Synchronization
import TandemCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// State in two JSON files: `snapshot.json` (the whole state at a journal position) and `journal.jsonl`
/// (one record per line since then). An append is durable (fsync) before it returns, so a reply is never
/// sent for an outcome that a crash could lose.
///
/// All file work runs on the store's own serial queue, off Swift's cooperative pool.
public final class JournalStore: Sendable {
    public struct Configuration: Sendable {
        /// Compact when the journal holds this many records …
        public var compactAfterRecords: Int = 10_000
        /// … or this many bytes.
        public var compactAfterBytes: Int = 64 * 1024 * 1024
        public init() {}
    }

    /// What `load()` found besides the state: things the admin should hear about.
    public struct LoadReport: Sendable, Equatable {
        public var records: Int = 0
        public var warnings: [String] = []
    }

    private struct Journal {
        var fd: Int32 = -1
        var size: Int = 0
        var records: Int = 0
        var nextSequence: Int = 1
        var loaded = false
    }

    public let folder: StateFolder
    private let configuration: Configuration
    private let queue = BlockingQueue(label: "tandem.store")
    private let journal = Mutex(Journal())

    public var journalPath: String { folder.file("journal.jsonl") }
    public var snapshotPath: String { folder.file("snapshot.json") }

    public init(folder: StateFolder, configuration: Configuration = .init()) {
        self.folder = folder
        self.configuration = configuration
    }

    deinit {
        journal.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    // MARK: - Loading

    /// Reads the snapshot and replays the journal. Nothing is written before this has succeeded.
    /// - Throws: `StoreError.corrupt` naming file and line for anything unreadable except a torn last line.
    public func load() async throws -> (StoredState, LoadReport) {
        try await queue.run { try self.loadNow() }
    }

    private func loadNow() throws -> (StoredState, LoadReport) {
        var report = LoadReport()
        report.warnings = folder.warnings
        var state = StoredState()
        var lastSequence = 0
        if let data = try POSIXFile.read(snapshotPath) {
            let snapshot = try Self.decode(Snapshot.self, from: data, path: snapshotPath, line: nil)
            guard snapshot.version <= Snapshot.currentVersion else {
                throw StoreError(.unsupportedVersion(snapshot.version), path: snapshotPath)
            }
            state = snapshot.state
            lastSequence = snapshot.sequence
        }
        var goodSize = 0
        if let data = try POSIXFile.read(journalPath) {
            let (records, size, torn) = try parseJournal(data)
            goodSize = size
            for record in records where record.sequence > lastSequence {
                state.apply(record)
                lastSequence = record.sequence
                report.records += 1
            }
            if let torn {
                let aside = journalPath + ".torn"
                try POSIXFile.writeAtomically(torn, to: aside)
                let fd = try POSIXFile.open(journalPath, O_WRONLY)
                defer { close(fd) }
                if ftruncate(fd, off_t(size)) != 0 { throw POSIXFile.fail("truncating", journalPath) }
                try POSIXFile.fsync(fd, path: journalPath)
                report.warnings.append(
                    "the last line of \(journalPath) was cut off by a crash (\(torn.count) bytes); it was set aside in \(aside)"
                )
            }
            report.records = records.count
        }
        let fd = try POSIXFile.open(journalPath, O_WRONLY | O_APPEND | O_CREAT)
        journal.withLock {
            $0 = Journal(fd: fd, size: goodSize, records: report.records, nextSequence: lastSequence + 1, loaded: true)
        }
        return (state, report)
    }

    /// The records of a journal file, the size of its intact part, and a torn tail if the last line is cut off.
    private func parseJournal(_ data: Data) throws -> ([JournalRecord], Int, Data?) {
        var records: [JournalRecord] = []
        var start = data.startIndex
        var line = 0
        while start < data.endIndex {
            line += 1
            guard let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                // No newline: the write of this line never finished. A complete record is never set aside.
                let tail = data[start...]
                if (try? JSONDecoder().decode(JournalRecord.self, from: tail)) == nil {
                    return (records, start - data.startIndex, Data(tail))
                }
                records.append(try Self.decodeRecord(tail, path: journalPath, line: line))
                return (records, data.count, nil)
            }
            let bytes = data[start..<newline]
            if !bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
                records.append(try Self.decodeRecord(bytes, path: journalPath, line: line))
            }
            start = newline + 1
        }
        return (records, data.count, nil)
    }

    private static func decodeRecord(_ bytes: Data, path: String, line: Int) throws -> JournalRecord {
        let record = try decode(JournalRecord.self, from: bytes, path: path, line: line)
        guard record.version <= JournalRecord.currentVersion else {
            throw StoreError(.unsupportedVersion(record.version), path: path + " line \(line)")
        }
        return record
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String, line: Int?) throws -> T {
        do {
            return try JSONDecoder.tandem.decode(type, from: data)
        } catch let error as DecodingError {
            throw StoreError(.corrupt(line: line), path: path, detail: Self.describe(error))
        } catch {
            throw StoreError(.corrupt(line: line), path: path, detail: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        }
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): return at(c)
        @unknown default: return "\(error)"
        }
    }

    // MARK: - Writing

    /// Appends one record durably and returns it with its sequence number.
    /// On failure nothing of the record remains in the file, and the caller must not apply it.
    @discardableResult
    public func append(_ record: JournalRecord) async throws -> JournalRecord {
        try await queue.run { try self.appendNow(record) }
    }

    private func appendNow(_ record: JournalRecord) throws -> JournalRecord {
        try journal.withLock { j in
            precondition(j.loaded, "JournalStore.append before load: state would be overwritten")
            var record = record
            record.sequence = j.nextSequence
            var line = try JSONEncoder.tandemLine.encode(record)
            line.append(UInt8(ascii: "\n"))
            do {
                try POSIXFile.writeAll(j.fd, line, path: journalPath)
                try POSIXFile.fsync(j.fd, path: journalPath)
            } catch {
                // Leave no half record behind (ENOSPC mid-write): cut back to the last good size.
                _ = ftruncate(j.fd, off_t(j.size))
                _ = Glibc.fsync(j.fd)
                throw error
            }
            j.size += line.count
            j.records += 1
            j.nextSequence += 1
            return record
        }
    }

    /// Whether the journal has grown enough that `compact` is worth its cost.
    public var wantsCompaction: Bool {
        journal.withLock { $0.records >= configuration.compactAfterRecords || $0.size >= configuration.compactAfterBytes }
    }

    /// Writes `state` (which must include every appended record) as the new snapshot, then empties the journal.
    /// A crash in between is harmless: records already in the snapshot are skipped on load by their sequence.
    public func compact(_ state: StoredState) async throws {
        try await queue.run {
            try self.journal.withLock { j in
                let snapshot = Snapshot(version: Snapshot.currentVersion, sequence: j.nextSequence - 1, state: state)
                try POSIXFile.writeAtomically(try JSONEncoder.tandemPretty.encode(snapshot), to: self.snapshotPath)
                if ftruncate(j.fd, 0) != 0 { throw POSIXFile.fail("truncating", self.journalPath) }
                try POSIXFile.fsync(j.fd, path: self.journalPath)
                j.size = 0
                j.records = 0
            }
        }
    }
}

extension JSONEncoder {
    /// One record per line, keys sorted so files diff well.
    static let tandemLine: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let tandemPretty: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
}

extension JSONDecoder {
    static let tandem: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
