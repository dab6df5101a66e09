import Foundation

/// A fresh folder for a state folder of the store benchmarks, on the same disk as the temp dir (`TMPDIR`, or
/// `/tmp`): real files, real fsync. Set `TANDEM_BENCH_DIR` to measure another disk.
public enum TempFolder {
    public static func make(_ name: String) -> String {
        let base = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let path = (base as NSString).appendingPathComponent("tandem-bench-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.removeItem(atPath: path)
        // The store creates the folder itself (0700); only the parent must exist.
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return path
    }

    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
