import Foundation
import TandemCore
import Testing

/// Tandem's .ics export read back by Python's `icalendar` + `recurring-ical-events`: for each schedule the
/// year's occurrences a calendar app computes from the file must be exactly those Tandem reminds people of.
///
/// Serialized: each case starts a Python process, and a burst of twenty on two shared cores would slow the
/// other suites' timing-sensitive tests more than it speeds this one up.
@Suite("iCalendar read by Python", .serialized, .timeLimit(.minutes(5)))
struct ICalendarPythonTests {
    /// Tandem's occurrences of `schedule` in the test year, in the script's notation.
    static func expected(_ schedule: MeetingSchedule) -> [String] {
        schedule.occurrences(from: ScheduleCase.from, to: ScheduleCase.to).map(PythonICS.instant)
    }

    @Test(arguments: ScheduleCase.all)
    func pythonFindsTandemsOccurrences(_ item: ScheduleCase) async throws {
        let uid = "case@tandem"
        let ics = ICalendar.document(
            [ICalendar.Event(uid: uid, title: item.name, schedule: item.schedule)], dtstamp: ScheduleCase.stamp)
        let reading = try await PythonICS.occurrences(of: ics, from: ScheduleCase.from, to: ScheduleCase.to)
        let expected = Self.expected(item.schedule)

        #expect(reading.zoneinfo[uid, default: []] == expected, "zones from the system's database")
        #expect(reading.vtimezone[uid, default: []] == expected, "zones from the file's VTIMEZONE")
        #expect(Set(reading.zoneinfo.keys).isSubset(of: [uid]))
        for instant in item.includes {
            #expect(expected.contains(instant), "\(instant) should be an occurrence")
        }
        for instant in item.excludes {
            #expect(!expected.contains(instant), "\(instant) should not be an occurrence")
        }
    }

    /// All schedules in one file, as `tandem export meetings` writes them: several zones' VTIMEZONEs side by
    /// side, each event reading its own.
    @Test func oneDocumentWithEveryCase() async throws {
        let events = ScheduleCase.all.enumerated().map { index, item in
            ICalendar.Event(uid: "case-\(index)@tandem", title: item.name, schedule: item.schedule)
        }
        let ics = ICalendar.document(events, dtstamp: ScheduleCase.stamp)
        let reading = try await PythonICS.occurrences(of: ics, from: ScheduleCase.from, to: ScheduleCase.to)
        var total = 0
        for (index, item) in ScheduleCase.all.enumerated() {
            let expected = Self.expected(item.schedule)
            total += expected.count
            #expect(reading.zoneinfo["case-\(index)@tandem", default: []] == expected, "\(item.name)")
            #expect(reading.vtimezone["case-\(index)@tandem", default: []] == expected, "\(item.name)")
        }
        #expect(total > 400)
    }

    /// The table really covers what it claims, so a thinned-out table cannot pass unnoticed.
    @Test func theTableCoversTheEdges() {
        #expect(ScheduleCase.all.count >= 12)
        let zones = Set(ScheduleCase.all.map(\.schedule.timeZone))
        #expect(zones.isSuperset(of: ["Europe/Berlin", "America/New_York"]))
        #expect(ScheduleCase.all.contains { !$0.schedule.skipped.isEmpty })
        #expect(ScheduleCase.all.contains { $0.schedule.until != nil })
        let gapDay = ScheduleCase.day("2026-03-29")
        #expect(ScheduleCase.all.contains { item in
            item.schedule.timeZone == "Europe/Berlin" && item.schedule.occurs(on: gapDay)
                && !WallTime(day: gapDay, hour: item.schedule.firstStart.hour, minute: item.schedule.firstStart.minute)
                    .exists(in: item.schedule.zone)
        })
        #expect(ScheduleCase.all.contains { Self.expected($0.schedule).isEmpty })
    }
}
