import Foundation

/// A fresh folder under the system's temp folder, unique per test so parallel tests share no files.
public struct TemporaryFolder: Sendable {
    public let path: String

    public init(_ label: String = "tandem-test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Every regular file in the folder and its bytes: for "left byte-for-byte untouched" checks.
    public func contents() -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return Dictionary(uniqueKeysWithValues: names.compactMap { name in
            FileManager.default.contents(atPath: file(name)).map { (name, $0) }
        })
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
