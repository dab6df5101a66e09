import Foundation

/// Meetings as an iCalendar document (RFC 5545), so people can subscribe to them in their calendar.
///
/// Pure text: the caller passes `dtstamp` and writes the result wherever it goes.
///
/// Tandem's meaning is kept exactly where iCalendar's differs:
/// - DTSTART is the first day the rule holds a meeting (RFC 5545 leaves a DTSTART that does not match
///   its RRULE undefined); a skipped first day is excluded with EXDATE like any other.
/// - "Monthly on the 31st" means the last day in shorter months, written as `BYMONTHDAY=-1`, and the 29th
///   and 30th as `BYMONTHDAY=28,29(,30);BYSETPOS=-1` (the latest of those days the month has).
/// - RFC 5545 reads a local time inside a spring-forward gap with the offset before the gap (02:30 →
///   03:30), Tandem moves it to the end of the gap (03:00). Each such occurrence within the exported
///   years is written as an EXDATE of the nominal time plus an RDATE of the real one.
public enum ICalendar {
    /// One meeting series.
    public struct Event: Sendable {
        /// Stable across exports, so calendars update the event instead of duplicating it.
        public var uid: String
        public var title: String
        public var description: String?
        public var schedule: MeetingSchedule
        /// A cancelled series stays in the feed with STATUS:CANCELLED, so subscribed calendars remove it.
        public var cancelled: Bool

        public init(
            uid: String, title: String, description: String? = nil, schedule: MeetingSchedule, cancelled: Bool = false
        ) {
            self.uid = uid
            self.title = title
            self.description = description
            self.schedule = schedule
            self.cancelled = cancelled
        }
    }

    /// Open-ended series get time zone data and gap corrections for this many years past the later of
    /// their first meeting and `dtstamp`; calendars take later years from the TZID itself.
    static let openEndedYears = 5
    /// No export covers more years than this past the later of the first meeting and `dtstamp`.
    static let maximumYears = 20

    /// A VCALENDAR with one VEVENT per meeting and a VTIMEZONE for each zone used.
    ///
    /// Each VEVENT has DTSTART;TZID=… in local time, DURATION, an RRULE for the recurrence (UNTIL in UTC),
    /// EXDATE;TZID=… for skipped occurrences, SUMMARY, DESCRIPTION and, when cancelled, STATUS:CANCELLED.
    /// Lines end in CRLF and are folded at 75 octets; text is escaped.
    public static func document(
        _ events: [Event], dtstamp: Date, productID: String = "-//Tandem//Meetings//EN"
    ) -> String {
        let stampYear = Day(dtstamp, in: .gmt).year
        var years: [String: ClosedRange<Int>] = [:]
        for event in events {
            let span = exportYears(event.schedule, stampYear: stampYear)
            let id = event.schedule.zone.identifier
            years[id] = years[id].map { min($0.lowerBound, span.lowerBound)...max($0.upperBound, span.upperBound) }
                ?? span
        }
        var zones: [String: (zone: TimeZone, transitions: [Transition])] = [:]
        for (id, span) in years {
            let zone = TimeZone(identifier: id) ?? .gmt
            zones[id] = (zone, transitions(of: zone, years: span))
        }

        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + ICalendarFormat.escape(productID), "CALSCALE:GREGORIAN",
        ]
        for id in zones.keys.sorted() {
            guard let entry = zones[id] else { continue }
            lines += timeZoneLines(
                id: id, zone: entry.zone, transitions: entry.transitions, from: years[id]?.lowerBound)
        }
        for event in events {
            let id = event.schedule.zone.identifier
            let gaps = zones[id]?.transitions.filter { $0.to > $0.from } ?? []
            let span = exportYears(event.schedule, stampYear: stampYear)
            lines += eventLines(event, dtstamp: dtstamp, gaps: gaps, years: span)
        }
        lines.append("END:VCALENDAR")
        return lines.flatMap(ICalendarFormat.fold).map { $0 + "\r\n" }.joined()
    }

    /// The years an event needs time zone data for.
    static func exportYears(_ schedule: MeetingSchedule, stampYear: Int) -> ClosedRange<Int> {
        let first = (schedule.firstScheduledDay ?? schedule.firstStart.day).year
        let cap = max(first, stampYear) + maximumYears
        if case .none = schedule.recurrence.rule { return first...first }
        if let until = schedule.until { return first...min(cap, max(first, until.year)) }
        return first...(max(first, stampYear) + openEndedYears)
    }

    private static func eventLines(
        _ event: Event, dtstamp: Date, gaps: [Transition], years: ClosedRange<Int>
    ) -> [String] {
        let schedule = event.schedule
        let zone = schedule.zone
        let tzid = "TZID=" + zone.identifier
        func wall(_ day: Day) -> WallTime {
            WallTime(day: day, hour: schedule.firstStart.hour, minute: schedule.firstStart.minute)
        }
        let firstDay = schedule.firstScheduledDay

        var lines = [
            "BEGIN:VEVENT",
            "UID:" + ICalendarFormat.escape(event.uid),
            "DTSTAMP:" + ICalendarFormat.utc(dtstamp),
            "DTSTART;\(tzid):" + ICalendarFormat.local(wall(firstDay ?? schedule.firstStart.day)),
            "DURATION:" + ICalendarFormat.duration(minutes: schedule.durationMinutes),
        ]
        guard firstDay != nil else {
            // Nothing is left of the series (it ended before it began): exclude DTSTART, the one instance
            // iCalendar would otherwise show.
            lines.append("EXDATE;\(tzid):" + ICalendarFormat.local(wall(schedule.firstStart.day)))
            return lines + trailer(event)
        }
        if let rule = rrule(schedule) { lines.append("RRULE:" + rule) }
        var excluded = schedule.skipped.filter(schedule.isScheduled)
        var added: [WallTime] = []
        // Occurrences inside a spring-forward gap: iCalendar reads their nominal time with the offset before
        // the gap (02:30 → 03:30), Tandem holds them at the gap's end (03:00).
        for gap in gaps {
            let local = Int(gap.instant.timeIntervalSince1970) + gap.from
            let gapDay = Day(dayNumber: Day.floorDiv(local, 86_400))
            for day in [gapDay, gapDay.plus(days: 1)] where years.contains(day.year) && schedule.occurs(on: day) {
                let nominal = wall(day)
                guard !nominal.exists(in: zone) else { continue }
                excluded.insert(day)
                added.append(WallTime(nominal.instant(in: zone), in: zone))
            }
        }
        for day in excluded.sorted() { lines.append("EXDATE;\(tzid):" + ICalendarFormat.local(wall(day))) }
        for moved in added { lines.append("RDATE;\(tzid):" + ICalendarFormat.local(moved)) }
        return lines + trailer(event)
    }

    private static func trailer(_ event: Event) -> [String] {
        var lines = ["SUMMARY:" + ICalendarFormat.escape(event.title)]
        if let description = event.description {
            lines.append("DESCRIPTION:" + ICalendarFormat.escape(description))
        }
        if event.cancelled { lines.append("STATUS:CANCELLED") }
        return lines + ["END:VEVENT"]
    }
}
