import Foundation

/// The protocol's time format: ISO 8601 in UTC with milliseconds, as JavaScript's `Date.toISOString()` writes it
/// (`2026-11-30T10:00:00.123Z`), so the web page and any bridge read it without a date library.
public enum Timestamp {
    /// `date` in the wire format, rounded to the nearest millisecond.
    ///
    /// Rounded here rather than by the format style, which truncates: `…800.123` as a `Double` is `…800.12299…`
    /// and would print as `.122`.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)  // "…T10:00:00Z"
        let digits = String(fraction)
        return "\(whole.dropLast()).\(String(repeating: "0", count: 3 - digits.count))\(digits)Z"
    }

    /// The date a timestamp names, or `nil` if it is not an ISO 8601 date and time.
    ///
    /// Reads more than ``string(from:)`` writes (no or more fractional digits, another zone offset), so a bridge
    /// that writes seconds only is still understood.
    public static func date(from string: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string)
    }
}
