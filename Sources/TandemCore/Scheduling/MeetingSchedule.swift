import Foundation

/// When a joint meeting happens: a first start as wall time in an IANA zone, a duration, a recurrence,
/// skipped days (holidays) and an optional last day.
///
/// Every occurrence is computed from the wall time in the zone, so a 09:00 Berlin meeting is at 09:00
/// in summer and in winter. A start inside a spring-forward gap moves to the end of the gap (that day
/// only); one inside the fall-back hour happens once, at the first occurrence (see ``WallTime/instant(in:)``).
public struct MeetingSchedule: Sendable, Equatable, Codable {
    /// The first start: its day anchors the recurrence, its time is every occurrence's time.
    public var firstStart: WallTime
    /// IANA identifier ("Europe/Berlin"), never a fixed offset. An unknown identifier is read as UTC.
    public var timeZone: String
    public var durationMinutes: Int
    public var recurrence: Recurrence
    /// Local days whose occurrence does not take place.
    public var skipped: Set<Day>
    /// The last day an occurrence may fall on (inclusive), if the series ends.
    public var until: Day?

    public init(
        firstStart: WallTime, timeZone: String, durationMinutes: Int, recurrence: Recurrence,
        skipped: Set<Day> = [], until: Day? = nil
    ) {
        self.firstStart = firstStart
        self.timeZone = timeZone
        self.durationMinutes = durationMinutes
        self.recurrence = recurrence
        self.skipped = skipped
        self.until = until
    }

    /// The zone occurrences are computed in.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// The start of the occurrence on `day` (whether or not the rule holds one that day).
    public func start(on day: Day) -> Date {
        WallTime(day: day, hour: firstStart.hour, minute: firstStart.minute).instant(in: zone)
    }

    /// Whether a meeting takes place on the local `day`: the rule holds one, it is within `until`,
    /// and it was not skipped.
    public func occurs(on day: Day) -> Bool {
        isScheduled(day) && !skipped.contains(day)
    }

    /// The first day the rule holds a meeting on, skipped or not; nil if the series is empty.
    public var firstScheduledDay: Day? {
        scheduledDay(onOrAfter: firstStart.day)
    }

    /// The occurrences' start instants in [from, to), in order, skipping `skipped`.
    public func occurrences(from: Date, to: Date) -> [Date] {
        guard from < to else { return [] }
        let zone = zone
        var starts: [Date] = []
        // A day earlier, in case a start moved out of a gap lands after midnight (never in real zones).
        var day = scheduledDay(onOrAfter: Day(from, in: zone).plus(days: -1))
        while let current = day {
            let start = WallTime(day: current, hour: firstStart.hour, minute: firstStart.minute).instant(in: zone)
            if start >= to { break }
            if start >= from, !skipped.contains(current) { starts.append(start) }
            day = scheduledDay(onOrAfter: current.plus(days: 1))
        }
        return starts
    }

    /// The first occurrence starting at or after `date`, or nil.
    ///
    /// Jumps straight to the right week or month (no walk from the first start), then steps over at most
    /// the skipped days.
    public func nextOccurrence(atOrAfter date: Date) -> Date? {
        let zone = zone
        var day = scheduledDay(onOrAfter: Day(date, in: zone).plus(days: -1))
        var steps = 0
        while let current = day, steps <= skipped.count + 3 {
            let start = WallTime(day: current, hour: firstStart.hour, minute: firstStart.minute).instant(in: zone)
            if start >= date, !skipped.contains(current) { return start }
            day = scheduledDay(onOrAfter: current.plus(days: 1))
            steps += 1
        }
        return nil
    }

    /// Whether the rule holds a meeting on `day` within the series' bounds, ignoring skips.
    func isScheduled(_ day: Day) -> Bool {
        scheduledDay(onOrAfter: day) == day
    }

    /// The first day on or after `day` the rule holds a meeting on, within `until`.
    func scheduledDay(onOrAfter day: Day) -> Day? {
        guard let found = recurrence.rule.firstDay(onOrAfter: day, anchor: firstStart.day) else { return nil }
        if let until, found > until { return nil }
        return found
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case firstStart, timeZone, durationMinutes, recurrence, skipped, until
    }

    /// Writes `skipped` sorted: a `Set` would come out in a different order on every run and make
    /// state files churn.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(firstStart, forKey: .firstStart)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(durationMinutes, forKey: .durationMinutes)
        try container.encode(recurrence, forKey: .recurrence)
        try container.encode(skipped.sorted(), forKey: .skipped)
        try container.encodeIfPresent(until, forKey: .until)
    }
}
