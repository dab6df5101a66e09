import Foundation

/// The file operations the store performs, one requirement per step, so that a test double can stop or fail
/// the store between any two of them (see `FaultyFileSystem` in the test support target).
///
/// Every method is one step as the disk sees it. Compositions of steps (an atomic replace) live in the
/// extension below and are *not* requirements, so a double sees each step of them separately.
///
/// Invariants an implementation keeps:
/// - Files it creates are readable and writable by the owner only (0600).
/// - A step that throws a `StoreError` has either done nothing or, for `append` and `write`, possibly written a
///   prefix of the data (as the system call may on ENOSPC). The store undoes such a prefix itself.
/// - Nothing is durable until `fsync` (file contents) and `fsyncDirectory` (names: creation, rename).
public protocol FileSystem: Sendable {
    /// The whole file, or nil when it does not exist.
    func read(_ path: String) throws -> Data?
    /// The whole file, or nil, for a file that is only ever replaced by a rename and never changed in place
    /// (a snapshot): the real disk maps it instead of copying it.
    func readReplaced(_ path: String) throws -> Data?
    /// Appends `data` at the end of `path`, creating the file when it does not exist. Not durable yet.
    func append(_ data: Data, to path: String) throws
    /// Replaces the contents of `path` with `data`, creating it when needed (the "write temp" step).
    func write(_ data: Data, to path: String) throws
    /// Flushes the contents of `path` to the disk.
    func fsync(_ path: String) throws
    /// Renames `from` over `to`, atomically replacing `to` if it exists.
    func rename(_ from: String, to: String) throws
    /// Flushes the names in `directory` (new files, renames) to the disk.
    func fsyncDirectory(_ directory: String) throws
    /// Cuts `path` back to `size` bytes.
    func truncate(_ path: String, to size: Int) throws
    /// Gives the file at `existing` the second name `newName`, which must not exist yet (a hard link: no bytes
    /// copied). Not durable until `fsyncDirectory`.
    func link(_ existing: String, as newName: String) throws
    /// Removes the name `path`; nothing happens when there is none.
    func remove(_ path: String) throws
    /// Whether both names are one file (hard links to it); false when either does not exist. Reads nothing.
    func isSameFile(_ path: String, _ other: String) throws -> Bool
}

extension FileSystem {
    public func readReplaced(_ path: String) throws -> Data? { try read(path) }

    /// Replaces `path` with `data` so that a crash leaves the old or the new file, never a mix: write a temp file
    /// beside it, fsync it, rename it over `path`, fsync the folder.
    ///
    /// - Parameter syncDirectory: false when the caller renames more files and syncs the folder once at the end.
    public func replace(_ path: String, with data: Data, syncDirectory: Bool = true) throws {
        let temp = path + ".tmp"
        try write(data, to: temp)
        try fsync(temp)
        try rename(temp, to: path)
        if syncDirectory { try fsyncDirectory(Self.folder(of: path)) }
    }

    static func folder(of path: String) -> String { (path as NSString).deletingLastPathComponent }
}
