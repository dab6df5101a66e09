import Foundation
import TandemCore
import Testing

/// Meeting schedules picked where iCalendar and Tandem could part ways: daylight-saving changes, week
/// counting, month ends, rare weekdays, times inside a spring-forward gap or the repeated fall-back hour,
/// skipped days, series ends.
struct ScheduleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var schedule: MeetingSchedule
    /// Instants the year must hold, so a case cannot pass without reaching the edge it is named for.
    var includes: [String] = []
    /// Instants it must not hold (a skipped day, a nominal time moved out of a gap).
    var excludes: [String] = []

    var testDescription: String { name }

    /// The year the tests compare: it holds both 2026 changes in Berlin (29 March, 25 October), New York
    /// (8 March, 1 November) and Sydney (5 April, 4 October).
    static let from = instant("2026-01-01T00:00:00Z")
    static let to = instant("2027-01-01T00:00:00Z")
    /// DTSTAMP of the documents; it also fixes which years get time zone data.
    static let stamp = instant("2026-06-15T12:00:00Z")

    static func instant(_ text: String) -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else { fatalError("bad instant literal \(text)") }
        return date
    }

    static func day(_ text: String) -> Day {
        guard let day = Day(iso: text) else { fatalError("bad day literal \(text)") }
        return day
    }

    /// A schedule from `2026-01-05 09:00`-style first start, zone, minutes and rule.
    static func schedule(
        _ start: String, _ zone: String, _ rule: Recurrence.Rule, minutes: Int = 60, skipped: [String] = [],
        until: String? = nil
    ) -> MeetingSchedule {
        let parts = start.split(separator: " ")
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        return MeetingSchedule(
            firstStart: WallTime(day: day(String(parts[0])), hour: clock[0], minute: clock[1]), timeZone: zone,
            durationMinutes: minutes, recurrence: Recurrence(rule), skipped: Set(skipped.map(day)),
            until: until.map(day))
    }

    static let all: [ScheduleCase] = [
        ScheduleCase(
            name: "weekly Monday 09:00 Berlin across both changes",
            schedule: schedule("2026-01-05 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1])),
            includes: ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", "2026-10-26T08:00:00Z"]),
        ScheduleCase(
            name: "weekly Sunday 09:00 Berlin, on the change days themselves",
            schedule: schedule("2026-01-04 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [7])),
            includes: ["2026-03-29T07:00:00Z", "2026-10-25T08:00:00Z"]),
        ScheduleCase(
            name: "weekly Tuesday 10:00 New York",
            schedule: schedule("2026-01-06 10:00", "America/New_York", .weekly(interval: 1, weekdays: [2])),
            includes: ["2026-03-03T15:00:00Z", "2026-03-10T14:00:00Z", "2026-11-03T15:00:00Z"]),
        ScheduleCase(
            name: "every 2 weeks Wednesday 14:30 Berlin, first planned on a Monday",
            schedule: schedule("2026-01-12 14:30", "Europe/Berlin", .weekly(interval: 2, weekdays: [3])),
            includes: ["2026-01-14T13:30:00Z", "2026-01-28T13:30:00Z"], excludes: ["2026-01-21T13:30:00Z"]),
        ScheduleCase(
            name: "Monday, Wednesday, Friday 08:15 New York",
            schedule: schedule("2026-01-02 08:15", "America/New_York", .weekly(interval: 1, weekdays: [1, 3, 5])),
            includes: ["2026-01-02T13:15:00Z", "2026-03-09T12:15:00Z"]),
        ScheduleCase(
            name: "every 3 weeks Tuesday and Thursday 16:00 Berlin from December 2025",
            schedule: schedule("2025-12-30 16:00", "Europe/Berlin", .weekly(interval: 3, weekdays: [2, 4])),
            includes: ["2026-01-20T15:00:00Z", "2026-01-22T15:00:00Z"], excludes: ["2026-01-13T15:00:00Z"]),
        ScheduleCase(
            name: "monthly on the 31st 17:00 Berlin (last day in short months)",
            schedule: schedule("2026-01-31 17:00", "Europe/Berlin", .monthlyOnDay(interval: 1, day: 31)),
            includes: ["2026-02-28T16:00:00Z", "2026-04-30T15:00:00Z", "2026-12-31T16:00:00Z"]),
        ScheduleCase(
            name: "monthly on the 30th 11:00 New York",
            schedule: schedule("2026-01-30 11:00", "America/New_York", .monthlyOnDay(interval: 1, day: 30)),
            includes: ["2026-02-28T16:00:00Z", "2026-03-30T15:00:00Z"], excludes: ["2026-03-31T15:00:00Z"]),
        ScheduleCase(
            name: "monthly on the 29th 09:00 Berlin from November 2025",
            schedule: schedule("2025-11-29 09:00", "Europe/Berlin", .monthlyOnDay(interval: 1, day: 29)),
            includes: ["2026-02-28T08:00:00Z", "2026-03-29T07:00:00Z"]),
        ScheduleCase(
            name: "monthly on the 5th Tuesday 10:00 Berlin",
            schedule: schedule("2025-09-30 10:00", "Europe/Berlin", .monthlyOnWeekday(interval: 1, ordinal: 5, weekday: 2)),
            includes: ["2026-03-31T08:00:00Z", "2026-06-30T08:00:00Z", "2026-09-29T08:00:00Z", "2026-12-29T09:00:00Z"]),
        ScheduleCase(
            name: "last Friday 15:00 New York",
            schedule: schedule("2026-01-30 15:00", "America/New_York", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5)),
            includes: ["2026-01-30T20:00:00Z", "2026-10-30T19:00:00Z"]),
        ScheduleCase(
            name: "second to last Wednesday every 2 months 12:00 Sydney",
            schedule: schedule("2026-01-21 12:00", "Australia/Sydney", .monthlyOnWeekday(interval: 2, ordinal: -2, weekday: 3)),
            includes: ["2026-01-21T01:00:00Z"]),
        ScheduleCase(
            name: "Sunday 02:30 Berlin: spring-forward gap and fall-back hour",
            schedule: schedule("2026-03-01 02:30", "Europe/Berlin", .weekly(interval: 1, weekdays: [7])),
            includes: ["2026-03-29T01:00:00Z", "2026-10-25T00:30:00Z"], excludes: ["2026-03-29T01:30:00Z"]),
        ScheduleCase(
            name: "Sunday 02:30 New York: spring-forward gap",
            schedule: schedule("2026-01-04 02:30", "America/New_York", .weekly(interval: 1, weekdays: [7])),
            includes: ["2026-03-08T07:00:00Z", "2026-11-01T07:30:00Z"]),
        ScheduleCase(
            name: "Sunday 02:30 Sydney: fall-back hour in April, gap in October",
            schedule: schedule("2026-01-04 02:30", "Australia/Sydney", .weekly(interval: 1, weekdays: [7])),
            includes: ["2026-04-04T15:30:00Z", "2026-10-03T16:00:00Z"]),
        ScheduleCase(
            name: "once, 02:30 Berlin on the spring-forward day",
            schedule: schedule("2026-03-29 02:30", "Europe/Berlin", .none),
            includes: ["2026-03-29T01:00:00Z"]),
        ScheduleCase(
            name: "weekly Thursday 09:00 Berlin with skipped days",
            schedule: schedule(
                "2026-01-01 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [4]),
                skipped: ["2026-01-01", "2026-04-02", "2026-12-24", "2026-12-31"]),
            includes: ["2026-01-08T08:00:00Z"], excludes: ["2026-01-01T08:00:00Z", "2026-12-24T08:00:00Z"]),
        ScheduleCase(
            name: "weekly Friday 10:00 Berlin until 26 June",
            schedule: schedule(
                "2026-01-02 10:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [5]), until: "2026-06-26"),
            includes: ["2026-06-26T08:00:00Z"], excludes: ["2026-07-03T08:00:00Z"]),
        ScheduleCase(
            name: "monthly on the 31st 17:00 Kolkata until September, one skipped",
            schedule: schedule(
                "2026-01-31 17:00", "Asia/Kolkata", .monthlyOnDay(interval: 1, day: 31), skipped: ["2026-04-30"],
                until: "2026-09-30"),
            includes: ["2026-09-30T11:30:00Z"], excludes: ["2026-04-30T11:30:00Z"]),
        ScheduleCase(
            name: "ended before it began",
            schedule: schedule(
                "2026-03-02 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [2]), until: "2026-03-02")),
    ]
}
