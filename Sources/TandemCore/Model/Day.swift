import Foundation

/// A calendar day without a time or zone ("2026-12-03"), as campaign dates are planned.
///
/// Encoded as its ISO string so state files stay readable and diffable.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ten ASCII characters); nil for anything else or an impossible date (2026-02-30).
    /// Read byte by byte: snapshots hold hundreds of thousands of days.
    public init?(iso text: some StringProtocol) {
        var fields = (0, 0, 0)
        var n = 0
        for byte in text.utf8 {
            switch (n, byte) {
            case (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")): break
            case (0..<4, UInt8(ascii: "0")...UInt8(ascii: "9")): fields.0 = fields.0 * 10 + Int(byte - 48)
            case (5..<7, UInt8(ascii: "0")...UInt8(ascii: "9")): fields.1 = fields.1 * 10 + Int(byte - 48)
            case (8..<10, UInt8(ascii: "0")...UInt8(ascii: "9")): fields.2 = fields.2 * 10 + Int(byte - 48)
            default: return nil
            }
            n += 1
        }
        let (y, m, d) = fields
        guard n == 10, (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day `date` falls on in `zone`.
    public init(_ date: Date, in zone: TimeZone) {
        let c = Calendar.gregorian(zone).dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    /// "2026-12-03". Not `String(format:)` for real dates: on Linux it goes through CFString, and a snapshot
    /// writes every campaign's days.
    public var description: String {
        guard (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            return String(format: "%04d-%02d-%02d", year, month, day)
        }
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: width - digits.count) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day `n` days later (or earlier for negative `n`).
    public func adding(days n: Int) -> Day {
        var c = DateComponents()
        c.year = year
        c.month = month
        c.day = day + n
        c.hour = 12
        let cal = Calendar.gregorian(.gmt)
        let date = cal.date(from: c) ?? Date(timeIntervalSince1970: 0)
        return Day(date, in: .gmt)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int {
        let cal = Calendar.gregorian(.gmt)
        func noon(_ d: Day) -> Date {
            cal.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: 12)) ?? .distantPast
        }
        return cal.dateComponents([.day], from: noon(self), to: noon(other)).day ?? 0
    }

    /// Monday = 1 … Sunday = 7 (ISO 8601).
    public var isoWeekday: Int {
        let cal = Calendar.gregorian(.gmt)
        let date = cal.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? .distantPast
        let w = cal.component(.weekday, from: date)  // Sunday = 1
        return w == 1 ? 7 : w - 1
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date (YYYY-MM-DD): \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Calendar {
    /// A Gregorian calendar in `zone`: the one calendar all date maths in Tandem uses.
    public static func gregorian(_ zone: TimeZone) -> Calendar {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        cal.firstWeekday = 2
        cal.locale = Locale(identifier: "en_US_POSIX")
        return cal
    }
}
