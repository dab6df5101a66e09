import Foundation

/// A date/time expression read from the start of a command's words.
public struct ParsedWhen: Sendable, Equatable {
    /// The day meant, in the member's zone.
    public var day: Day
    /// The time of day, when one was typed ("tomorrow" alone has none; the caller picks a default).
    public var time: TimeOfDay?
    /// How many of the words the expression used; the rest is the caller's (a reminder's text, say).
    public var consumed: Int
    /// The exact instant for relative expressions with hours or minutes ("in 2h", "in 90 min").
    ///
    /// Those name an instant, not a wall time: converting back from `day`/`time` would land an hour off
    /// inside the fall-back hour, so callers should prefer this when it is set.
    public var exactInstant: Date?

    public init(day: Day, time: TimeOfDay?, consumed: Int, exactInstant: Date? = nil) {
        self.day = day
        self.time = time
        self.consumed = consumed
        self.exactInstant = exactInstant
    }

    /// The wall time meant, using `defaultTime` when none was typed.
    public func wallTime(defaultTime: TimeOfDay) -> WallTime {
        WallTime(day: day, time: time ?? defaultTime)
    }

    /// The instant meant in `zone`: the exact instant of a relative expression, else the wall time's.
    public func instant(in zone: TimeZone, defaultTime: TimeOfDay) -> Date {
        exactInstant ?? wallTime(defaultTime: defaultTime).instant(in: zone)
    }
}

/// Reads the dates and times people type, in English and German.
///
/// Accepted, with a time after any day form:
/// - ISO `2026-12-03`, `2026-12-03 10:00`, `2026-12-03T10:00`; German `3.12.2026`, `03.12.26`, `3.12.`;
///   `3 Dec`, `3. Dezember 2026`, `Dec 3rd`
/// - `today`/`heute`, `tomorrow`/`morgen`, `übermorgen`/`uebermorgen`, `day after tomorrow`
/// - weekdays, full or short (`monday`, `mon`, `montag`, `mo`, `tue`, `di` …), optionally after
///   `next`/`nächsten`/`kommenden` or `on`/`am`: always the next such day strictly after today
/// - times `10:00`, `9:30`, `10am`, `3 pm`, `15 uhr`, `15:30 uhr`, `um 10`, `at 10:30`, also before the day
///   (`at 3pm tomorrow`); a time alone means today if still ahead of `now`, else tomorrow
/// - relative `in 2h`, `in 2 hours`, `in 30 min`, `in an hour`, `in 3 days`, `in 2 Stunden`, `in 1 Woche`
///
/// Anything shaped like a date or time but impossible (`2026-02-30`, `25:00`, `13pm`, `31.11.`) makes the
/// whole parse fail rather than being left in the text, so the user hears "I couldn't read that date".
public enum WhenParser {
    /// Parses a date/time expression at the START of `words` (split on whitespace, quotes removed),
    /// relative to `now` in `zone`.
    ///
    /// - Returns: the day, the time if one was given, and how many words it used; nil if the words do not
    ///   start with a date/time, or start with an impossible one.
    public static func parse(_ words: [String], now: Date, zone: TimeZone) -> ParsedWhen? {
        guard let parsed = parseAnyYear(words, now: now, zone: zone),
            abs(parsed.day.year - Day(now, in: zone).year) <= maxYearsAway
        else { return nil }
        return parsed
    }

    /// How far from today a date may be. Further is a typo (`0001-01-01`, `9999`), and a meeting in 9999 would
    /// make calendar exports of thousands of daylight-saving changes.
    public static let maxYearsAway = 10

    private static func parseAnyYear(_ words: [String], now: Date, zone: TimeZone) -> ParsedWhen? {
        let words = words.map(WhenVocabulary.normalize)
        guard let first = words.first else { return nil }
        let today = Day(now, in: zone)
        if first == "in" {
            return relative(words, now: now, zone: zone, today: today)
        }
        switch scanDay(words, at: 0, today: today) {
        case .invalid:
            return nil
        case .found(let found, let end):
            if let embedded = found.time {
                return ParsedWhen(day: found.day, time: embedded, consumed: end)
            }
            return withOptionalTime(found.day, words, at: end)
        case .absent:
            break
        }
        guard case .found(let time, let end) = scanTime(words, at: 0) else { return nil }
        switch scanDay(words, at: end, today: today) {
        case .invalid:
            return nil
        case .found(let found, let dayEnd) where found.time == nil:
            return ParsedWhen(day: found.day, time: time, consumed: dayEnd)
        default:
            // A time alone: the next time the clock shows it.
            let ahead = WallTime(day: today, time: time).instant(in: zone) > now
            return ParsedWhen(day: ahead ? today : today.plus(days: 1), time: time, consumed: end)
        }
    }

    /// `day` followed by an optional time at `index`; nil when that time is impossible.
    private static func withOptionalTime(_ day: Day, _ words: [String], at index: Int) -> ParsedWhen? {
        switch scanTime(words, at: index) {
        case .invalid: nil
        case .found(let time, let end): ParsedWhen(day: day, time: time, consumed: end)
        case .absent: ParsedWhen(day: day, time: nil, consumed: index)
        }
    }

    /// "in 2 hours", "in 3 Tagen um 10": the longest run of words after "in" that reads as an offset.
    private static func relative(_ words: [String], now: Date, zone: TimeZone, today: Day) -> ParsedWhen? {
        for length in stride(from: min(6, words.count - 1), through: 1, by: -1) {
            guard let offset = offset(words[1...length].joined(separator: " ")) else { continue }
            let end = 1 + length
            if offset.isWholeDays {
                // "in 3 days" names a day, like "tomorrow"; a time may follow.
                return withOptionalTime(today.plus(days: offset.seconds / 86_400), words, at: end)
            }
            let instant = now.addingTimeInterval(TimeInterval(offset.seconds))
            let wall = WallTime(instant, in: zone)
            return ParsedWhen(day: wall.day, time: wall.time, consumed: end, exactInstant: instant)
        }
        return nil
    }
}

/// The outcome of reading one part of an expression at a position.
enum WhenScan<Value> {
    /// The words there are not this kind of thing; another reading may apply.
    case absent
    /// The words have the shape of a date or time but name an impossible one.
    case invalid
    /// Read `Value`; the next unread word is at `end`.
    case found(Value, end: Int)
}
