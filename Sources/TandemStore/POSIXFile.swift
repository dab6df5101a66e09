import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, throwing wrappers over the system calls the store needs: every write is explicit about fsync.
enum POSIXFile {
    static func fail(_ operation: String, _ path: String) -> StoreError {
        StoreError(.io(errno: errno, operation: operation), path: path)
    }

    /// Opens `path` with `flags`, creating it 0600 when asked.
    static func open(_ path: String, _ flags: Int32) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, 0o600)
        if fd < 0 { throw fail("opening", path) }
        return fd
    }

    /// Writes all of `data`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("writing", path)
                }
                offset += n
            }
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        if Glibc.fsync(fd) != 0 { throw fail("syncing", path) }
    }

    /// Makes a rename or a new file in `directory` durable.
    static func fsyncDirectory(_ directory: String) throws {
        let fd = try open(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: directory)
    }

    /// Replaces `path` with `data` so that a crash leaves either the old or the new file, never a mix:
    /// temp file, fsync, rename, fsync of the folder.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let temp = path + ".tmp"
        let fd = try open(temp, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, data, path: temp)
            try fsync(fd, path: temp)
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if rename(temp, path) != 0 {
            let failure = fail("renaming to", path)
            unlink(temp)
            throw failure
        }
        try fsyncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.io(errno: EACCES, operation: "reading"), path: path)
        }
        return data
    }
}
