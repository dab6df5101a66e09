import Foundation
import Testing
import TandemCore

/// A wall time in a zone and the instant it must resolve to.
struct InstantCase: Sendable, CustomTestStringConvertible {
    let zone: String
    let wall: String
    let utc: String
    let exists: Bool

    init(_ zone: String, _ wall: String, _ utc: String, exists: Bool = true) {
        self.zone = zone
        self.wall = wall
        self.utc = utc
        self.exists = exists
    }

    var testDescription: String { "\(wall) \(zone)" }
}

@Suite("Wall time to instant, with real zone data")
struct WallTimeTests {
    @Test(arguments: [
        // Ordinary times.
        InstantCase("Europe/Berlin", "2026-12-03 10:00", "2026-12-03T09:00Z"),
        InstantCase("Europe/Berlin", "2026-07-01 10:00", "2026-07-01T08:00Z"),
        InstantCase("UTC", "2026-12-03 10:00", "2026-12-03T10:00Z"),
        InstantCase("Asia/Kolkata", "2026-12-03 10:00", "2026-12-03T04:30Z"),
        InstantCase("America/New_York", "2026-12-03 00:15", "2026-12-03T05:15Z"),
        InstantCase("Pacific/Auckland", "2026-12-03 08:00", "2026-12-02T19:00Z"),
        // Spring forward: the missing local time moves to the first valid instant after it.
        InstantCase("Europe/Berlin", "2026-03-29 02:30", "2026-03-29T01:00Z", exists: false),
        InstantCase("Europe/Berlin", "2026-03-29 02:00", "2026-03-29T01:00Z", exists: false),
        InstantCase("Europe/Berlin", "2026-03-29 01:59", "2026-03-29T00:59Z"),
        InstantCase("Europe/Berlin", "2026-03-29 03:00", "2026-03-29T01:00Z"),
        InstantCase("America/New_York", "2026-03-08 02:30", "2026-03-08T07:00Z", exists: false),
        // Lord Howe moves by half an hour: 02:00 → 02:30.
        InstantCase("Australia/Lord_Howe", "2026-10-04 02:15", "2026-10-03T15:30Z", exists: false),
        // Fall back: the repeated local time resolves to its first occurrence.
        InstantCase("Europe/Berlin", "2026-10-25 02:30", "2026-10-25T00:30Z"),
        InstantCase("Europe/Berlin", "2026-10-25 02:00", "2026-10-25T00:00Z"),
        InstantCase("Europe/Berlin", "2026-10-25 03:00", "2026-10-25T02:00Z"),
        InstantCase("America/New_York", "2026-11-01 01:30", "2026-11-01T05:30Z"),
        InstantCase("America/New_York", "2026-11-01 02:00", "2026-11-01T07:00Z"),
    ])
    func resolvesWallTimeInItsZone(_ c: InstantCase) {
        let zone = SchedulingFixtures.zone(c.zone)
        let wall = SchedulingFixtures.wall(c.wall)
        #expect(wall.instant(in: zone) == SchedulingFixtures.utc(c.utc))
        #expect(wall.exists(in: zone) == c.exists)
    }

    @Test(arguments: [
        ("Europe/Berlin", "2026-10-25T00:30Z", "2026-10-25 02:30"),
        ("Europe/Berlin", "2026-10-25T01:30Z", "2026-10-25 02:30"),
        ("Europe/Berlin", "2026-03-29T01:00Z", "2026-03-29 03:00"),
        ("America/New_York", "2026-01-01T04:59Z", "2025-12-31 23:59"),
        ("Asia/Kolkata", "1969-12-31T20:00Z", "1970-01-01 01:30"),
    ])
    func readsTheWallClockOfAnInstant(zone: String, utc: String, wall: String) {
        let read = WallTime(SchedulingFixtures.utc(utc), in: SchedulingFixtures.zone(zone))
        #expect(read == SchedulingFixtures.wall(wall))
    }

    @Test func dropsSecondsInsteadOfRounding() {
        let date = SchedulingFixtures.utc("2026-12-03T09:00Z").addingTimeInterval(59.9)
        #expect(WallTime(date, in: SchedulingFixtures.berlin) == SchedulingFixtures.wall("2026-12-03 10:00"))
    }

    @Test func roundTripsEveryQuarterHourOfADstChangeDay() {
        let zone = SchedulingFixtures.berlin
        for day in ["2026-03-29", "2026-10-25"] {
            for quarter in 0..<96 {
                let wall = WallTime(day: SchedulingFixtures.day(day), hour: quarter / 4, minute: quarter % 4 * 15)
                guard wall.exists(in: zone) else { continue }
                #expect(WallTime(wall.instant(in: zone), in: zone) == wall)
            }
        }
    }

    @Test func encodesAsDayHourAndMinute() throws {
        let data = try JSONEncoder().encode(SchedulingFixtures.wall("2026-12-03 09:30"))
        let decoded = try JSONDecoder().decode(WallTime.self, from: data)
        #expect(decoded == SchedulingFixtures.wall("2026-12-03 09:30"))
        #expect(String(decoding: data, as: UTF8.self).contains("\"2026-12-03\""))
    }
}
