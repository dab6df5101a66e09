import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state folder, held with an exclusive lock for as long as this value lives: one writer per folder.
public final class StateFolder: Sendable {
    public let path: String
    /// Things the admin should know about but that do not stop the bot (e.g. a world-readable folder).
    public let warnings: [String]
    /// The locked file descriptor; -1 once released.
    private let lockFD: Mutex<Int32>

    /// Creates the folder (0700) if needed and takes its lock.
    /// - Throws: `StoreError.locked` naming the holder's PID when another process has the folder.
    public init(path: String) throws {
        let path = (path as NSString).standardizingPath
        var warnings: [String] = []
        if !FileManager.default.fileExists(atPath: path) {
            if mkdir(path, 0o700) != 0 { throw POSIXFileSystem.fail("creating the folder", path) }
        } else {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o007 != 0 {
                warnings.append("the state folder \(path) is readable by other users; run: chmod 700 \(path)")
            }
        }
        let lockPath = path + "/lock"
        let fd = try POSIXFileSystem.open(lockPath, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            close(fd)
            throw StoreError(.locked(holderPID: holder), path: path)
        }
        ftruncate(fd, 0)
        try? POSIXFileSystem.writeAll(fd, Data("\(getpid())\n".utf8), path: lockPath)
        self.path = path
        self.warnings = warnings
        self.lockFD = Mutex(fd)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Gives the folder up for another process or store. Only for when this one is done with it (tests,
    /// command-line tools); a running bot holds the lock until it exits.
    public func release() {
        lockFD.withLock { fd in
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}
