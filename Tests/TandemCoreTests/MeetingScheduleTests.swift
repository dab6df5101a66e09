import Foundation
import Testing
import TandemCore

/// A schedule, a range [from, to) and the start instants expected in it (UTC).
struct OccurrenceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schedule: MeetingSchedule
    let from: String
    let to: String
    let expected: [String]

    init(_ name: String, _ schedule: MeetingSchedule, _ from: String, _ to: String, _ expected: [String]) {
        self.name = name
        self.schedule = schedule
        self.from = from
        self.to = to
        self.expected = expected
    }

    var testDescription: String { name }
}

/// A schedule from literals: `meeting("2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1]))`.
func meeting(
    _ first: String, _ zone: String, _ rule: Recurrence.Rule, minutes: Int = 60, skipped: [String] = [],
    until: String? = nil
) -> MeetingSchedule {
    MeetingSchedule(
        firstStart: SchedulingFixtures.wall(first), timeZone: zone, durationMinutes: minutes,
        recurrence: Recurrence(rule), skipped: Set(skipped.map(SchedulingFixtures.day)),
        until: until.map(SchedulingFixtures.day))
}

private let berlin = "Europe/Berlin"
private let newYork = "America/New_York"
private let mondays = Recurrence.Rule.weekly(interval: 1, weekdays: [1])
private let sundays = Recurrence.Rule.weekly(interval: 1, weekdays: [7])

