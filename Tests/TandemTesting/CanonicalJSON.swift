import Foundation

/// `data` as JSON with sorted keys and no white space, so two documents that mean the same compare equal as strings
/// (and a test failure shows both).
/// - Throws: when `data` is not JSON.
public func canonicalJSON(_ data: Data) throws -> String {
    let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    let canonical = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: canonical, as: UTF8.self)
}
