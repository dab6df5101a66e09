import Foundation

/// VTIMEZONE components built from Foundation's time zone data.
extension ICalendar {
    /// One change of a zone's UTC offset.
    struct Transition {
        var instant: Date
        /// The offset before and after the change, in seconds east of UTC.
        var from: Int
        var to: Int
        var isDaylight: Bool
        var name: String?
    }

    /// The zone's transitions from the start of the year before `years` (which fixes the offset in force
    /// on 1 January of the first year) to the end of the last year.
    static func transitions(of zone: TimeZone, years: ClosedRange<Int>) -> [Transition] {
        let calendar = Calendar.gregorian(.gmt)
        func newYear(_ year: Int) -> Date {
            calendar.date(from: DateComponents(year: year, month: 1, day: 1)) ?? .distantPast
        }
        let end = newYear(years.upperBound + 1)
        var cursor = newYear(years.lowerBound - 1)
        var found: [Transition] = []
        // Two a year at most in real zones; the bound only guards against a misbehaving data source.
        while found.count < 4 * (years.count + 1),
            let next = zone.nextDaylightSavingTimeTransition(after: cursor), next > cursor, next < end
        {
            found.append(
                Transition(
                    instant: next, from: zone.secondsFromGMT(for: next.addingTimeInterval(-1)),
                    to: zone.secondsFromGMT(for: next), isDaylight: zone.isDaylightSavingTime(for: next),
                    name: zone.abbreviation(for: next)))
            cursor = next
        }
        return found
    }

    /// BEGIN:VTIMEZONE … END:VTIMEZONE with one STANDARD or DAYLIGHT component per transition, or a single
    /// STANDARD component for a zone without any (UTC, Asia/Kolkata).
    static func timeZoneLines(
        id: String, zone: TimeZone, transitions: [Transition], from firstYear: Int?
    ) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + id]
        if transitions.isEmpty {
            let reference = Calendar.gregorian(.gmt).date(
                from: DateComponents(year: firstYear ?? 1970, month: 1, day: 1)) ?? .distantPast
            let offset = ICalendarFormat.offset(zone.secondsFromGMT(for: reference))
            lines += [
                "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + offset, "TZOFFSETTO:" + offset,
            ]
            lines += nameLine(zone.abbreviation(for: reference)) + ["END:STANDARD"]
        }
        for transition in transitions {
            let kind = transition.isDaylight ? "DAYLIGHT" : "STANDARD"
            // DTSTART of an observance is the local time of its onset, read with the offset before it.
            let onset = Int(transition.instant.timeIntervalSince1970) + transition.from
            lines += [
                "BEGIN:" + kind,
                "DTSTART:" + ICalendarFormat.local(seconds: onset),
                "TZOFFSETFROM:" + ICalendarFormat.offset(transition.from),
                "TZOFFSETTO:" + ICalendarFormat.offset(transition.to),
            ]
            lines += nameLine(transition.name) + ["END:" + kind]
        }
        return lines + ["END:VTIMEZONE"]
    }

    /// TZNAME, left out when Foundation only has a made-up "GMT+2" (as on Linux): it would say no more
    /// than TZOFFSETTO, and calendars would show it as if it were the zone's name.
    private static func nameLine(_ name: String?) -> [String] {
        guard let name, !name.isEmpty, !(name.hasPrefix("GMT") && name.count > 3) else { return [] }
        return ["TZNAME:" + ICalendarFormat.escape(name)]
    }
}
