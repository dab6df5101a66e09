/// A JSON document parsed in one pass into a flat array of tokens that point into its bytes.
///
/// Why not Foundation's `JSONDecoder`: loading a snapshot of 100,000 handoffs spent 8 of its 9 seconds there.
/// The tape is the cheap half of a faster path (`StateJSONDecoder` is the other): one strict pass that checks
/// the whole grammar (and UTF-8) up front, so corruption anywhere is found before anything is decoded, and
/// that records where every value starts, so a decoding error can name the line it is on.
///
/// Layout: a container's token is followed by its contents; an object's by key, value, key, value, ….
/// Every token knows the index just past itself and its contents (`next`), so skipping a value is one step.
struct JSONTape {
    enum Kind: UInt8 {
        case object, array
        /// A string without backslashes: its bytes are its UTF-8 text.
        case plainString
        /// A string with escapes, decoded when read.
        case escapedString
        /// A number without fraction or exponent.
        case integer
        case number
        case `true`, `false`, null
    }

    struct Token {
        /// Offset of the value's first byte; for strings, of the first byte after the opening quote.
        var offset: UInt32
        /// Byte length (scalars, strings without their quotes), or the count of members or elements.
        var length: UInt32
        /// Index of the token after this value and everything in it.
        var next: UInt32
        var kind: Kind
    }

    /// A syntax error: the byte offset where reading stopped and what was expected there.
    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    private(set) var tokens: [Token] = []

    /// Nesting deeper than this is refused: no state of ours comes near it, and it bounds the recursion.
    static let maximumDepth = 512

    /// Parses `bytes` as exactly one JSON value with optional surrounding whitespace.
    init(parsing bytes: UnsafeRawBufferPointer) throws(SyntaxError) {
        guard bytes.count < Int(UInt32.max) else {
            throw SyntaxError(offset: 0, message: "the file is larger than 4 GiB")
        }
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self))
        // About one token per 12 bytes in our files: reserving avoids most regrowth of a large tape.
        parser.tokens.reserveCapacity(bytes.count / 12 + 16)
        parser.skipWhitespace()
        try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.i == parser.end else { throw parser.error("unexpected text after the end of the JSON value") }
        tokens = parser.tokens
    }

    subscript(index: Int) -> Token { tokens[index] }
}

/// Line (from 1) of the byte at `offset`, for messages that must name where a file went wrong.
func lineNumber(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
    var line = 1
    for byte in bytes[..<min(offset, bytes.count)] where byte == UInt8(ascii: "\n") { line += 1 }
    return line
}

