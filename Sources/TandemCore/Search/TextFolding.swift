import Foundation

/// Folds text so that people find what they mean: case and accents do not matter, and German umlauts fold to
/// their spelled-out form (`Frühling` and `FRUEHLING` both fold to `fruehling`; `Fruhling`, one letter off, is
/// left to the typo tolerance of search). Expanding rather than contracting keeps words like "queue" intact.
public enum TextFolding {
    public static func fold(_ text: some StringProtocol) -> String {
        var s = String(text).lowercased()
        // Most words are plain ASCII: nothing to fold, and Foundation's folding is slow on Linux.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        for (from, to) in [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")] where s.contains(from) {
            s = s.replacingOccurrences(of: from, with: to)
        }
        return s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    /// `fold`, then spelled-out umlauts contracted ("einwaende" → "einwande"): for matching typed words
    /// against fixed vocabularies, where "gesprachspunkte", "Gesprächspunkte" and "gespraechspunkte" must meet.
    /// Apply it to both sides.
    public static func loose(_ text: some StringProtocol) -> String {
        var s = fold(text)
        for (from, to) in [("ae", "a"), ("oe", "o"), ("ue", "u")] where s.contains(from) {
            s = s.replacingOccurrences(of: from, with: to)
        }
        return s
    }

    /// Loose words of `text`, split like `words`.
    public static func looseWords(_ text: some StringProtocol) -> [String] {
        words(text).map { loose($0) }
    }

    /// Whether `word` is one of `choices`, folding both sides.
    public static func word(_ word: some StringProtocol, isOneOf choices: [String]) -> Bool {
        let folded = fold(word)
        return choices.contains { fold($0) == folded }
    }

    /// Folded words of `text`: letters and digits, split on everything else.
    public static func words(_ text: some StringProtocol) -> [String] {
        fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Damerau–Levenshtein (optimal string alignment) distance, giving up above `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prevPrev = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, prevPrev[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (prevPrev, prev, current) = (prev, current, prevPrev)
        }
        return prev[b.count]
    }

    /// How many typos a word of this length may carry and still match.
    public static func typoAllowance(forLength n: Int) -> Int {
        n < 4 ? 0 : n < 8 ? 1 : 2
    }
}
