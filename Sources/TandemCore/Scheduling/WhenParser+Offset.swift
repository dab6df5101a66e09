import Foundation

/// Durations people type: reminder offsets ("15m", "1d") and relative times ("in 2 Stunden").
extension WhenParser {
    /// An offset read from text.
    struct Offset: Equatable {
        var seconds: Int
        /// Only days and weeks were named ("3 days", "1 Woche"): a day, not an instant, is meant.
        var isWholeDays: Bool
    }

    /// Anything longer is a typo, not a plan.
    private static let maximumSeconds = 10 * 366 * 86_400

    /// Parses an offset like "2h", "30m", "1d", "15min", "1 day", "1h30m", "an hour", "2 Stunden".
    ///
    /// Lists such as "1d,15m" are split by the caller. "m" is minutes, never months. Zero ("0m", at the
    /// start) is allowed; negative numbers and offsets over ten years are not.
    /// - Returns: the duration, or nil if the whole text is not an offset.
    public static func parseOffset(_ text: String) -> Duration? {
        offset(text).map { .seconds($0.seconds) }
    }

    /// Reads `text` as number–unit pairs ("1h30m" → 1 h + 30 min); nil if anything else is in it.
    static func offset(_ text: String) -> Offset? {
        guard let chunks = chunks(of: TextFolding.loose(text)), !chunks.isEmpty, chunks.count % 2 == 0 else {
            return nil
        }
        var seconds = 0
        var wholeDays = true
        for pair in stride(from: 0, to: chunks.count, by: 2) {
            guard let count = WhenVocabulary.count(chunks[pair]),
                let unit = WhenVocabulary.unitSeconds[chunks[pair + 1]]
            else { return nil }
            seconds += count * unit
            wholeDays = wholeDays && unit >= 86_400
            guard seconds <= maximumSeconds else { return nil }
        }
        return Offset(seconds: seconds, isWholeDays: wholeDays)
    }

    /// Splits folded text into runs of digits and runs of letters; whitespace separates; anything else
    /// (":", "-", ".") means this is not an offset.
    private static func chunks(of text: String) -> [String]? {
        var chunks: [String] = []
        var current = ""
        var currentIsDigits = false
        for ch in text {
            if ch.isWhitespace {
                if !current.isEmpty { chunks.append(current) }
                current = ""
                continue
            }
            let isDigit = ch.isASCII && ch.isNumber
            guard isDigit || ch.isLetter else { return nil }
            if !current.isEmpty, isDigit != currentIsDigits {
                chunks.append(current)
                current = ""
            }
            current.append(ch)
            currentIsDigits = isDigit
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}
