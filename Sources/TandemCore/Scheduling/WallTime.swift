import Foundation

/// A wall-clock moment as typed: a day and a time of day (hour, minute), in the member's zone.
///
/// Tandem stores meetings and reminders as wall time plus an IANA zone, never as a fixed UTC offset,
/// so a 09:00 weekly meeting stays at 09:00 across daylight-saving changes. The instant is computed
/// only when needed, by ``instant(in:)``.
public struct WallTime: Hashable, Sendable, Codable, CustomStringConvertible {
    public var day: Day
    /// 0…23.
    public var hour: Int
    /// 0…59.
    public var minute: Int

    public init(day: Day, hour: Int, minute: Int) {
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    public init(day: Day, time: TimeOfDay) {
        self.init(day: day, hour: time.hour, minute: time.minute)
    }

    /// The wall time `date` shows in `zone`, to the minute (seconds are dropped, not rounded).
    public init(_ date: Date, in zone: TimeZone) {
        let utc = Int(date.timeIntervalSince1970.rounded(.down))
        let local = utc + zone.secondsFromGMT(for: date)
        let seconds = Day.floorMod(local, 86_400)
        self.init(
            day: Day(dayNumber: Day.floorDiv(local, 86_400)),
            hour: seconds / 3600,
            minute: seconds % 3600 / 60)
    }

    public var time: TimeOfDay { TimeOfDay(hour: hour, minute: minute) }

    /// "2026-12-03 09:30".
    public var description: String { "\(day) \(time)" }

    /// The instant this wall time names in `zone`.
    ///
    /// - A local time that does not exist (the spring-forward gap, e.g. 02:30 on 2026-03-29 in Berlin)
    ///   moves to the first valid instant after it: the transition itself (03:00 CEST = 01:00Z).
    /// - An ambiguous local time (the fall-back hour, e.g. 02:30 on 2026-10-25 in Berlin) resolves to its
    ///   FIRST occurrence (02:30 CEST = 00:30Z), so a reminder fires once and not an hour late.
    ///
    /// Computed from `TimeZone.secondsFromGMT(for:)` alone rather than `Calendar.date(from:)`, whose
    /// choices in gaps and overlaps are not documented and have differed between Foundation versions.
    public func instant(in zone: TimeZone) -> Date {
        // The wall clock read as if it were UTC; the instant is `local - offset` for the right offset.
        let local = day.dayNumber * 86_400 + hour * 3600 + minute * 60
        func offset(at utc: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
        }
        // Offsets in force around this day; transitions are hours apart from each other, never minutes.
        let candidates = Set([offset(at: local - 86_400), offset(at: local), offset(at: local + 86_400)])
        let valid = candidates.map { local - $0 }.filter { offset(at: $0) == local - $0 }
        if let first = valid.min() {
            return Date(timeIntervalSince1970: TimeInterval(first))
        }
        // A gap: the transition lies between reading the wall time with the later and the earlier offset.
        // The first instant whose offset differs from the one before the gap is the transition itself.
        var low = local - (candidates.max() ?? 0)  // before the transition
        var high = local - (candidates.min() ?? 0)  // at or after it
        let before = offset(at: low)
        guard offset(at: high) != before else {
            return Date(timeIntervalSince1970: TimeInterval(local - before))
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == before { low = middle } else { high = middle }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    /// Whether this wall time exists in `zone` exactly as written (false inside a spring-forward gap).
    public func exists(in zone: TimeZone) -> Bool {
        WallTime(instant(in: zone), in: zone) == self
    }
}