private struct Parser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    var tokens: [JSONTape.Token] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address; one byte of nothing stands in (never read: end is 0).
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = bytes.count
    }

    func error(_ message: String) -> JSONTape.SyntaxError { .init(offset: i, message: message) }

    mutating func skipWhitespace() {
        // Indentation of pretty files comes in runs of spaces: eight at a time.
        while i + 8 <= end, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 { i += 8 }
        while i < end {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private var peek: UInt8? { i < end ? base[i] : nil }

    mutating func parseValue(depth: Int) throws(JSONTape.SyntaxError) {
        guard let byte = peek else { throw error("the JSON ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw error("unexpected character '\(Self.describe(byte))' where a value should be")
        }
    }

    private mutating func open(_ kind: JSONTape.Kind, depth: Int) throws(JSONTape.SyntaxError) -> Int {
        guard depth <= JSONTape.maximumDepth else { throw error("nested deeper than \(JSONTape.maximumDepth) levels") }
        tokens.append(.init(offset: UInt32(i), length: 0, next: 0, kind: kind))
        i += 1
        skipWhitespace()
        return tokens.count - 1
    }

    private mutating func close(_ token: Int, count: Int) {
        tokens[token].length = UInt32(count)
        tokens[token].next = UInt32(tokens.count)
    }

    private mutating func parseObject(depth: Int) throws(JSONTape.SyntaxError) {
        let token = try open(.object, depth: depth)
        var count = 0
        if peek == UInt8(ascii: "}") {
            i += 1
            return close(token, count: 0)
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
            i += 1
            skipWhitespace()
            try parseValue(depth: depth)
            count += 1
            if try endOfItems(closedBy: UInt8(ascii: "}"), in: "an object") { return close(token, count: count) }
        }
    }

    /// After a member or element: true at the closing bracket, false after a comma (both consumed).
    private mutating func endOfItems(closedBy bracket: UInt8, in container: String) throws(JSONTape.SyntaxError) -> Bool {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: ","):
            i += 1
            skipWhitespace()
            return false
        case bracket:
            i += 1
            return true
        default:
            throw error("expected ',' or '\(Character(UnicodeScalar(bracket)))' in \(container)")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONTape.SyntaxError) {
        let token = try open(.array, depth: depth)
        var count = 0
        if peek == UInt8(ascii: "]") {
            i += 1
            return close(token, count: 0)
        }
        while true {
            try parseValue(depth: depth)
            count += 1
            if try endOfItems(closedBy: UInt8(ascii: "]"), in: "an array") { return close(token, count: count) }
        }
    }

    /// Checks escapes and UTF-8 as it goes, so decoding a string later cannot fail.
    private mutating func parseString() throws(JSONTape.SyntaxError) {
        i += 1  // the opening quote
        let start = i
        var escaped = false
        while true {
            // Plain ASCII runs are the common case: scan them eight bytes at a time.
            while i + 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if Self.isPlainRun(word) { i += 8 } else { break }
            }
            guard i < end else { throw error("the JSON ends inside a string") }
            let byte = base[i]
            switch byte {
            case UInt8(ascii: "\""):
                tokens.append(
                    .init(
                        offset: UInt32(start), length: UInt32(i - start), next: UInt32(tokens.count + 1),
                        kind: escaped ? .escapedString : .plainString))
                i += 1
                return
            case UInt8(ascii: "\\"):
                escaped = true
                try skipEscape()
            case 0..<0x20:
                throw error("a control character (\(byte)) inside a string must be escaped")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                i += 1
            }
        }
    }

    /// True when none of the eight bytes is a quote, a backslash, a control character or non-ASCII.
    @inline(__always)
    private static func isPlainRun(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0  // some byte < 0x20 (or ≥ 0x80, caught below)
        return word & highs == 0 && !control
            && !hasZeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
            && !hasZeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
    }

    private mutating func skipEscape() throws(JSONTape.SyntaxError) {
        guard i + 1 < end else { throw error("the JSON ends inside an escape") }
        switch base[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            guard i + 6 <= end, (2..<6).allSatisfy({ Self.hexValue(base[i + $0]) != nil }) else {
                throw error("\\u must be followed by four hexadecimal digits")
            }
            i += 6
        default:
            throw error("unknown escape '\\\(Self.describe(base[i + 1]))'")
        }
    }

    /// One well-formed UTF-8 sequence (no overlongs, no surrogates, nothing above U+10FFFF).
    private mutating func skipUTF8Sequence() throws(JSONTape.SyntaxError) {
        let lead = base[i]
        let (length, low, high): (Int, UInt8, UInt8) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            default: (0, 0, 0)
            }
        guard length > 0, i + length <= end, (low...high).contains(base[i + 1]),
            (2..<length).allSatisfy({ (0x80...0xBF).contains(base[i + $0]) })
        else { throw error("invalid UTF-8 inside a string") }
        i += length
    }

    private mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONTape.SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= end, (0..<n).allSatisfy({ base[i + $0] == word.utf8Start[$0] }) else {
            throw error("unexpected word where a value should be")
        }
        tokens.append(.init(offset: UInt32(i), length: UInt32(n), next: UInt32(tokens.count + 1), kind: kind))
        i += n
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func parseNumber() throws(JSONTape.SyntaxError) {
        let start = i
        var integer = true
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits") }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, Self.isDigit(base[i]) { throw error("a number must not start with 0") }
        } else {
            skipDigits()
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits after '.'") }
            skipDigits()
        }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            integer = false
            i += 1
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits in its exponent") }
            skipDigits()
        }
        tokens.append(
            .init(
                offset: UInt32(start), length: UInt32(i - start), next: UInt32(tokens.count + 1),
                kind: integer ? .integer : .number))
    }

    private mutating func skipDigits() {
        while i < end, Self.isDigit(base[i]) { i += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}

extension JSONTape {
    /// The text of a string token, escapes decoded. The tape checked its UTF-8 and escapes.
    static func string(_ token: Token, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)])
        guard token.kind == .escapedString else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"  // a lone surrogate, as Foundation reads it
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | Parser.hexValue(raw[at + $1])! }
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"),
                    raw[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        i += 6
                        appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        continue
                    }
                }
                appendScalar(unit)
            default: out.append(escape)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
