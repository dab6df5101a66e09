import Foundation
import TandemCore

/// Shared values for the scheduling tests: zones, a fixed `now`, and literal instants.
enum SchedulingFixtures {
    static let berlin = zone("Europe/Berlin")
    static let newYork = zone("America/New_York")

    /// Monday 2026-11-30 10:00 UTC = 11:00 in Berlin.
    static let now = Fixtures.now

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { fatalError("no zone data for \(identifier)") }
        return zone
    }

    /// An instant written as `2026-03-29T01:00Z` (UTC, to the minute).
    static func utc(_ text: String) -> Date {
        let parts = text.dropLast().split(separator: "T")
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        let d = day(String(parts[0]))
        let components = DateComponents(year: d.year, month: d.month, day: d.day, hour: clock[0], minute: clock[1])
        guard text.hasSuffix("Z"), let date = Calendar.gregorian(.gmt).date(from: components) else {
            fatalError("bad instant literal \(text)")
        }
        return date
    }

    /// A day written as `2026-12-03`.
    static func day(_ text: String) -> Day {
        guard let day = Day(iso: text) else { fatalError("bad day literal \(text)") }
        return day
    }

    /// A wall time written as `2026-12-03 09:30`.
    static func wall(_ text: String) -> WallTime {
        let parts = text.split(separator: " ")
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        return WallTime(day: day(String(parts[0])), hour: clock[0], minute: clock[1])
    }
}
