/// The names of the files in a state folder, in one place for the store, the reader and the tools.
public struct StateFiles: Sendable {
    /// The folder, without a trailing slash.
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// One JSON record per line, fsynced before a reply leaves.
    public var journal: String { folder + "/journal.jsonl" }
    /// Cut-off last lines set aside by recovery, one per line, for the admin to look at.
    public var torn: String { journal + ".torn" }
    /// The whole state at a journal position.
    public var snapshot: String { folder + "/snapshot.json" }

    /// Written once the folder holds a durable record, and never removed: a folder with it has held the team's
    /// state, so one without a snapshot and without journal records has lost it and must not be started empty.
    public var marker: String { folder + "/initialized" }

    /// `snapshot.1.json` is the snapshot before the current one, `snapshot.2.json` the one before that, …
    public func backup(_ n: Int) -> String { folder + "/snapshot.\(n).json" }
}
