import Foundation

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
