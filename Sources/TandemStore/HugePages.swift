#if canImport(Glibc)
    import Glibc
#endif

/// Large buffers that loading fills once and at once (a snapshot's tape, its array of handoffs): backed by
/// 2 MiB pages where the system offers them (Linux's transparent huge pages in "madvise" mode), each fault then
/// maps 512 times as much. With 4 KiB pages, faulting in a snapshot's memory is a large part of loading it.
enum HugePages {
    static let size = 2 << 20

    /// Advises the kernel to back the whole 2 MiB pages inside `bytes` at `start` with huge pages. Only advice:
    /// memory not yet touched, in an anonymous private mapping (what `mmap` and a large `malloc` return).
    static func advise(_ start: UnsafeMutableRawPointer, bytes: Int) {
        let first = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: start) + bytes) & ~(size - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, end - first, MADV_HUGEPAGE)
    }
}
