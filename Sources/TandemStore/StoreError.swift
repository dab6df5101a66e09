#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the state folder cannot be used. Every case names the file (and the line where there is one), so the
/// admin knows where to look.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Another process holds the folder's lock.
        case locked(holderPID: Int32?)
        /// A file exists but cannot be read as state; it is left untouched.
        case corrupt(line: Int?)
        /// A record or snapshot written by a newer Tandem.
        case unsupportedVersion(Int, line: Int?)
        /// The operating system refused: errno and what was being done.
        case io(errno: Int32, operation: String)
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(_ kind: Kind, path: String, detail: String = "") {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// The errno of an `.io` error, e.g. to tell ENOSPC from EIO.
    public var errno: Int32? {
        if case .io(let errno, _) = kind { errno } else { nil }
    }

    public var description: String {
        switch kind {
        case .locked(let pid):
            "the state folder \(path) is in use by another Tandem"
                + (pid.map { " (PID \($0))" } ?? "") + "; stop it first or use another --state folder"
        case .corrupt(let line):
            "cannot read \(path)" + (line.map { " at line \($0)" } ?? "") + ": \(detail.hasSuffix(".") ? String(detail.dropLast()) : detail). "
                + "Tandem stopped and left the file untouched; restore it from a backup or fix it by hand"
        case .unsupportedVersion(let version, let line):
            "\(path)" + (line.map { " line \($0)" } ?? "")
                + " was written by a newer Tandem (schema version \(version); this Tandem reads up to "
                + "\(SchemaVersion.current)); upgrade Tandem. The file was left untouched"
        case .io(let errno, let operation):
            "\(operation) \(path) failed: \(String(cString: strerror(errno)))" + (detail.isEmpty ? "" : " (\(detail))")
        }
    }
}
