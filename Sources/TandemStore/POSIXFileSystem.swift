import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real disk: thin, throwing wrappers over the system calls, each explicit about what it makes durable.
///
/// A file appended to stays open for the next `append` and `fsync` (the journal gets one of each per record:
/// opening and closing it every time cost four system calls per record). Renaming over it, rewriting or removing
/// it through this value closes it; the store's folder lock keeps other writers away.
public struct POSIXFileSystem: FileSystem {
    private let appendFiles = AppendFiles()

    public init() {}

    public func read(_ path: String) throws -> Data? {
        guard let (fd, size) = try Self.openForReading(path) else { return nil }
        defer { close(fd) }
        return try Self.readAll(fd, size: size, path: path)
    }

    /// The rest of the open file `fd`, expected to be `size` bytes long.
    private static func readAll(_ fd: Int32, size: Int, path: String) throws -> Data {
        // Read straight into a buffer of the file's size (a snapshot is large: growing a Data by appending
        // chunks copies it over and over); reading on past it catches a file that grew meanwhile.
        var data = Data(count: size + 1)
        var filled = 0
        while true {
            if filled == data.count { data.count += 64 * 1024 }
            let n = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("reading", path)
            }
            if n == 0 {
                data.count = filled
                return data
            }
            filled += n
        }
    }

    /// Maps the file (pages already in the page cache are not copied) and populates the mapping up front, so
    /// reading it costs no page faults. A file changed in place while mapped could make a read past its new end
    /// fault (SIGBUS); snapshots are only ever replaced by rename, which leaves a mapped old file intact.
    public func readReplaced(_ path: String) throws -> Data? {
        guard let (fd, size) = try Self.openForReading(path) else { return nil }
        defer { close(fd) }
        // Small files are cheaper to copy than to map.
        guard size >= 1 << 20 else { return try Self.readAll(fd, size: size, path: path) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED else {
            throw Self.fail("reading", path)
        }
        return Data(bytesNoCopy: address, count: size, deallocator: .custom { address, size in munmap(address, size) })
    }

    /// A descriptor open for reading and the file's size; nil when there is no such file.
    private static func openForReading(_ path: String) throws -> (Int32, Int)? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw fail("reading", path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = fail("reading", path)
            close(fd)
            throw error
        }
        return (fd, Int(info.st_size))
    }

    public func append(_ data: Data, to path: String) throws {
        do {
            try appendFiles.withDescriptor(for: path, opening: true) { fd in try Self.writeAll(fd!, data, path: path) }
        } catch {
            appendFiles.close(path)  // the next append starts from a fresh descriptor
            throw error
        }
    }

    public func write(_ data: Data, to path: String) throws {
        appendFiles.close(path)
        let fd = try Self.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        defer { close(fd) }
        try Self.writeAll(fd, data, path: path)
    }

    public func fsync(_ path: String) throws {
        // fsync flushes the file (the inode), whichever descriptor asks: the appender's open one, or a fresh one.
        try appendFiles.withDescriptor(for: path, opening: false) { open in
            let fd = try open ?? Self.open(path, O_RDONLY)
            defer { if open == nil { close(fd) } }
            if Glibc.fsync(fd) != 0 { throw Self.fail("syncing", path) }
        }
    }

    public func rename(_ from: String, to: String) throws {
        appendFiles.close(from)
        appendFiles.close(to)
        if Glibc.rename(from, to) != 0 { throw Self.fail("renaming \(from) to", to) }
    }

    public func fsyncDirectory(_ directory: String) throws {
        let fd = try Self.open(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        if Glibc.fsync(fd) != 0 { throw Self.fail("syncing the folder", directory) }
    }

    public func truncate(_ path: String, to size: Int) throws {
        if Glibc.truncate(path, off_t(size)) != 0 { throw Self.fail("truncating", path) }
    }

    public func link(_ existing: String, as newName: String) throws {
        if Glibc.link(existing, newName) != 0 { throw Self.fail("linking \(existing) as", newName) }
    }

    public func remove(_ path: String) throws {
        appendFiles.close(path)
        if Glibc.unlink(path) != 0, errno != ENOENT { throw Self.fail("removing", path) }
    }

    public func isSameFile(_ path: String, _ other: String) throws -> Bool {
        var a = stat()
        var b = stat()
        guard stat(path, &a) == 0, stat(other, &b) == 0 else {
            if errno == ENOENT { return false }
            throw Self.fail("reading the status of", path)
        }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    // MARK: - Helpers shared with StateFolder

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
}

/// Descriptors of files open for appending, by path, shared by the copies of one `POSIXFileSystem` and closed
/// with the last of them.
private final class AppendFiles: Sendable {
    private let open = Mutex<[String: Int32]>([:])

    /// Runs `body` with the descriptor open for appending to `path` (opened first when `opening`, else nil when
    /// none is), holding the lock, so that no `close(_:)` from another queue can close it under `body`.
    func withDescriptor<T>(for path: String, opening: Bool, _ body: (Int32?) throws -> T) throws -> T {
        try open.withLock { files in
            if let fd = files[path] { return try body(fd) }
            guard opening else { return try body(nil) }
            let fd = try POSIXFileSystem.open(path, O_WRONLY | O_APPEND | O_CREAT)
            files[path] = fd
            return try body(fd)
        }
    }

    /// Closes `path`'s descriptor, if one is open: before its name is given to another file or removed.
    func close(_ path: String) {
        open.withLock { files in
            if let fd = files.removeValue(forKey: path) { _ = Glibc.close(fd) }
        }
    }

    deinit {
        open.withLock { files in
            for fd in files.values { _ = Glibc.close(fd) }
        }
    }
}
