import Foundation

/// The writer's bytes: the growing buffer, and JSON's scalars as `JSONEncoder` writes them.
extension StateJSONEncoder.Writer {
    @inline(__always)
    func reserve(_ n: Int) {
        if capacity - count < n { grow(n) }
    }

    private func grow(_ n: Int) {
        capacity = max(capacity * 2, count + n)
        base = realloc(base, capacity)!.bindMemory(to: UInt8.self, capacity: capacity)
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    func bytes(_ source: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        (base + count).update(from: source, count: n)
        count += n
    }

    func literal(_ text: StaticString) {
        bytes(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Text known to need no escaping (numbers).
    func ascii(_ text: String) {
        var text = text
        text.withUTF8 { bytes($0.baseAddress!, $0.count) }
    }

    func indent(_ depth: Int) {
        reserve(2 * depth)
        (base + count).initialize(repeating: UInt8(ascii: " "), count: 2 * depth)
        count += 2 * depth
    }

    func write(_ value: Bool) {
        value ? literal("true") : literal("false")
    }

    /// A quoted string, escaped as `JSONEncoder` escapes it: `"`, `\` and control characters only.
    func write(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            let n = utf8.count
            guard let p = utf8.baseAddress else { return literal("\"\"") }
            // Eight bytes at a time while none needs escaping (a shorter tail padded with spaces): most
            // strings are copied whole.
            var clean = 0
            while clean < n {
                var word: UInt64 = 0x2020_2020_2020_2020
                withUnsafeMutableBytes(of: &word) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(start: p + clean, count: min(8, n - clean)))
                }
                if Self.mayNeedEscape(word) { break }
                clean += 8
            }
            reserve(n + 2)
            base[count] = UInt8(ascii: "\"")
            guard clean < n else {
                (base + count + 1).update(from: p, count: n)
                base[count + n + 1] = UInt8(ascii: "\"")
                count += n + 2
                return
            }
            count += 1
            var run = 0  // start of the bytes not yet copied
            for i in clean..<n {
                let b = p[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                bytes(p + run, i - run)
                run = i + 1
                byte(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte(b)
                case 0x08: byte(UInt8(ascii: "b"))
                case 0x0C: byte(UInt8(ascii: "f"))
                case 0x0A: byte(UInt8(ascii: "n"))
                case 0x0D: byte(UInt8(ascii: "r"))
                case 0x09: byte(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    literal("u00")
                    byte(hex.utf8Start[Int(b >> 4)])
                    byte(hex.utf8Start[Int(b & 0xF)])
                }
            }
            bytes(p + run, n - run)
            byte(UInt8(ascii: "\""))
        }
    }

    /// Whether any of the eight bytes in `word` is below 0x20, `"` or `\` (bit tricks: a byte is zero after
    /// subtracting and masking only where one matched; bytes of 0x80 and up never match).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let below20 = (word &- ones &* 0x20) & ~word & highs != 0
        return below20 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
    }

    func write<T: FixedWidthInteger>(_ value: T) {
        guard T.bitWidth <= 64 else { return ascii(value.description) }
        var magnitude = UInt64(value.magnitude)
        reserve(21)
        if value < 0 { byte(UInt8(ascii: "-")) }
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        count += digits
        var at = count - 1
        repeat {
            base[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            at -= 1
        } while magnitude > 0
    }

    /// `description`, less a trailing `.0` (`3.0` → `3`, `1e-07` stays), as `JSONEncoder` writes numbers.
    func write<T: BinaryFloatingPoint & CustomStringConvertible>(_ value: T, level: Int) throws {
        guard value.isFinite else {
            let message = "Unable to encode \(T.self).\(value) directly in JSON."
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath(upTo: level), debugDescription: message))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        ascii(text)
    }

    /// ISO 8601 in UTC to the second, as `JSONEncoder`'s `.iso8601` strategy writes it: fractions are cut
    /// off (rounded down, also before 1970). Computed here for dates from the Gregorian calendar's start
    /// (1582-10-15) to the year 9999; others (Julian days, five-digit years) go to Foundation's formatter.
    func write(_ date: Date) {
        let interval = date.timeIntervalSinceReferenceDate
        guard interval >= -13_197_600_000, interval < 252_423_993_600 else {
            return write(date.formatted(.iso8601))
        }
        let seconds = Int(interval.rounded(.down)) + 978_307_200  // since 1970
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), for years ≥ 0.
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // March = 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        reserve(22)
        let out = base + count
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for i in stride(from: offset + width - 1, through: offset, by: -1) {
                out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        out[0] = UInt8(ascii: "\"")
        put(year, 4, at: 1)
        out[5] = UInt8(ascii: "-")
        put(month, 2, at: 6)
        out[8] = UInt8(ascii: "-")
        put(day, 2, at: 9)
        out[11] = UInt8(ascii: "T")
        put(time / 3_600, 2, at: 12)
        out[14] = UInt8(ascii: ":")
        put(time / 60 % 60, 2, at: 15)
        out[17] = UInt8(ascii: ":")
        put(time % 60, 2, at: 18)
        out[20] = UInt8(ascii: "Z")
        out[21] = UInt8(ascii: "\"")
        count += 22
    }
}
