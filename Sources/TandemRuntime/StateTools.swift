import Foundation
import TandemCore
import TandemStore

/// What an admin does with a state folder besides running the bot: `tandem state verify | export | compact`.
public enum StateTools {
    /// Reads everything (snapshot, backups, journal) without taking the lock or writing, so it is safe beside a
    /// running bot, and summarises it.
    /// - Returns: lines to print, and warnings (things to look at that do not make the state unusable).
    /// - Throws: `StoreError` naming the file (and line) of the first problem.
    public static func verify(path: String) throws -> (summary: [String], warnings: [String]) {
        let inspection = try JournalStore.inspect(path: path)
        let team = inspection.state.team
        let files = StateFiles(folder: (path as NSString).standardizingPath)
        let backups = inspection.backups.enumerated().map { "snapshot.\($0.offset + 1).json at \($0.element)" }
        let summary = [
            "state folder: \(files.folder)",
            "snapshot: " + (inspection.snapshotSequence == 0 && backups.isEmpty
                ? "none" : "at record \(inspection.snapshotSequence)")
                + (backups.isEmpty ? "" : " (backups: \(backups.joined(separator: ", ")))"),
            "records: \(inspection.journalRecords) in the journal"
                + (inspection.skippedRecords > 0 ? " (\(inspection.skippedRecords) already in the snapshot)" : "")
                + ", last record \(inspection.lastSequence)",
            "campaigns: \(team.campaigns.count)",
            "sales notes: \(team.campaigns.reduce(0) { $0 + $1.salesNotes.count })",
            "handoffs: \(team.handoffs.count) (\(team.openHandoffs.count) open)",
            "outbox entries: \(inspection.state.outbox.count)",
            "cursor: \(inspection.state.cursor ?? "none")",
        ]
        var warnings: [String] = []
        if let torn = inspection.tornTail {
            warnings.append(
                "the last line of \(files.journal) is cut off (\(torn.count) bytes): a crash, or a write in progress; "
                    + "the bot sets it aside in \(files.torn) on its next start")
        }
        if let bytes = inspection.setAsideBytes {
            warnings.append("\(files.torn) holds \(bytes) bytes set aside after crashes; look at them, then delete the file")
        }
        return (summary, warnings)
    }

    /// The whole state as one pretty JSON document, in the format of `snapshot.json`: an export placed as
    /// `snapshot.json` in an empty folder restores it.
    public static func export(path: String) throws -> Data {
        let inspection = try JournalStore.inspect(path: path, backups: 0)
        return try StateJSONEncoder.export.encode(Snapshot(sequence: inspection.lastSequence, state: inspection.state))
    }

    /// Takes the folder's lock (so it refuses while a bot runs), then writes a new snapshot and empties the journal.
    /// - Returns: what was done, to print.
    public static func compact(path: String) async throws -> String {
        let path = (path as NSString).standardizingPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.io(errno: ENOENT, operation: "opening the state folder"), path: path)
        }
        let store = JournalStore(folder: try StateFolder(path: path))
        let (state, report) = try await store.load()
        guard report.records > 0 else { return "nothing to compact: the journal of \(path) is empty" }
        let first = !FileManager.default.fileExists(atPath: store.snapshotPath)
        try await store.compact(state)
        return "compacted \(report.records) records into \(store.snapshotPath); "
            + (first
                ? "it is the first snapshot, so it is also kept as \(store.files.backup(1))"
                : "the previous snapshot is kept as \(store.files.backup(1))")
    }
}
