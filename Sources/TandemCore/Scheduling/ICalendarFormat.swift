import Foundation

/// The text rules of RFC 5545: value escaping, line folding and date-time forms.
enum ICalendarFormat {
    /// Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11).
    /// Other control characters are not allowed in TEXT and become spaces.
    static func escape(_ text: String) -> String {
        var result = ""
        for ch in text {
            switch ch {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r\n", "\n": result += "\\n"
            case "\r": result += "\\n"
            case "\t": result.append(ch)
            default:
                if ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    result += " "
                } else {
                    result.append(ch)
                }
            }
        }
        return result
    }

    /// Folds a content line so no physical line exceeds 75 octets (RFC 5545 §3.1): continuation lines
    /// start with one space, which counts towards their 75. Never splits a UTF-8 sequence.
    static func fold(_ line: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > 75 {
                lines.append(current)
                current = " "
                octets = 1
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        lines.append(current)
        return lines
    }

    /// `20261203T090000Z`: a UTC DATE-TIME, to the second.
    static func utc(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = Day(dayNumber: Day.floorDiv(seconds, 86_400))
        let inDay = Day.floorMod(seconds, 86_400)
        return compact(day) + String(format: "T%02d%02d%02dZ", inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    /// `20261203T090000`: a local DATE-TIME, read with a TZID.
    static func local(_ wall: WallTime) -> String {
        compact(wall.day) + String(format: "T%02d%02d00", wall.hour, wall.minute)
    }

    /// `20261203T023000` for a local reading given in seconds since 1970 of the local clock.
    static func local(seconds: Int) -> String {
        let inDay = Day.floorMod(seconds, 86_400)
        return compact(Day(dayNumber: Day.floorDiv(seconds, 86_400)))
            + String(format: "T%02d%02d%02d", inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    /// `20261203`.
    static func compact(_ day: Day) -> String {
        String(format: "%04d%02d%02d", day.year, day.month, day.day)
    }

    /// `+0100`, `-0500`, `+0530` (seconds only when the offset has them).
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let value = abs(seconds)
        let base = sign + String(format: "%02d%02d", value / 3600, value % 3600 / 60)
        return value % 60 == 0 ? base : base + String(format: "%02d", value % 60)
    }

    /// `PT1H`, `PT1H30M`, `PT45M`.
    static func duration(minutes: Int) -> String {
        let minutes = max(0, minutes)
        switch (minutes / 60, minutes % 60) {
        case (0, let m): return "PT\(m)M"
        case (let h, 0): return "PT\(h)H"
        case (let h, let m): return "PT\(h)H\(m)M"
        }
    }
}
