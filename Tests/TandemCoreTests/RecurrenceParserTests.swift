import Foundation
import Testing
import TandemCore

@Suite("Recurrence text, en + de")
struct RecurrenceParserTests {
    /// The first meeting is on Thursday 2026-12-03.
    let firstStart = SchedulingFixtures.day("2026-12-03")

    func parse(_ text: String) -> (Recurrence, consumed: Int)? {
        RecurrenceParser.parse(text.split(separator: " ").map(String.init), firstStart: firstStart)
    }

    @Test(arguments: [
        ("every monday", Recurrence.Rule.weekly(interval: 1, weekdays: [1]), 2),
        ("every mon,thu", .weekly(interval: 1, weekdays: [1, 4]), 2),
        ("every mon, thu", .weekly(interval: 1, weekdays: [1, 4]), 3),
        ("every Monday and Thursday", .weekly(interval: 1, weekdays: [1, 4]), 4),
        ("every tue", .weekly(interval: 1, weekdays: [2]), 2),
        ("jeden Dienstag", .weekly(interval: 1, weekdays: [2]), 2),
        ("jeden Mo/Do", .weekly(interval: 1, weekdays: [1, 4]), 2),
        ("montags und donnerstags", .weekly(interval: 1, weekdays: [1, 4]), 3),
        ("Mondays", .weekly(interval: 1, weekdays: [1]), 1),
        ("every 2 weeks on tuesday", .weekly(interval: 2, weekdays: [2]), 5),
        ("every 2 weeks", .weekly(interval: 2, weekdays: [4]), 3),
        ("every other week on fri", .weekly(interval: 2, weekdays: [5]), 5),
        ("every second tuesday", .weekly(interval: 2, weekdays: [2]), 3),
        ("alle 2 wochen dienstag", .weekly(interval: 2, weekdays: [2]), 4),
        ("alle zwei Wochen am Mittwoch", .weekly(interval: 2, weekdays: [3]), 5),
        ("jeden zweiten Dienstag", .weekly(interval: 2, weekdays: [2]), 3),
        ("weekly", .weekly(interval: 1, weekdays: [4]), 1),
        ("wöchentlich", .weekly(interval: 1, weekdays: [4]), 1),
        ("weekly on friday", .weekly(interval: 1, weekdays: [5]), 3),
        ("every week", .weekly(interval: 1, weekdays: [4]), 2),
        ("jede Woche am Montag", .weekly(interval: 1, weekdays: [1]), 4),
        ("biweekly", .weekly(interval: 2, weekdays: [4]), 1),
        ("zweiwöchentlich", .weekly(interval: 2, weekdays: [4]), 1),
        ("daily", .weekly(interval: 1, weekdays: [1, 2, 3, 4, 5, 6, 7]), 1),
        ("täglich", .weekly(interval: 1, weekdays: [1, 2, 3, 4, 5, 6, 7]), 1),
        ("every weekday", .weekly(interval: 1, weekdays: [1, 2, 3, 4, 5]), 2),
        ("werktags", .weekly(interval: 1, weekdays: [1, 2, 3, 4, 5]), 1),
        ("monthly", .monthlyOnDay(interval: 1, day: 3), 1),
        ("monatlich", .monthlyOnDay(interval: 1, day: 3), 1),
        ("every month", .monthlyOnDay(interval: 1, day: 3), 2),
        ("monthly on day 31", .monthlyOnDay(interval: 1, day: 31), 4),
        ("monthly on the 15th", .monthlyOnDay(interval: 1, day: 15), 4),
        ("monatlich am 15.", .monthlyOnDay(interval: 1, day: 15), 3),
        ("monthly on the last day", .monthlyOnDay(interval: 1, day: 31), 5),
        ("every 15th of the month", .monthlyOnDay(interval: 1, day: 15), 5),
        ("every 3 months", .monthlyOnDay(interval: 3, day: 3), 3),
        ("quarterly", .monthlyOnDay(interval: 3, day: 3), 1),
        ("monthly on the last friday", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5), 5),
        ("every month on the 2nd tuesday", .monthlyOnWeekday(interval: 1, ordinal: 2, weekday: 2), 6),
        ("monatlich am letzten freitag", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5), 4),
        ("monatlich am 2. Dienstag", .monthlyOnWeekday(interval: 1, ordinal: 2, weekday: 2), 4),
        ("jeden Monat am ersten Montag", .monthlyOnWeekday(interval: 1, ordinal: 1, weekday: 1), 5),
        ("jeden ersten Montag im Monat", .monthlyOnWeekday(interval: 1, ordinal: 1, weekday: 1), 5),
        ("every last friday", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5), 3),
        ("every 2nd tuesday of the month", .monthlyOnWeekday(interval: 1, ordinal: 2, weekday: 2), 6),
        ("every 3 months on the first monday", .monthlyOnWeekday(interval: 3, ordinal: 1, weekday: 1), 7),
        ("alle 2 Monate am letzten Freitag", .monthlyOnWeekday(interval: 2, ordinal: -1, weekday: 5), 6),
    ])
    func readsRecurrences(text: String, rule: Recurrence.Rule, consumed: Int) throws {
        let (recurrence, used) = try #require(parse(text))
        #expect(recurrence.rule == rule)
        #expect(used == consumed)
    }

    @Test(arguments: [
        ("every monday at 10:00", 2),
        ("weekly 10:00 pipeline sync", 1),
        ("monthly at 10", 1),
        ("jeden Dienstag um 9 Uhr", 2),
        ("every mon, and more", 2),
    ])
    func leavesTheRestToTheCaller(text: String, consumed: Int) throws {
        #expect(try #require(parse(text)).consumed == consumed)
    }

    @Test(arguments: [
        "", "sometimes", "every", "every 0 weeks", "monthly on day 32", "every 6th friday of the month",
        "every month on the 6th tuesday", "tue", "every blue moon", "alle", "every first mon,thu of the month",
    ])
    func refusesWhatIsNotARecurrence(text: String) {
        #expect(parse(text) == nil)
    }
}
