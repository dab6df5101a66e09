import Foundation
import Logging
import Synchronization

/// Writes one JSON object per log line to standard error, for log shippers: `--log-format json`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private static let lock = Mutex(())

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The handler's own fields; metadata of the same name is kept as `metadata.<name>` rather than overwritten.
    static let ownFields: Set<String> = ["ts", "level", "label", "message"]

    public func log(event: LogEvent) {
        guard let line = line(for: event) else { return }
        Self.lock.withLock { _ in FileHandle.standardError.write(line) }
    }

    /// One event as its line of JSON, newline included.
    func line(for event: LogEvent) -> Data? {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[Self.ownFields.contains(key) ? "metadata." + key : key] = "\(value)"
        }
        fields["ts"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(fields) else { return nil }
        line.append(UInt8(ascii: "\n"))
        return line
    }
}
