import Foundation
import TandemProtocol

/// Hand-written JSON for the two small payloads every reply sent goes through: Foundation's `JSONEncoder` and
/// `JSONDecoder` cost more setting themselves up than these documents take to write or read (together about 5 % of
/// the bot's CPU under load, measured with perf).
enum WireJSON {
    /// `message` as a JSON object: what `JSONEncoder` writes, but for the key order and `/`, which it escapes
    /// and this does not (both mean the same to every JSON reader). Nil fields are left out, as it does.
    static func encode(_ message: NewMessage) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(64 + (message.text?.utf8.count ?? 0))
        out.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: "\":".utf8)
            appendString(value, to: &out)
        }
        member("channel", message.channel)
        member("text", message.text)
        member("thread", message.thread)
        member("username", message.username)
        member("idempotency_key", message.idempotencyKey)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The id of a `POST /messages` answer when it is exactly `{"id":"…"}` with no escape in the id, as the
    /// local endpoint writes it; nil for anything else, which the caller then decodes in full.
    static func postedID(in body: Data) -> String? {
        let prefix = #"{"id":""#.utf8
        let suffix = #""}"#.utf8
        guard body.count > prefix.count + suffix.count else { return nil }
        return body.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.starts(with: prefix), bytes.reversed().starts(with: suffix.reversed()) else { return nil }
            let id = bytes[prefix.count..<(bytes.count - suffix.count)]
            guard !id.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
                return nil
            }
            return String(validating: id, as: UTF8.self)
        }
    }
}
