import Foundation
import Testing
import TandemCore

/// One typed expression and what it should mean, with `now` = Monday 2026-11-30 11:00 in Berlin.
struct WhenCase: Sendable, CustomTestStringConvertible {
    let input: String
    let day: String
    let time: String?
    let consumed: Int

    init(_ input: String, _ day: String, _ time: String? = nil, consumed: Int? = nil) {
        self.input = input
        self.day = day
        self.time = time
        self.consumed = consumed ?? input.split(separator: " ").count
    }

    var testDescription: String { "\"\(input)\"" }
}

@Suite("Dates and times people type")
struct WhenParserTests {
    let zone = SchedulingFixtures.berlin
    let now = SchedulingFixtures.now

    func parse(_ input: String) -> ParsedWhen? {
        WhenParser.parse(input.split(separator: " ").map(String.init), now: now, zone: zone)
    }

    @Test(arguments: [
        // ISO and German written dates
        WhenCase("2026-12-03", "2026-12-03"),
        WhenCase("2026-12-03 10:00", "2026-12-03", "10:00"),
        WhenCase("2026-12-03T10:00", "2026-12-03", "10:00"),
        WhenCase("3.12.2026", "2026-12-03"),
        WhenCase("3.12.", "2026-12-03"),
        WhenCase("03.12.2026 14:30", "2026-12-03", "14:30"),
        WhenCase("3.12.26 9:05", "2026-12-03", "09:05"),
        WhenCase("1.1.", "2027-01-01"),
        WhenCase("29.2.", "2028-02-29"),
        WhenCase("3 Dec", "2026-12-03"),
        WhenCase("3. Dezember 2027 10 Uhr", "2027-12-03", "10:00"),
        WhenCase("Dec 3rd, 2026", "2026-12-03"),
        WhenCase("März 5", "2027-03-05"),
        // named days
        WhenCase("today", "2026-11-30"),
        WhenCase("heute 17 uhr", "2026-11-30", "17:00"),
        WhenCase("tomorrow", "2026-12-01"),
        WhenCase("Morgen um 9", "2026-12-01", "09:00"),
        WhenCase("übermorgen", "2026-12-02"),
        WhenCase("uebermorgen 8:15", "2026-12-02", "08:15"),
        WhenCase("day after tomorrow", "2026-12-02"),
        WhenCase("the day after tomorrow at 7pm", "2026-12-02", "19:00"),
        // weekdays: strictly after today (a Monday)
        WhenCase("monday", "2026-12-07"),
        WhenCase("Mon", "2026-12-07"),
        WhenCase("Montag", "2026-12-07"),
        WhenCase("mo", "2026-12-07"),
        WhenCase("di", "2026-12-01"),
        WhenCase("Dienstag 10am", "2026-12-01", "10:00"),
        WhenCase("tue 3pm", "2026-12-01", "15:00"),
        WhenCase("Tues. 3 pm", "2026-12-01", "15:00"),
        WhenCase("mi", "2026-12-02"),
        WhenCase("Wednesday", "2026-12-02"),
        WhenCase("do", "2026-12-03"),
        WhenCase("thu", "2026-12-03"),
        WhenCase("fr", "2026-12-04"),
        WhenCase("sa", "2026-12-05"),
        WhenCase("so", "2026-12-06"),
        WhenCase("Sonntag 18:00", "2026-12-06", "18:00"),
        WhenCase("next monday", "2026-12-07"),
        WhenCase("nächsten Montag", "2026-12-07"),
        WhenCase("naechsten dienstag um 15:30 uhr", "2026-12-01", "15:30"),
        WhenCase("on friday at 10", "2026-12-04", "10:00"),
        WhenCase("am Freitag um 10.30", "2026-12-04", "10:30"),
        WhenCase("am 3.12. um 14 Uhr", "2026-12-03", "14:00"),
        // times with and before a day
        WhenCase("tomorrow 12pm", "2026-12-01", "12:00"),
        WhenCase("tomorrow 12am", "2026-12-01", "00:00"),
        WhenCase("tomorrow 10:30 a.m.", "2026-12-01", "10:30"),
        WhenCase("at 3pm tomorrow", "2026-12-01", "15:00"),
        WhenCase("um 10 Uhr morgen", "2026-12-01", "10:00"),
        // a time alone: today if still ahead of 11:00 Berlin, else tomorrow
        WhenCase("14:00", "2026-11-30", "14:00"),
        WhenCase("9:30", "2026-12-01", "09:30"),
        WhenCase("11:00", "2026-12-01", "11:00"),
        WhenCase("11:01", "2026-11-30", "11:01"),
        WhenCase("at 10", "2026-12-01", "10:00"),
        WhenCase("um 15:30 uhr", "2026-11-30", "15:30"),
        WhenCase("5pm", "2026-11-30", "17:00"),
        // relative
        WhenCase("in 3 days", "2026-12-03"),
        WhenCase("in 3 Tagen", "2026-12-03"),
        WhenCase("in 1 week", "2026-12-07"),
        WhenCase("in 1 Woche", "2026-12-07"),
        WhenCase("in 2 Wochen", "2026-12-14"),
        WhenCase("in 3 days at 10", "2026-12-03", "10:00"),
        WhenCase("in 2 Tagen um 8 Uhr", "2026-12-02", "08:00"),
    ])
    func readsDatesAndTimes(_ c: WhenCase) throws {
        let parsed = try #require(parse(c.input))
        #expect(parsed.day.description == c.day)
        #expect(parsed.time?.description == c.time)
        #expect(parsed.consumed == c.consumed)
        #expect(parsed.exactInstant == nil)
    }

