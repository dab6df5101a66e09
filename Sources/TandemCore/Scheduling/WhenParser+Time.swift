import Foundation

/// Reading the time-of-day part of an expression.
extension WhenParser {
    /// Words that announce a time: "at 10", "um 10", "@ 10", "gegen 10".
    private static let timeMarkers: Set<String> = ["at", "um", "@", "gegen"]

    /// Suffixes that make a bare number a time: "10am", "3 pm", "15 uhr". Not "h": "2h" is an offset.
    private static let meridiems: Set<String> = ["am", "pm"]
    private static let clockSuffixes: Set<String> = ["am", "pm", "uhr"]

    /// Reads a time at `index`: `10:00`, `9:30`, `10am`, `3 pm`, `15 uhr`, `15:30 uhr`, `um 10`, `at 10:30`.
    ///
    /// A bare number is a time only after a marker ("at 10") or before a suffix ("10 uhr"), so
    /// "tomorrow 3 leads" keeps its "3". A marker before something else ("at the office") is not consumed.
    static func scanTime(_ words: [String], at index: Int) -> WhenScan<TimeOfDay> {
        guard index < words.count else { return .absent }
        let marked = timeMarkers.contains(words[index])
        let start = marked ? index + 1 : index
        guard start < words.count else { return .absent }

        var token = words[start]
        var end = start + 1
        // "3 pm", "15 uhr", "10 a.m.": the suffix as the next word.
        if end < words.count, token.last?.isNumber == true,
            clockSuffixes.contains(words[end].replacingOccurrences(of: ".", with: ""))
        {
            token += words[end].replacingOccurrences(of: ".", with: "")
            end += 1
        }
        switch clockReading(token, allowDot: marked, requireMarkOnBareHour: !marked) {
        case .found(let time, _): return .found(time, end: end)
        case .invalid: return .invalid
        case .absent: return .absent
        }
    }

    /// One token read as a clock time: `10:00`, `9:30`, `10am`, `10:30pm`, `15uhr`, `15.30uhr`.
    ///
    /// - Parameters:
    ///   - allowDot: whether `15.30` may stand for 15:30 (after "um"; always before "uhr").
    ///   - requireMarkOnBareHour: whether a bare hour ("10") needs a suffix to count as a time.
    static func clockReading(
        _ token: String, allowDot: Bool, requireMarkOnBareHour: Bool = true
    ) -> WhenScan<TimeOfDay> {
        let head = token.prefix { $0.isASCII && ($0.isNumber || $0 == ":" || $0 == ".") }
        let suffix = token.dropFirst(head.count).replacingOccurrences(of: ".", with: "")
        guard !head.isEmpty, suffix.isEmpty || clockSuffixes.contains(suffix) else { return .absent }

        let separator: Character? = head.contains(":") ? ":" : head.contains(".") ? "." : nil
        var hourText = head
        var minute = 0
        if let separator {
            guard separator == ":" || allowDot || suffix == "uhr" else { return .absent }
            let parts = head.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
                let m = digits(parts[1])
            else { return .absent }
            hourText = parts[0]
            minute = m
        } else {
            guard head.count <= 2, !(requireMarkOnBareHour && suffix.isEmpty) else { return .absent }
        }
        guard let hour = digits(hourText) else { return .absent }

        if meridiems.contains(suffix) {
            // 12am is midnight, 12pm noon; "13pm" is nonsense, not 13:00.
            guard (1...12).contains(hour), (0...59).contains(minute) else { return .invalid }
            return .found(TimeOfDay(hour: hour % 12 + (suffix == "pm" ? 12 : 0), minute: minute), end: 1)
        }
        guard let time = TimeOfDay(validatingHour: hour, minute: minute) else { return .invalid }
        return .found(time, end: 1)
    }
}
