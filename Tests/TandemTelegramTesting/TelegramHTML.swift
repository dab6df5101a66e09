import Foundation

/// Telegram's `parse_mode: "HTML"` as the Bot API documents it, strictly: the text a message shows and its
/// entities, or the reason Telegram gives for refusing it (`Bad Request: can't parse entities: …`).
///
/// - Tags: `b strong i em u ins s strike del span(class="tg-spoiler") tg-spoiler a(href) tg-emoji code pre
///   blockquote`; any other is refused ("Unsupported start tag"), as are an end tag that closes nothing open and
///   a tag left open at the end.
/// - Nesting: bold, italic, underline, strikethrough and spoiler may contain anything but `code` and `pre`; `pre` may
///   hold one `code` (its language); other entities contain nothing.
/// - Entities: `&lt; &gt; &amp; &quot;` and numeric ones; any other `&` stays as it is.
public enum TelegramHTML {
    public struct Entity: Sendable, Equatable {
        public var tag: String
        public var href: String?
        /// Offset and length in UTF-16 code units of the shown text, as Telegram counts entities.
        public var offset: Int
        public var length: Int
    }

    public struct Parsed: Sendable, Equatable {
        public var text: String
        public var entities: [Entity]
    }

    static let styles: Set<String> = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"]
    static let others: Set<String> = ["a", "tg-emoji", "code", "pre", "blockquote"]

    /// The shown text and entities of `html`, or the description of the 400 Telegram answers.
    public static func parse(_ html: String) -> Result<Parsed, ParseError> {
        var text = ""
        var utf16 = 0
        var entities: [Entity] = []
        var open: [(tag: String, href: String?, start: Int)] = []
        let bytes = Array(html.utf8)
        var i = 0
        func append(_ s: String) {
            text += s
            utf16 += s.utf16.count
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<") {
                guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else {
                    return .failure(ParseError("Unclosed start tag at byte offset \(i)"))
                }
                let inside = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                if inside.hasPrefix("/") {
                    let name = inside.dropFirst().trimmingCharacters(in: .whitespaces).lowercased()
                    guard let last = open.last, last.tag == name else {
                        return .failure(ParseError("Unexpected end tag at byte offset \(i)"))
                    }
                    open.removeLast()
                    entities.append(Entity(tag: name, href: last.href, offset: last.start, length: utf16 - last.start))
                } else {
                    let name = String(inside.prefix { !$0.isWhitespace }).lowercased()
                    guard styles.contains(name) || others.contains(name) else {
                        return .failure(ParseError("Unsupported start tag \"\(name)\" at byte offset \(i)"))
                    }
                    let attributes = String(inside.dropFirst(name.count))
                    if let outer = open.last, !allowed(name, inside: outer.tag) {
                        return .failure(ParseError("Can't nest \"\(name)\" inside \"\(outer.tag)\" at byte offset \(i)"))
                    }
                    var href: String?
                    if name == "a" {
                        guard let value = attribute("href", in: attributes), !value.isEmpty else {
                            return .failure(ParseError("Can't find href attribute of tag \"a\" at byte offset \(i)"))
                        }
                        href = unescaped(value)
                    }
                    open.append((name, href, utf16))
                }
                i = close + 1
            } else if byte == UInt8(ascii: "&"), let (entity, length) = entity(at: i, in: bytes) {
                append(entity)
                i += length
            } else {
                var end = i + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
                append(String(decoding: bytes[i..<end], as: UTF8.self))
                i = end
            }
        }
        if let unclosed = open.last {
            return .failure(ParseError("Can't find end tag corresponding to start tag \"\(unclosed.tag)\""))
        }
        return .success(Parsed(text: text, entities: entities))
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    private static func allowed(_ inner: String, inside outer: String) -> Bool {
        if outer == "pre" { return inner == "code" }
        if ["code", "a", "tg-emoji", "blockquote"].contains(outer) { return styles.contains(inner) && outer != "code" }
        // Styles contain anything but code and pre.
        return inner != "code" && inner != "pre"
    }

    /// `name="value"`, `name='value'` or `name=value` among the attributes.
    private static func attribute(_ name: String, in attributes: String) -> String? {
        guard let range = attributes.range(of: name + "=") else { return nil }
        let rest = attributes[range.upperBound...]
        if let quote = rest.first, quote == "\"" || quote == "'" {
            let value = rest.dropFirst()
            return value.firstIndex(of: quote).map { String(value[..<$0]) }
        }
        return String(rest.prefix { !$0.isWhitespace })
    }

    private static func unescaped(_ s: String) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "&"), let (entity, length) = entity(at: i, in: bytes) {
                out += Array(entity.utf8)
                i += length
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The character of an entity starting at `i` and the entity's length in bytes.
    private static func entity(at i: Int, in bytes: [UInt8]) -> (String, Int)? {
        guard let semicolon = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
        let length = semicolon - i + 1
        switch name {
        case "lt": return ("<", length)
        case "gt": return (">", length)
        case "amp": return ("&", length)
        case "quot": return ("\"", length)
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (String(Character(scalar)), length)
        }
    }
}
