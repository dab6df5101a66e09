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
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit)
    }

    /// `distance` over unicode scalars, for callers that keep the scalars of words they compare often.
    /// Its rows are a temporary allocation (on the stack when small enough), not three arrays.
    public static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let width = b.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { rows in
            var prevPrev = rows.baseAddress!
            var prev = prevPrev + width
            var current = prev + width
            for j in 0..<width {
                prevPrev[j] = 0
                prev[j] = j
                current[j] = 0
            }
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
    }

    /// A set of the scalars of a word, folded to 64 bits (`a`–`z` and `0`–`9` each get their own bit). A scalar
    /// of one word whose bit the other lacks costs at least one edit, so the larger of the two counts of such
    /// bits is a lower bound of `distance`: a cheap test that rules most words out before the real one.
    public static func scalarMask(_ scalars: [Unicode.Scalar]) -> UInt64 {
        var mask: UInt64 = 0
        for scalar in scalars {
            let v = scalar.value
            let bit: UInt32 =
                switch v {
                case 0x30...0x39: v - 0x30
                case 0x61...0x7A: v - 0x61 + 10
                default: 36 + v % 28
                }
            mask |= 1 << UInt64(bit)
        }
        return mask
    }

    /// The lower bound of `distance` that two words' `scalarMask`s give.
    public static func distanceLowerBound(_ a: UInt64, _ b: UInt64) -> Int {
        max((a & ~b).nonzeroBitCount, (b & ~a).nonzeroBitCount)
    }

    /// How many typos a word of this length may carry and still match.
    public static func typoAllowance(forLength n: Int) -> Int {
        n < 4 ? 0 : n < 8 ? 1 : 2
    }
}
