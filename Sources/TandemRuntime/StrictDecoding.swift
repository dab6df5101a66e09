import Foundation

/// A coding key for any string, to list the keys a JSON object really has.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// The keyed container of a config section whose keys must all be known: a typo in a config file must not
    /// be silently ignored. The known keys are the cases of `keys`, so each key is written once, in its
    /// `CodingKeys`; an unknown one throws with its coding path, which `ConfigurationError` turns into the
    /// file and the key.
    func strictContainer<K: CodingKey & CaseIterable>(keyedBy keys: K.Type) throws -> KeyedDecodingContainer<K> {
        let known = Set(K.allCases.map(\.stringValue))
        for key in try container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown key (known keys: \(known.sorted().joined(separator: ", ")))"))
        }
        return try container(keyedBy: K.self)
    }
}

/// A configuration file that cannot be used, naming the file and the key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var problem: String

    public init(file: String, key: String? = nil, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        "\(file): " + (key.map { "key '\($0)': " } ?? "") + problem
    }

    init(file: String, decoding error: any Error) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            let trimmed = text.hasPrefix(".") ? String(text.dropFirst()) : text
            return trimmed.isEmpty ? nil : trimmed
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            self.init(file: file, key: path(context.codingPath + [key]), problem: "is missing")
        case DecodingError.typeMismatch(let type, let context):
            self.init(file: file, key: path(context.codingPath), problem: "expected \(Self.typeName(type))")
        case DecodingError.valueNotFound(let type, let context):
            self.init(file: file, key: path(context.codingPath), problem: "expected \(Self.typeName(type)), found null")
        case DecodingError.dataCorrupted(let context):
            self.init(file: file, key: path(context.codingPath), problem: context.debugDescription)
        default:
            self.init(file: file, problem: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