    @Test(arguments: [
        ("in 2h", 2, 7200, "13:00"),
        ("in 2 hours", 3, 7200, "13:00"),
        ("in 30 min", 3, 1800, "11:30"),
        ("in 2 Stunden", 3, 7200, "13:00"),
        ("in an hour", 3, 3600, "12:00"),
        ("in einer Stunde", 3, 3600, "12:00"),
        ("in 1h30m", 2, 5400, "12:30"),
        ("in 14 hours", 3, 50400, "01:00"),
    ])
    func relativeHoursNameAnExactInstant(input: String, consumed: Int, seconds: Int, local: String) throws {
        let parsed = try #require(parse(input))
        #expect(parsed.consumed == consumed)
        #expect(parsed.exactInstant == now.addingTimeInterval(TimeInterval(seconds)))
        #expect(parsed.time?.description == local)
        #expect(parsed.instant(in: zone, defaultTime: TimeOfDay(hour: 9)) == parsed.exactInstant)
    }

    /// A year no campaign, handoff or meeting has is a typo: refused, within ten years on either side accepted.
    @Test(arguments: [("0001-01-01", false), ("9999-12-31", false), ("2037-01-01", false), ("2036-12-31", true), ("2016-01-01", true), ("2015-12-31", false)])
    func datesFarFromTodayAreRefused(input: String, accepted: Bool) {
        #expect((parse(input) != nil) == accepted)
    }

    @Test func relativeHoursCrossMidnightIntoTheNextDay() throws {
        let parsed = try #require(parse("in 14 hours"))
        #expect(parsed.day.description == "2026-12-01")
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "25:00", "tomorrow 25:00", "tomorrow at 24:00", "13pm", "friday 0am",
        "31.11.2026", "31.11.", "2026-12-03T25:00", "2026-12-03T10", "10:60", "at 25", "31 nov", "30. Februar 2027",
        "hello", "", "in", "in x hours", "in 2", "in 2 months", "at", "next", "next week", "10", "in -1 h",
        "2h", "tomorrow2",
    ])
    func refusesWhatIsNotOrCannotBeADate(input: String) {
        #expect(parse(input) == nil)
    }

    @Test(arguments: [
        ("tomorrow at the office", 1),
        ("monday 3 leads to call", 1),
        ("friday at 10:30 call Anna", 3),
        ("morgen, Kampagne prüfen", 1),
    ])
    func leavesTheRestOfTheWordsToTheCaller(input: String, consumed: Int) throws {
        #expect(try #require(parse(input)).consumed == consumed)
    }

    @Test func aTimeAloneAfterTodaysTimeMeansTomorrowInTheMembersZone() throws {
        // 10:00 UTC is 05:00 in New York: 09:00 there is still ahead today.
        let parsed = try #require(
            WhenParser.parse(["9:00"], now: now, zone: SchedulingFixtures.newYork))
        #expect(parsed.day.description == "2026-11-30")
    }

    @Test func theDefaultTimeFillsInAMissingTime() throws {
        let parsed = try #require(parse("tomorrow"))
        #expect(parsed.wallTime(defaultTime: TimeOfDay(hour: 9)) == SchedulingFixtures.wall("2026-12-01 09:00"))
        let instant = parsed.instant(in: zone, defaultTime: TimeOfDay(hour: 9))
        #expect(instant == SchedulingFixtures.utc("2026-12-01T08:00Z"))
    }

    @Test(arguments: [
        ("2h", 7200), ("30m", 1800), ("1d", 86400), ("15min", 900), ("1 day", 86400), ("1h30m", 5400),
        ("1h 30m", 5400), ("2 Stunden", 7200), ("1w", 604_800), ("3 Tage", 259_200), ("0m", 0), ("an hour", 3600),
        ("90 minutes", 5400), ("1 Minute", 60),
    ])
    func readsReminderOffsets(text: String, seconds: Int) {
        #expect(WhenParser.parseOffset(text) == .seconds(seconds))
    }

    @Test(arguments: ["", "h", "2", "2x", "-1h", "1.5h", "2 months", "1d,15m", "h2", "1 day ago", "9999999d", "600w"])
    func refusesWhatIsNotAnOffset(text: String) {
        #expect(WhenParser.parseOffset(text) == nil)
    }
}
