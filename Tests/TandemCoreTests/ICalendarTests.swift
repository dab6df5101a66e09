import Foundation
import Testing
import TandemCore

@Suite("iCalendar export")
struct ICalendarTests {
    let stamp = SchedulingFixtures.utc("2026-11-30T10:00Z")

    func document(_ events: [ICalendar.Event]) -> String {
        ICalendar.document(events, dtstamp: stamp)
    }

    func event(_ schedule: MeetingSchedule, title: String = "Pipeline sync", uid: String = "meeting-1@tandem")
        -> ICalendar.Event
    {
        ICalendar.Event(uid: uid, title: title, description: "Numbers first", schedule: schedule)
    }

    /// Content lines: folded lines joined back, CRLFs removed.
    func contentLines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    func value(_ name: String, in lines: [String]) -> [String] {
        lines.filter { $0.hasPrefix(name + ":") || $0.hasPrefix(name + ";") }
            .map { String($0[$0.index(after: $0.firstIndex(of: ":")!)...]) }
    }

    @Test func hasTheStructureOfAVCalendar() {
        let text = document([
            event(meeting("2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1]))),
            event(meeting("2026-12-01 10:00", "America/New_York", .none), uid: "meeting-2@tandem"),
            event(meeting("2026-12-02 11:00", "Europe/Berlin", .monthlyOnDay(interval: 1, day: 2)), uid: "m3"),
        ])
        let lines = contentLines(text)
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.last == "END:VCALENDAR")
        #expect(lines.contains("VERSION:2.0"))
        #expect(lines.contains("PRODID:-//Tandem//Meetings//EN"))
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 3)
        #expect(lines.filter { $0 == "END:VEVENT" }.count == 3)
        #expect(value("TZID", in: lines) == ["America/New_York", "Europe/Berlin"])
        #expect(lines.filter { $0 == "BEGIN:VTIMEZONE" }.count == lines.filter { $0 == "END:VTIMEZONE" }.count)
        // Components nest properly.
        var stack: [String] = []
        for line in lines {
            if line.hasPrefix("BEGIN:") { stack.append(String(line.dropFirst(6))) }
            if line.hasPrefix("END:") { #expect(stack.popLast() == String(line.dropFirst(4))) }
        }
        #expect(stack.isEmpty)
        #expect(lines.contains("DTSTAMP:20261130T100000Z"))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20261130T090000"))
        #expect(lines.contains("DTSTART;TZID=America/New_York:20261201T100000"))
        #expect(value("RRULE", in: lines).count == 2)
    }

    @Test func endsEveryLineWithCRLF() {
        let text = document([event(meeting("2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1])))])
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
        #expect(!text.contains("\r\r"))
    }

    @Test(arguments: [
        (Recurrence.Rule.weekly(interval: 1, weekdays: [4, 1]), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;WKST=MO"),
        (.weekly(interval: 2, weekdays: [2]), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=MO"),
        (.weekly(interval: 1, weekdays: []), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=MO"),
        (.monthlyOnWeekday(interval: 1, ordinal: 2, weekday: 2), "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU"),
        (.monthlyOnWeekday(interval: 3, ordinal: -1, weekday: 5), "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"),
        (.monthlyOnDay(interval: 1, day: 15), "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15"),
        (.monthlyOnDay(interval: 1, day: 28), "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28"),
        (.monthlyOnDay(interval: 1, day: 29), "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29;BYSETPOS=-1"),
        (.monthlyOnDay(interval: 2, day: 30), "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=28,29,30;BYSETPOS=-1"),
        (.monthlyOnDay(interval: 1, day: 31), "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1"),
    ])
    func writesRecurrenceRules(rule: Recurrence.Rule, expected: String) {
        let lines = contentLines(document([event(meeting("2026-11-30 09:00", "Europe/Berlin", rule))]))
        #expect(value("RRULE", in: lines) == [expected])
    }

    @Test func writesUntilAsTheEndOfThatLocalDayInUTC() {
        let schedule = meeting(
            "2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1]), until: "2026-12-14")
        let lines = contentLines(document([event(schedule)]))
        #expect(value("RRULE", in: lines) == ["FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=MO;UNTIL=20261214T225959Z"])
    }

    @Test func excludesSkippedOccurrencesAndOnlyThose() {
        let schedule = meeting(
            "2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1]),
            skipped: ["2026-12-28", "2026-12-07", "2026-12-09"])
        let lines = contentLines(document([event(schedule)]))
        #expect(
            lines.filter { $0.hasPrefix("EXDATE") } == [
                "EXDATE;TZID=Europe/Berlin:20261207T090000", "EXDATE;TZID=Europe/Berlin:20261228T090000",
            ])
    }

    @Test func startsOnTheFirstDayTheRuleHoldsAMeeting() {
        let schedule = meeting("2026-12-03 10:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [2]))
        let lines = contentLines(document([event(schedule)]))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20261208T100000"))
    }

    @Test func describesTheZoneWithItsTransitions() throws {
        let lines = contentLines(
            document([event(meeting("2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1])))]))
        let start = try #require(lines.firstIndex(of: "BEGIN:VTIMEZONE"))
        let end = try #require(lines.firstIndex(of: "END:VTIMEZONE"))
        let zone = Array(lines[start...end])
        #expect(zone.contains("TZID:Europe/Berlin"))
        // Spring 2026: 02:00 CET → 03:00 CEST; autumn: 03:00 CEST → 02:00 CET.
        let spring = try #require(zone.firstIndex(of: "DTSTART:20260329T020000"))
        #expect(zone[spring - 1] == "BEGIN:DAYLIGHT")
        #expect(Array(zone[spring + 1...spring + 2]) == ["TZOFFSETFROM:+0100", "TZOFFSETTO:+0200"])
        let autumn = try #require(zone.firstIndex(of: "DTSTART:20261025T030000"))
        #expect(zone[autumn - 1] == "BEGIN:STANDARD")
        #expect(Array(zone[autumn + 1...autumn + 2]) == ["TZOFFSETFROM:+0200", "TZOFFSETTO:+0100"])
        // The year before (for the offset on 1 January) through five years past 2026.
        #expect(zone.contains("DTSTART:20251026T030000"))
        #expect(zone.contains("DTSTART:20311026T030000"))
        #expect(!zone.contains("DTSTART:20321031T030000"))
    }

    @Test func describesAZoneWithoutTransitions() {
        let lines = contentLines(
            document([event(meeting("2026-12-02 10:00", "Asia/Kolkata", .weekly(interval: 1, weekdays: [3])))]))
        #expect(
            lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix(8) == [
                "BEGIN:VTIMEZONE", "TZID:Asia/Kolkata", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD", "END:VTIMEZONE",
            ])
    }

    @Test func movesGapOccurrencesTheWayTandemDoes() {
        // iCalendar would read 02:30 on a spring-forward Sunday as 03:30; Tandem holds it at 03:00.
        let schedule = meeting("2026-03-01 02:30", "Europe/Berlin", .weekly(interval: 1, weekdays: [7]))
        let lines = contentLines(document([event(schedule)]))
        #expect(lines.contains("EXDATE;TZID=Europe/Berlin:20260329T023000"))
        #expect(lines.contains("RDATE;TZID=Europe/Berlin:20260329T030000"))
        #expect(lines.contains("EXDATE;TZID=Europe/Berlin:20270328T023000"))
        #expect(lines.contains("RDATE;TZID=Europe/Berlin:20270328T030000"))
        #expect(!lines.contains("EXDATE;TZID=Europe/Berlin:20261025T023000"))
    }

    @Test func writesASingleMeetingWithoutARule() {
        let lines = contentLines(document([event(meeting("2026-12-03 10:00", "Europe/Berlin", .none, minutes: 90))]))
        #expect(value("RRULE", in: lines).isEmpty)
        #expect(lines.contains("DURATION:PT1H30M"))
    }

    @Test func excludesTheOnlyInstanceOfASeriesThatEndedBeforeItBegan() {
        let schedule = meeting(
            "2026-11-30 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1]), until: "2026-11-29")
        let lines = contentLines(document([event(schedule)]))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20261130T090000"))
        #expect(lines.contains("EXDATE;TZID=Europe/Berlin:20261130T090000"))
        #expect(value("RRULE", in: lines).isEmpty)
    }

    @Test(arguments: [(60, "PT1H"), (90, "PT1H30M"), (45, "PT45M"), (120, "PT2H")])
    func writesDurations(minutes: Int, expected: String) {
        let lines = contentLines(
            document([event(meeting("2026-12-03 10:00", "Europe/Berlin", .none, minutes: minutes))]))
        #expect(value("DURATION", in: lines) == [expected])
    }

    @Test func marksCancelledSeries() {
        var cancelled = event(meeting("2026-12-03 10:00", "Europe/Berlin", .none))
        cancelled.cancelled = true
        #expect(contentLines(document([cancelled])).contains("STATUS:CANCELLED"))
        #expect(!contentLines(document([event(meeting("2026-12-03 10:00", "Europe/Berlin", .none))])).contains {
            $0.hasPrefix("STATUS")
        })
    }

    @Test func escapesText() {
        var special = event(meeting("2026-12-03 10:00", "Europe/Berlin", .none), title: "Pipeline; Q1, Q2 \\ review")
        special.description = "Agenda:\n1. MQLs\r\n2. SLA"
        let lines = contentLines(document([special]))
        #expect(lines.contains(#"SUMMARY:Pipeline\; Q1\, Q2 \\ review"#))
        #expect(lines.contains(#"DESCRIPTION:Agenda:\n1. MQLs\n2. SLA"#))
    }

    @Test func foldsLongLinesAt75OctetsWithoutSplittingCharacters() {
        let long = String(repeating: "Übergabe der Leads an den Vertrieb – Größenordnung 🚀 ", count: 8)
        var withLongText = event(meeting("2026-12-03 10:00", "Europe/Berlin", .none), title: long)
        withLongText.description = long
        let text = document([withLongText])
        let physical = text.components(separatedBy: "\r\n").dropLast()
        for line in physical {
            #expect(line.utf8.count <= 75)
        }
        #expect(physical.filter { $0.hasPrefix(" ") }.count > 10)
        // Unfolding gives back the escaped text unchanged (no replacement characters from split sequences).
        #expect(contentLines(text).contains("SUMMARY:" + long.replacingOccurrences(of: ",", with: "\\,")))
        #expect(!text.contains("\u{FFFD}"))
    }

    /// The exported RRULE, read by an independent reading of RFC 5545, gives Tandem's days.
    @Test(arguments: [
        ("2027-01-31 10:00", Recurrence.Rule.monthlyOnDay(interval: 1, day: 31)),
        ("2027-01-30 10:00", .monthlyOnDay(interval: 1, day: 30)),
        ("2027-01-29 10:00", .monthlyOnDay(interval: 1, day: 29)),
        ("2027-02-28 10:00", .monthlyOnDay(interval: 1, day: 30)),
        ("2027-04-10 10:00", .monthlyOnDay(interval: 1, day: 31)),
        ("2028-01-29 10:00", .monthlyOnDay(interval: 1, day: 29)),
        ("2026-12-30 10:00", .monthlyOnDay(interval: 2, day: 30)),
        ("2026-11-30 10:00", .monthlyOnDay(interval: 3, day: 31)),
        ("2026-12-15 10:00", .monthlyOnDay(interval: 1, day: 15)),
        ("2026-12-01 10:00", .monthlyOnWeekday(interval: 1, ordinal: 5, weekday: 2)),
        ("2026-12-01 10:00", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5)),
        ("2026-12-20 10:00", .monthlyOnWeekday(interval: 2, ordinal: 2, weekday: 2)),
        ("2026-12-03 10:00", .weekly(interval: 2, weekdays: [2])),
        ("2026-12-03 10:00", .weekly(interval: 3, weekdays: [1, 4, 6])),
        ("2026-11-30 10:00", .weekly(interval: 1, weekdays: [7])),
    ])
    func exportedRulesMeanTandemsDays(first: String, rule: Recurrence.Rule) throws {
        let schedule = meeting(first, "Europe/Berlin", rule)
        let lines = contentLines(document([event(schedule)]))
        let rruleText = try #require(value("RRULE", in: lines).first)
        let rrule = try #require(RRuleOracle(rruleText))
        let eventLines = Array(lines.drop { $0 != "BEGIN:VEVENT" })
        let dtstart = Array(try #require(value("DTSTART", in: eventLines).first))
        let iso = "\(String(dtstart[0..<4]))-\(String(dtstart[4..<6]))-\(String(dtstart[6..<8]))"
        let start = try #require(Day(iso: iso))
        let end = SchedulingFixtures.day("2031-12-31")
        let tandem = schedule.occurrences(
            from: SchedulingFixtures.utc("2026-01-01T00:00Z"), to: SchedulingFixtures.utc("2032-01-01T00:00Z")
        ).map { Day($0, in: SchedulingFixtures.berlin) }
        #expect(rrule.days(start: start, through: end) == tandem)
        #expect(tandem.count > 10)
    }
}
