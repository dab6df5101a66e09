/// The schema versions of journal records and snapshots, and how older ones are read.
///
/// Every record and snapshot carries `version`. On load, a file's version is read *before* the rest of it, so a
/// file from a newer Tandem is refused as such (`StoreError.unsupportedVersion`) rather than reported as corrupt,
/// and nothing is written. Older versions are migrated in memory, step by step, to the current one; the files
/// keep their old lines until compaction rewrites the state as a current snapshot.
///
/// Versions:
/// - **1** (current): records `{version, sequence, events, outbox, sent, cursor}`; snapshots
///   `{version, sequence, state}`.
/// - **0**: the same shape without the `version` key. Tandem itself has always written version 1; version 0 gives
///   a file without the key (written by hand, by a script, or by a pre-release) one documented reading instead of
///   a refusal or a guess. Migration 0 → 1: a record without `sequence` takes the one after the record before it;
///   missing `events`, `outbox` and `sent` are empty; a snapshot without `sequence` precedes every journal record.
///
/// Adding version 2: bump `current`, keep decoding 1, and add a step in `migrate`.
public enum SchemaVersion {
    public static let current = 1

    /// Brings a decoded record to the current version. `previous` is the sequence of the record before it.
    static func migrate(_ record: JournalRecord, previous: Int) -> JournalRecord {
        var record = record
        if record.version == 0 {
            if record.sequence == 0 { record.sequence = previous + 1 }
            record.version = 1
        }
        return record
    }

    /// Brings a decoded snapshot to the current version.
    static func migrate(_ snapshot: Snapshot) -> Snapshot {
        var snapshot = snapshot
        if snapshot.version == 0 { snapshot.version = 1 }
        return snapshot
    }
}

/// Only the version of a line or file: read first, so a newer schema is named as such.
struct VersionProbe: Decodable {
    var version: Int?
}
