import Foundation

/// A JSON value whose objects keep their keys in the order written, serialised compactly.
///
/// Why not `JSONEncoder`/`JSONSerialization`: neither promises key order, and the bodies here should look like
/// Slack's documented examples byte for byte (fields in the documented order, no spaces), so a signature test
/// can name the exact bytes.
enum OrderedJSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])
    /// Text that is already JSON, inserted as is (for events a test writes out itself).
    case raw(String)

    /// The compact UTF-8 serialisation.
    var bytes: [UInt8] { Array(text.utf8) }

    var text: String {
        switch self {
        case .string(let value): Self.quoted(value)
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let fields): "{" + fields.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .raw(let text): text
        }
    }

    /// An object of the given fields, leaving out those whose value is nil (optional fields such as `thread_ts`).
    static func fields(_ fields: KeyValuePairs<String, OrderedJSON?>) -> OrderedJSON {
        .object(fields.compactMap { key, value in value.map { (key, $0) } })
    }

    /// RFC 8259 string escaping: quote, backslash and control characters; everything else (including `/` and
    /// non-ASCII) as is, as Slack's examples show it.
    private static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.text == rhs.text }
}

extension OrderedJSON: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .string(value) }
}
