import Foundation
import Synchronization
import TandemChat
import TandemStore

/// A ``SentLedger`` in the state folder: one key per line, appended and fsynced off the cooperative pool.
///
/// Only recent keys matter (what the outbox can still owe after a crash), so opening it keeps the last
/// `kept` keys and rewrites the file (temp file, fsync, rename) once it holds twice as many.
final class FileSentLedger: SentLedger {
    private let path: String
    private let files: any FileSystem
    private let queue = BlockingQueue(label: "tandem.sent-ledger")
    private let keys: Mutex<Set<String>>

    private init(path: String, files: any FileSystem, keys: Set<String>) {
        self.path = path
        self.files = files
        self.keys = Mutex(keys)
    }

    /// Reads the ledger at `path` (none yet is an empty one), trimming it to the last `kept` keys when it has grown.
    static func open(path: String, files: any FileSystem = POSIXFileSystem(), kept: Int = 2_000) async throws -> FileSentLedger {
        let queue = BlockingQueue(label: "tandem.sent-ledger.open")
        let keys = try await queue.run { () -> [String] in
            guard let data = try files.read(path) else { return [] }
            // A torn last line (a crash mid-append) is a key that was never recorded: its reply may be posted again.
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
            if lines.count > 2 * kept {
                lines = Array(lines.suffix(kept))
                try files.replace(path, with: Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            return lines
        }
        return FileSentLedger(path: path, files: files, keys: Set(keys))
    }

    func contains(_ key: String) async -> Bool { keys.withLock { $0.contains(key) } }

    func record(_ key: String) async throws {
        let path = self.path
        let files = self.files
        let line = Data((key.replacingOccurrences(of: "\n", with: " ") + "\n").utf8)
        try await queue.run {
            try files.append(line, to: path)
            try files.fsync(path)
        }
        _ = keys.withLock { $0.insert(key) }
    }
}
