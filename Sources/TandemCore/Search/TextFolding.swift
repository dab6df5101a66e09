import Foundation

/// Folds text so that people find what they mean: case and accents do not matter, and German umlauts fold to
/// their spelled-out form (`Frühling` and `FRUEHLING` both fold to `fruehling`; `Fruhling`, one letter off, is
/// left to the typo tolerance of search). Expanding rather than contracting keeps words like "queue" intact.
public enum TextFolding {
    public static func fold(_ text: some StringProtocol) -> String {
        foldPlain(text) ?? foldedByFoundation(text)
    }

    /// What `fold` means, for any text: lower-cased, umlauts and ß spelt out, then Foundation's diacritic- and
    /// case-insensitive folding. `fold` and `words` take it only for text that is not `isPlain`, as it is slow
    /// on Linux; tests hold the plain path to it.
    static func foldedByFoundation(_ text: some StringProtocol) -> String {
        var s = String(text).lowercased()
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
        var words: [String] = []
        forEachWord(in: text) { words.append($0) }
        return words
    }

    /// Calls `body` with each of `words(text)` in turn: indexing keeps them elsewhere than in an array.
    static func forEachWord(in text: some StringProtocol, _ body: (String) -> Void) {
        if forEachPlainWord(in: text, body) { return }
        for word in foldedByFoundation(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }) { body(String(word)) }
    }

    // MARK: - Without Foundation: Latin-1 and common punctuation

    /// How `foldedByFoundation` folds one scalar: its UTF-8 (one to three bytes, never more than the scalar's own),
    /// and whether it is letters or digits, so part of a word.
    private struct ScalarFold: Sendable {
        var utf8: (UInt8, UInt8, UInt8)
        var count: Int
        var isWord: Bool

        /// Writes the bytes at `out[n...]`; returns the position after them.
        @inline(__always)
        func write(to out: UnsafeMutableBufferPointer<UInt8>, at n: Int) -> Int {
            out[n] = utf8.0
            if count > 1 { out[n + 1] = utf8.1 }
            if count > 2 { out[n + 2] = utf8.2 }
            return n + count
        }
    }

    /// Folded forms of À–ÿ (U+00C0–U+00FF): accents dropped, umlauts and ß spelt out; æ, ð, ø, þ, × and ÷ have no
    /// base letter to fall back to and stay.
    private static let latin1Letters: [String] = [
        "a", "a", "a", "a", "ae", "a", "æ", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // À–Ï
        "ð", "n", "o", "o", "o", "o", "oe", "×", "ø", "u", "u", "u", "ue", "y", "þ", "ss",  // Ð–ß
        "a", "a", "a", "a", "ae", "a", "æ", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // à–ï
        "ð", "n", "o", "o", "o", "o", "oe", "÷", "ø", "u", "u", "u", "ue", "y", "þ", "y",  // ð–ÿ
    ]

    /// `ScalarFold` of each Latin-1 scalar, U+0000–U+00FF: ASCII lower-cases, U+0080–U+00BF stay but µ (micro
    /// sign), which case-folds to Greek μ, and `latin1Letters`.
    private static let latin1Folds: [ScalarFold] = (0...0xFF).map { value in
        let folded: String =
            switch value {
            case 0x41...0x5A: String(UnicodeScalar(UInt8(value + 0x20)))
            case 0xB5: "\u{03BC}"
            case 0xC0...0xFF: latin1Letters[value - 0xC0]
            default: String(UnicodeScalar(UInt8(value)))
            }
        let bytes = Array(folded.utf8)
        precondition(!bytes.isEmpty && bytes.count <= (value < 0x80 ? 1 : 2))  // what `foldPlain` counts on
        return ScalarFold(
            utf8: (bytes[0], bytes.count > 1 ? bytes[1] : 0, 0), count: bytes.count,
            isWord: folded.allSatisfy { $0.isLetter || $0.isNumber })
    }

    /// Dashes, quotes, bullets, the ellipsis and primes (U+2010–U+2027, U+2030–U+205E) and €: common in briefs,
    /// folded to themselves, never part of a word, and never joined to a neighbour in one `Character`. The spaces
    /// and format characters around them are left to Foundation: some (ZWJ, ZWNJ) join or vanish.
    private static func isPlainPunctuation(_ scalar: UInt32) -> Bool {
        (0x2010...0x2027).contains(scalar) || (0x2030...0x205E).contains(scalar) || scalar == 0x20AC
    }

    /// Calls `body` with the contiguous UTF-8 of `text`.
    private static func withUTF8<R>(of text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(text)
        return copy.withUTF8(body)
    }

    /// Plain text, which `fold` and `words` fold without Foundation: Latin-1 and `isPlainPunctuation`. Folding it
    /// is folding each scalar on its own (no combining marks, no contractions), as tests check against Foundation.
    private static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < utf8.count {
            let lead = utf8[i]
            if lead < 0xC4 {  // ASCII, a two-byte lead of U+0080–U+00FF, or the continuation byte after it
                i += 1
            } else if lead < 0xF0, lead >= 0xE0, isPlainPunctuation(scalar(of3: utf8, at: i)) {
                i += 3
            } else {
                return false
            }
        }
        return true
    }

    @inline(__always)
    private static func scalar(of3 utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32 {
        UInt32(utf8[i] & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
    }

    /// Calls `body` with the `ScalarFold` of each scalar of plain UTF-8 in turn.
    @inline(__always)
    private static func forEachFold(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (ScalarFold) -> Void) {
        latin1Folds.withUnsafeBufferPointer { folds in
            var i = 0
            while i < utf8.count {
                let lead = utf8[i]
                if lead < 0x80 {
                    body(folds[Int(lead)])
                    i += 1
                } else if lead < 0xE0 {
                    body(folds[Int(lead & 0x1F) << 6 | Int(utf8[i + 1] & 0x3F)])
                    i += 2
                } else {
                    body(ScalarFold(utf8: (lead, utf8[i + 1], utf8[i + 2]), count: 3, isWord: false))
                    i += 3
                }
            }
        }
    }

    /// `fold` of plain text; nil for other text.
    static func foldPlain(_ text: some StringProtocol) -> String? {
        withUTF8(of: text) { utf8 in
            guard isPlain(utf8) else { return nil }
            return String(unsafeUninitializedCapacity: utf8.count) { out in
                var n = 0
                forEachFold(utf8) { n = $0.write(to: out, at: n) }
                return n
            }
        }
    }

    /// `forEachWord` of plain text, split while folding: no folded copy of the text, no `Character`s. False, and
    /// no calls, for other text.
    private static func forEachPlainWord(in text: some StringProtocol, _ body: (String) -> Void) -> Bool {
        withUTF8(of: text) { utf8 in
            guard isPlain(utf8) else { return false }
            guard !utf8.isEmpty else { return true }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { word in
                var n = 0
                forEachFold(utf8) { fold in
                    if fold.isWord {
                        n = fold.write(to: word, at: n)
                    } else if n > 0 {
                        body(String(decoding: UnsafeBufferPointer(rebasing: word[..<n]), as: UTF8.self))
                        n = 0
                    }
                }
                if n > 0 { body(String(decoding: UnsafeBufferPointer(rebasing: word[..<n]), as: UTF8.self)) }
            }
            return true
        }
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
