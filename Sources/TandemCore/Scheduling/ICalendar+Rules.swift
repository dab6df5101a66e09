import Foundation

/// Tandem's recurrence rules as RRULE values.
extension ICalendar {
    private static let dayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    /// The RRULE value for `schedule`, or nil for a single meeting.
    ///
    /// - weekly → `FREQ=WEEKLY;INTERVAL=n;BYDAY=MO,TH;WKST=MO` (WKST=MO because Tandem counts every-other
    ///   weeks in Monday-to-Sunday weeks from the first start's week, as RFC 5545 does with WKST)
    /// - monthly on a weekday → `FREQ=MONTHLY;INTERVAL=n;BYDAY=2TU` or `-1FR`; months without a 5th
    ///   Tuesday have no meeting in both
    /// - monthly on a day → `BYMONTHDAY=d` up to 28; beyond that a rule picking the latest of the days
    ///   from the 28th that the month has, which is Tandem's "that day, or the month's last day"
    /// - `until` → `UNTIL=` the last second of that local day, in UTC as RFC 5545 requires with a TZID
    static func rrule(_ schedule: MeetingSchedule) -> String? {
        var parts: [String]
        switch schedule.recurrence.rule {
        case .none:
            return nil
        case .weekly(let interval, let weekdays):
            let valid = Set(weekdays.filter { (1...7).contains($0) }).sorted()
            let days = valid.isEmpty ? [schedule.firstStart.day.weekdayNumber] : valid
            parts = [
                "FREQ=WEEKLY", "INTERVAL=\(max(1, interval))",
                "BYDAY=" + days.map { dayCodes[$0 - 1] }.joined(separator: ","), "WKST=MO",
            ]
        case .monthlyOnDay(let interval, let day):
            parts = ["FREQ=MONTHLY", "INTERVAL=\(max(1, interval))"] + monthDay(day)
        case .monthlyOnWeekday(let interval, let ordinal, let weekday):
            guard (1...7).contains(weekday) else { return nil }
            parts = ["FREQ=MONTHLY", "INTERVAL=\(max(1, interval))", "BYDAY=\(ordinal)\(dayCodes[weekday - 1])"]
        }
        if let until = schedule.until {
            let endOfDay = WallTime(day: until.plus(days: 1), hour: 0, minute: 0).instant(in: schedule.zone)
            parts.append("UNTIL=" + ICalendarFormat.utc(endOfDay.addingTimeInterval(-1)))
        }
        return parts.joined(separator: ";")
    }

    /// BYMONTHDAY parts keeping "the day, or the month's last day if it has no such day".
    ///
    /// - 31: `BYMONTHDAY=-1`, the last day, which is the 31st when there is one.
    /// - 30: `BYMONTHDAY=28,29,30;BYSETPOS=-1`, the latest of those the month has (30, or 29/28 in Feb).
    /// - 29: `BYMONTHDAY=28,29;BYSETPOS=-1`.
    /// (`BYMONTHDAY=-1` alone would be wrong for the 29th and 30th in 31-day months.)
    static func monthDay(_ day: Int) -> [String] {
        switch day {
        case ...28: ["BYMONTHDAY=\(max(1, day))"]
        case 29: ["BYMONTHDAY=28,29", "BYSETPOS=-1"]
        case 30: ["BYMONTHDAY=28,29,30", "BYSETPOS=-1"]
        default: ["BYMONTHDAY=-1"]
        }
    }
}