@Suite("Meeting occurrences")
struct MeetingScheduleTests {
    static let cases: [OccurrenceCase] = [
        // A 09:00 Berlin meeting stays at 09:00 local across both changes.
        OccurrenceCase(
            "weekly 09:00 Berlin across spring forward", meeting("2026-03-16 09:00", berlin, mondays),
            "2026-03-16T00:00Z", "2026-04-07T00:00Z",
            ["2026-03-16T08:00Z", "2026-03-23T08:00Z", "2026-03-30T07:00Z", "2026-04-06T07:00Z"]),
        OccurrenceCase(
            "weekly 09:00 Berlin across fall back", meeting("2026-10-19 09:00", berlin, mondays),
            "2026-10-19T00:00Z", "2026-11-03T00:00Z", ["2026-10-19T07:00Z", "2026-10-26T08:00Z", "2026-11-02T08:00Z"]),
        OccurrenceCase(
            "Sunday 09:00 Berlin on the spring-forward day", meeting("2026-03-22 09:00", berlin, sundays),
            "2026-03-22T00:00Z", "2026-03-30T00:00Z", ["2026-03-22T08:00Z", "2026-03-29T07:00Z"]),
        OccurrenceCase(
            "Sunday 09:00 Berlin on the fall-back day", meeting("2026-10-18 09:00", berlin, sundays),
            "2026-10-18T00:00Z", "2026-10-26T00:00Z", ["2026-10-18T07:00Z", "2026-10-25T08:00Z"]),
        OccurrenceCase(
            "weekly 10:00 New York across spring forward", meeting("2026-03-01 10:00", newYork, sundays),
            "2026-03-01T00:00Z", "2026-03-16T00:00Z", ["2026-03-01T15:00Z", "2026-03-08T14:00Z", "2026-03-15T14:00Z"]),
        OccurrenceCase(
            "weekly 10:00 New York across fall back", meeting("2026-10-25 10:00", newYork, sundays),
            "2026-10-25T00:00Z", "2026-11-09T00:00Z", ["2026-10-25T14:00Z", "2026-11-01T15:00Z", "2026-11-08T15:00Z"]),
        OccurrenceCase(
            "Auckland 09:00 across its spring forward", meeting("2026-09-21 09:00", "Pacific/Auckland", mondays),
            "2026-09-20T00:00Z", "2026-09-28T00:00Z", ["2026-09-20T21:00Z", "2026-09-27T20:00Z"]),
        // Starts inside the gap move to its end that day only; in the overlap they happen once.
        OccurrenceCase(
            "weekly 02:30 Berlin on the spring-forward day", meeting("2026-03-22 02:30", berlin, sundays),
            "2026-03-21T00:00Z", "2026-04-06T00:00Z", ["2026-03-22T01:30Z", "2026-03-29T01:00Z", "2026-04-05T00:30Z"]),
        OccurrenceCase(
            "weekly 02:30 Berlin on the fall-back day", meeting("2026-10-18 02:30", berlin, sundays),
            "2026-10-17T00:00Z", "2026-11-02T00:00Z", ["2026-10-18T00:30Z", "2026-10-25T00:30Z", "2026-11-01T01:30Z"]),
        OccurrenceCase(
            "weekly 02:30 New York on the spring-forward day", meeting("2026-03-01 02:30", newYork, sundays),
            "2026-03-01T00:00Z", "2026-03-16T00:00Z", ["2026-03-01T07:30Z", "2026-03-08T07:00Z", "2026-03-15T06:30Z"]),
        OccurrenceCase(
            "weekly 01:30 New York on the fall-back day", meeting("2026-10-25 01:30", newYork, sundays),
            "2026-10-25T00:00Z", "2026-11-09T00:00Z", ["2026-10-25T05:30Z", "2026-11-01T05:30Z", "2026-11-08T06:30Z"]),
        OccurrenceCase(
            "daily across Berlin spring forward",
            meeting("2026-03-27 09:00", berlin, .weekly(interval: 1, weekdays: Array(1...7))),
            "2026-03-27T00:00Z", "2026-03-31T00:00Z",
            ["2026-03-27T08:00Z", "2026-03-28T08:00Z", "2026-03-29T07:00Z", "2026-03-30T07:00Z"]),
        // Intervals and weekday sets.
        OccurrenceCase(
            "every 2 weeks on Tuesday", meeting("2026-12-01 10:00", berlin, .weekly(interval: 2, weekdays: [2])),
            "2026-12-01T00:00Z", "2027-01-13T00:00Z",
            ["2026-12-01T09:00Z", "2026-12-15T09:00Z", "2026-12-29T09:00Z", "2027-01-12T09:00Z"]),
        OccurrenceCase(
            "every 2 weeks on Tuesday, first planned on a Thursday",
            meeting("2026-12-03 10:00", berlin, .weekly(interval: 2, weekdays: [2])),
            "2026-12-01T00:00Z", "2027-01-13T00:00Z", ["2026-12-15T09:00Z", "2026-12-29T09:00Z", "2027-01-12T09:00Z"]),
        OccurrenceCase(
            "every 2 weeks counted from a first start years ago",
            meeting("2020-01-06 09:00", berlin, .weekly(interval: 2, weekdays: [1])),
            "2026-11-30T00:00Z", "2026-12-15T00:00Z", ["2026-11-30T08:00Z", "2026-12-14T08:00Z"]),
        OccurrenceCase(
            "every 2 weeks, the other phase",
            meeting("2020-01-13 09:00", berlin, .weekly(interval: 2, weekdays: [1])),
            "2026-11-30T00:00Z", "2026-12-15T00:00Z", ["2026-12-07T08:00Z"]),
        OccurrenceCase(
            "Mondays and Thursdays", meeting("2026-11-30 09:00", berlin, .weekly(interval: 1, weekdays: [4, 1])),
            "2026-11-30T00:00Z", "2026-12-11T00:00Z",
            ["2026-11-30T08:00Z", "2026-12-03T08:00Z", "2026-12-07T08:00Z", "2026-12-10T08:00Z"]),
        OccurrenceCase(
            "every 2 weeks on Monday and Friday",
            meeting("2026-11-30 09:00", berlin, .weekly(interval: 2, weekdays: [1, 5])),
            "2026-11-30T00:00Z", "2026-12-26T00:00Z",
            ["2026-11-30T08:00Z", "2026-12-04T08:00Z", "2026-12-14T08:00Z", "2026-12-18T08:00Z"]),
        OccurrenceCase(
            "weekly in Kolkata (no DST)",
            meeting("2026-12-02 10:00", "Asia/Kolkata", .weekly(interval: 1, weekdays: [3])),
            "2026-12-01T00:00Z", "2026-12-17T00:00Z", ["2026-12-02T04:30Z", "2026-12-09T04:30Z", "2026-12-16T04:30Z"]),
        OccurrenceCase(
            "weekly in UTC", meeting("2026-12-04 16:00", "UTC", .weekly(interval: 1, weekdays: [])),
            "2026-12-01T00:00Z", "2026-12-12T00:00Z", ["2026-12-04T16:00Z", "2026-12-11T16:00Z"]),
        // Monthly on a day: a missing day becomes the month's last.
        OccurrenceCase(
            "monthly on the 31st", meeting("2027-01-31 10:00", berlin, .monthlyOnDay(interval: 1, day: 31)),
            "2027-01-01T00:00Z", "2027-07-01T00:00Z",
            [
                "2027-01-31T09:00Z", "2027-02-28T09:00Z", "2027-03-31T08:00Z", "2027-04-30T08:00Z",
                "2027-05-31T08:00Z", "2027-06-30T08:00Z",
            ]),
        OccurrenceCase(
            "monthly on the 31st in a leap year",
            meeting("2028-01-31 10:00", berlin, .monthlyOnDay(interval: 1, day: 31)),
            "2028-01-01T00:00Z", "2028-03-01T00:00Z", ["2028-01-31T09:00Z", "2028-02-29T09:00Z"]),
        OccurrenceCase(
            "monthly on the 30th", meeting("2027-01-30 10:00", berlin, .monthlyOnDay(interval: 1, day: 30)),
            "2027-01-01T00:00Z", "2027-04-01T00:00Z", ["2027-01-30T09:00Z", "2027-02-28T09:00Z", "2027-03-30T08:00Z"]),
        OccurrenceCase(
            "monthly on the 29th", meeting("2027-01-29 10:00", berlin, .monthlyOnDay(interval: 1, day: 29)),
            "2027-01-01T00:00Z", "2027-04-01T00:00Z", ["2027-01-29T09:00Z", "2027-02-28T09:00Z", "2027-03-29T08:00Z"]),
        OccurrenceCase(
            "every 2 months on the 15th", meeting("2026-11-15 10:00", berlin, .monthlyOnDay(interval: 2, day: 15)),
            "2026-11-01T00:00Z", "2027-06-01T00:00Z",
            ["2026-11-15T09:00Z", "2027-01-15T09:00Z", "2027-03-15T09:00Z", "2027-05-15T08:00Z"]),
        // Monthly on a weekday.
        OccurrenceCase(
            "5th Tuesday, skipped in months without one",
            meeting("2026-12-01 10:00", berlin, .monthlyOnWeekday(interval: 1, ordinal: 5, weekday: 2)),
            "2026-12-01T00:00Z", "2027-07-01T00:00Z", ["2026-12-29T09:00Z", "2027-03-30T08:00Z", "2027-06-29T08:00Z"]),
        OccurrenceCase(
            "last Friday", meeting("2026-12-01 15:00", berlin, .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5)),
            "2026-12-01T00:00Z", "2027-03-01T00:00Z", ["2026-12-25T14:00Z", "2027-01-29T14:00Z", "2027-02-26T14:00Z"]),
        OccurrenceCase(
            "2nd Tuesday", meeting("2026-12-01 10:00", berlin, .monthlyOnWeekday(interval: 1, ordinal: 2, weekday: 2)),
            "2026-12-01T00:00Z", "2027-03-01T00:00Z", ["2026-12-08T09:00Z", "2027-01-12T09:00Z", "2027-02-09T09:00Z"]),
        OccurrenceCase(
            "first Monday every 3 months",
            meeting("2026-12-07 09:00", berlin, .monthlyOnWeekday(interval: 3, ordinal: 1, weekday: 1)),
            "2026-12-01T00:00Z", "2027-07-01T00:00Z", ["2026-12-07T08:00Z", "2027-03-01T08:00Z", "2027-06-07T07:00Z"]),
        OccurrenceCase(
            "last Sunday 02:30 Berlin lands on both DST changes",
            meeting("2026-03-01 02:30", berlin, .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 7)),
            "2026-03-01T00:00Z", "2026-05-01T00:00Z", ["2026-03-29T01:00Z", "2026-04-26T00:30Z"]),
        OccurrenceCase(
            "last Sunday 02:30 Berlin in autumn",
            meeting("2026-03-01 02:30", berlin, .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 7)),
            "2026-10-01T00:00Z", "2026-12-01T00:00Z", ["2026-10-25T00:30Z", "2026-11-29T01:30Z"]),
        // Skips, ends and single meetings.
        OccurrenceCase(
            "skipped days", meeting("2026-11-30 09:00", berlin, mondays, skipped: ["2026-12-07", "2026-12-28"]),
            "2026-11-30T00:00Z", "2027-01-05T00:00Z",
            ["2026-11-30T08:00Z", "2026-12-14T08:00Z", "2026-12-21T08:00Z", "2027-01-04T08:00Z"]),
        OccurrenceCase(
            "until is inclusive", meeting("2026-11-30 09:00", berlin, mondays, until: "2026-12-14"),
            "2026-11-30T00:00Z", "2027-01-31T00:00Z", ["2026-11-30T08:00Z", "2026-12-07T08:00Z", "2026-12-14T08:00Z"]),
        OccurrenceCase(
            "until mid-week", meeting("2026-11-30 09:00", berlin, mondays, until: "2026-12-16"),
            "2026-11-30T00:00Z", "2027-01-31T00:00Z", ["2026-11-30T08:00Z", "2026-12-07T08:00Z", "2026-12-14T08:00Z"]),
        OccurrenceCase(
            "until before the first start", meeting("2026-11-30 09:00", berlin, mondays, until: "2026-11-29"),
            "2026-11-01T00:00Z", "2027-01-31T00:00Z", []),
        OccurrenceCase(
            "a single meeting", meeting("2026-12-03 10:00", berlin, .none),
            "2026-12-01T00:00Z", "2026-12-31T00:00Z", ["2026-12-03T09:00Z"]),
        OccurrenceCase(
            "a single meeting outside the range", meeting("2026-12-03 10:00", berlin, .none),
            "2026-12-03T09:01Z", "2026-12-31T00:00Z", []),
        OccurrenceCase(
            "from is inclusive, to exclusive", meeting("2026-11-30 09:00", berlin, mondays),
            "2026-12-07T08:00Z", "2026-12-21T08:00Z", ["2026-12-07T08:00Z", "2026-12-14T08:00Z"]),
        OccurrenceCase(
            "nothing before the first start", meeting("2026-11-30 09:00", berlin, mondays),
            "2026-01-01T00:00Z", "2026-11-30T08:00Z", []),
    ]

    @Test(arguments: cases)
    func occurrencesInARange(_ c: OccurrenceCase) {
        let found = c.schedule.occurrences(from: SchedulingFixtures.utc(c.from), to: SchedulingFixtures.utc(c.to))
        #expect(found == c.expected.map(SchedulingFixtures.utc))
    }

    /// `nextOccurrence` jumps instead of walking, so check it against walking: for every case and a spread of
    /// moments over four months, the next occurrence is the first one the walk finds at or after it.
    @Test(arguments: cases)
    func nextOccurrenceAgreesWithTheRange(_ c: OccurrenceCase) {
        let from = SchedulingFixtures.utc(c.from)
        let walked = c.schedule.occurrences(
            from: from.addingTimeInterval(-4 * 86_400), to: from.addingTimeInterval(420 * 86_400))
        for step in stride(from: -3 * 86_400, through: 120 * 86_400, by: 5 * 3600 + 1234) {
            let date = from.addingTimeInterval(TimeInterval(step))
            #expect(c.schedule.nextOccurrence(atOrAfter: date) == walked.first { $0 >= date })
        }
    }

    @Test func nextOccurrenceIsAtOrAfter() {
        let schedule = meeting("2026-11-30 09:00", berlin, mondays, skipped: ["2026-12-07"])
        let next = { schedule.nextOccurrence(atOrAfter: SchedulingFixtures.utc($0)) }
        #expect(next("2026-11-30T08:00Z") == SchedulingFixtures.utc("2026-11-30T08:00Z"))
        #expect(next("2026-11-30T08:01Z") == SchedulingFixtures.utc("2026-12-14T08:00Z"))
        #expect(next("2020-01-01T00:00Z") == SchedulingFixtures.utc("2026-11-30T08:00Z"))
    }

    @Test func nextOccurrenceDecadesLaterIsDirect() {
        let schedule = meeting("1990-01-01 09:00", berlin, .weekly(interval: 3, weekdays: [1, 4]))
        let date = SchedulingFixtures.utc("2090-06-01T00:00Z")
        let next = schedule.nextOccurrence(atOrAfter: date)
        #expect(next == schedule.occurrences(from: date, to: date.addingTimeInterval(30 * 86_400)).first)
        #expect(next != nil)
    }

    @Test func anEndedOrSingleSeriesHasNoNextOccurrence() {
        let ended = meeting("2026-11-30 09:00", berlin, mondays, until: "2026-12-14")
        #expect(ended.nextOccurrence(atOrAfter: SchedulingFixtures.utc("2026-12-14T08:01Z")) == nil)
        let single = meeting("2026-12-03 10:00", berlin, .none)
        #expect(single.nextOccurrence(atOrAfter: SchedulingFixtures.utc("2026-12-03T09:00Z")) != nil)
        #expect(single.nextOccurrence(atOrAfter: SchedulingFixtures.utc("2026-12-03T09:01Z")) == nil)
    }

    @Test(arguments: [
        ("2026-11-30", true), ("2026-12-07", false), ("2026-12-14", true), ("2026-12-01", false),
        ("2026-11-23", false), ("2027-01-04", false),
    ])
    func occursOnLocalDays(day: String, expected: Bool) {
        let schedule = meeting("2026-11-30 09:00", berlin, mondays, skipped: ["2026-12-07"], until: "2026-12-31")
        #expect(schedule.occurs(on: SchedulingFixtures.day(day)) == expected)
    }

    @Test func encodesSkippedDaysInOrder() throws {
        let schedule = meeting(
            "2026-11-30 09:00", berlin, .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5),
            skipped: ["2026-12-28", "2026-12-07", "2027-01-04", "2026-12-14"], until: "2027-06-30")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(schedule), as: UTF8.self)
        #expect(text.contains(#"["2026-12-07","2026-12-14","2026-12-28","2027-01-04"]"#))
        #expect(try JSONDecoder().decode(MeetingSchedule.self, from: Data(text.utf8)) == schedule)
    }
}
