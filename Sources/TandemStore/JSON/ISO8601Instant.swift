import Foundation

/// `yyyy-MM-ddTHH:mm:ss[.fff](Z|±hh:mm)` read straight from bytes: Foundation's ISO 8601 parser is slow for
/// the hundreds of thousands of dates a snapshot holds.
enum ISO8601Instant {
    static func parse(_ text: UnsafeRawBufferPointer) -> Date? {
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= text.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < text.count, text[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), (1...12).contains(month),
            expect(UInt8(ascii: "-")), let day = number(2), (1...31).contains(day),
            expect(UInt8(ascii: "T")), let hour = number(2), hour < 24, expect(UInt8(ascii: ":")),
            let minute = number(2), minute < 60, expect(UInt8(ascii: ":")), let second = number(2), second < 61
        else { return nil }
        var fraction = 0.0
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < text.count, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if expect(UInt8(ascii: "Z")) {
        } else if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            let sign = text[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let h = number(2), expect(UInt8(ascii: ":")), let m = number(2) else { return nil }
            offset = sign * (h * 3600 + m * 60)
        } else {
            return nil
        }
        guard i == text.count else { return nil }
        // Foundation's calendar switches to Julian dates before 1583; no date of ours is that old, but a file
        // that holds one must read as Foundation reads it.
        if year < 1583 {
            return try? Date.ISO8601FormatStyle(includingFractionalSeconds: fraction != 0)
                .parse(String(decoding: text, as: UTF8.self))
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

