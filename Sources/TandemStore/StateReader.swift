import Foundation
import TandemCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a state folder without taking its lock and without writing anything: for `tandem export`, which
/// an admin (or a cron job publishing a calendar feed) runs while the bot keeps the folder locked.
///
/// `JournalStore.load()` is the wrong tool for that: it needs the lock, creates the journal, and sets a
/// torn last line aside. Here a last line without its newline is simply not read: it is either a record the
/// bot is writing this instant or one a crash cut off, and in neither case was a reply sent for it.
///
/// What comes back is the state after some complete record, at most a moment old. The bot compacts by
/// renaming a new snapshot into place and then emptying the journal; a read that saw the old snapshot but a
/// journal already restarted after the new one finds a gap in the sequence numbers and reads again.
public enum StateReader {
    /// How often a read that raced a compaction is repeated before giving up.
    static let attempts = 5

    /// The state in the folder at `path`.
    /// - Throws: `StoreError.io` if the folder is missing or a file cannot be read; `StoreError.corrupt`
    ///   naming file and line for anything that is not Tandem state (including a newer schema).
    public static func read(path: String) throws -> StoredState {
        let folder = (path as NSString).standardizingPath
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StoreError(.io(errno: ENOENT, operation: "opening the state folder"), path: folder)
        }
        var attempt = 1
        while true {
            do {
                return try readOnce(folder: folder)
            } catch is SequenceGap where attempt < attempts {
                attempt += 1
            } catch let gap as SequenceGap {
                throw StoreError(.corrupt(line: gap.line), path: gap.path, detail: gap.detail)
            }
        }
    }

    /// Records missing between the snapshot and the journal: a compaction ran during the read, or the files
    /// do not belong together.
    private struct SequenceGap: Error {
        var path: String
        var line: Int
        var detail: String
    }

    private static func readOnce(folder: String) throws -> StoredState {
        let snapshotPath = folder + "/snapshot.json"
        let journalPath = folder + "/journal.jsonl"
        var state = StoredState()
        var last = 0
        if let data = try contents(of: snapshotPath) {
            let snapshot = try decode(Snapshot.self, from: data, path: snapshotPath, line: nil)
            try checkVersion(snapshot.version, newest: Snapshot.currentVersion, path: snapshotPath, line: nil)
            state = snapshot.state
            last = snapshot.sequence
        }
        guard let journal = try contents(of: journalPath) else { return state }
        var start = journal.startIndex
        var line = 0
        // Only lines ended by a newline: see the type's comment for the one after the last newline.
        while let end = journal[start...].firstIndex(of: UInt8(ascii: "\n")) {
            line += 1
            let bytes = journal[start..<end]
            start = end + 1
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            let record = try decode(JournalRecord.self, from: bytes, path: journalPath, line: line)
            try checkVersion(record.version, newest: JournalRecord.currentVersion, path: journalPath, line: line)
            if record.sequence <= last { continue }  // already in the snapshot
            guard record.sequence == last + 1 else {
                throw SequenceGap(
                    path: journalPath, line: line,
                    detail: "record \(record.sequence) follows record \(last): records are missing")
            }
            state.apply(record)
            last = record.sequence
        }
        return state
    }

    /// The file's bytes, or nil if there is no such file.
    private static func contents(of path: String) throws -> Data? {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return nil
        } catch let error as CocoaError {
            let errno = (error.underlying as? POSIXError)?.code.rawValue ?? EIO
            throw StoreError(.io(errno: errno, operation: "reading"), path: path)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String, line: Int?) throws -> T {
        do {
            return try JSONDecoder.tandem.decode(type, from: data)
        } catch {
            throw StoreError(.corrupt(line: line), path: path, detail: "\(error)")
        }
    }

    /// A newer schema is named as such, so the admin upgrades Tandem instead of repairing a good file.
    private static func checkVersion(_ version: Int, newest: Int, path: String, line: Int?) throws {
        guard version > newest else { return }
        throw StoreError(
            .corrupt(line: line), path: path,
            detail: "it was written by a newer Tandem (schema version \(version)); upgrade Tandem to read it")
    }
}
