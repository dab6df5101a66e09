import Foundation
import TandemTesting
import Testing

@testable import TandemCore

/// `fold`, `loose` and `words` skip Foundation for plain text (Latin-1 and common punctuation): they must give
/// exactly what Foundation's folding gave, for every plain scalar and for mixed text.
struct TextFoldingTests {
    /// `words` and `loose` as they were before the plain path, over the Foundation folding.
    static func referenceWords(_ text: String) -> [String] {
        TextFolding.foldedByFoundation(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func referenceLoose(_ text: String) -> String {
        var s = TextFolding.foldedByFoundation(text)
        for (from, to) in [("ae", "a"), ("oe", "o"), ("ue", "u")] where s.contains(from) {
            s = s.replacingOccurrences(of: from, with: to)
        }
        return s
    }

    /// Every scalar the plain path claims: Latin-1, and the punctuation it passes through.
    static let plainScalars: [Unicode.Scalar] =
        (0...0xFF).map { Unicode.Scalar(UInt8($0)) }
        + (Array(0x2010...0x2027) + Array(0x2030...0x205E) + [0x20AC]).map { Unicode.Scalar(UInt32($0))! }

    /// The same checks for one text: the plain path is taken when `plain`, and all three functions agree with
    /// the reference either way.
    static func expectSameAsFoundation(_ text: String, plain: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
        #expect((TextFolding.foldPlain(text) != nil) == plain, "\(shown)", sourceLocation: sourceLocation)
        #expect(TextFolding.fold(text) == TextFolding.foldedByFoundation(text), "\(shown)", sourceLocation: sourceLocation)
        #expect(TextFolding.words(text) == referenceWords(text), "\(shown)", sourceLocation: sourceLocation)
        #expect(TextFolding.loose(text) == referenceLoose(text), "\(shown)", sourceLocation: sourceLocation)
    }

    @Test(arguments: plainScalars)
    func everyPlainScalarFoldsAsFoundationFoldsIt(scalar: Unicode.Scalar) {
        let c = String(scalar)
        // Alone, next to letters, umlauts and accents (so that Foundation folds, not only lower-cases), doubled.
        for text in [c, "A\(c)b", "Ä\(c)é", "x\(c)\(c)Y", "\(c)Straße", "2027\(c)Q3"] {
            Self.expectSameAsFoundation(text, plain: true)
        }
    }

    @Test(arguments: [
        ("Frühling", "fruehling"), ("FRÜHJAHRS-Webinar", "fruehjahrs-webinar"), ("Größe", "groesse"),
        ("STRASSE", "strasse"), ("Straße", "strasse"), ("Ça va", "ca va"), ("Ñandú", "nandu"), ("Øre", "øre"),
        ("Æble", "æble"), ("Þór", "þor"), ("µm", "\u{03BC}m"), ("200–2000 „Mitarbeiter“", "200–2000 „mitarbeiter“"),
        ("don’t…", "don’t…"), ("5 €", "5 €"), ("Zürich ×2", "zuerich ×2"), ("", ""),
    ])
    func foldsKnownWords(text: String, folded: String) {
        #expect(TextFolding.foldPlain(text) == folded)
        #expect(TextFolding.foldedByFoundation(text) == folded)
    }

    @Test func textBeyondPlainTakesFoundation() {
        for text in ["ΑΘΗΝΑ", "Ελλάδα", "東京", "e\u{301}te", "ẞ", "İstanbul", "\u{212A}elvin", "a\u{200D}b", "🙂 ok", "Ŝpring"] {
            Self.expectSameAsFoundation(text, plain: false)
        }
    }

    /// Seeded random text mixing ASCII, digits, punctuation, umlauts, accents, plain punctuation and some
    /// scalars beyond it: both paths taken, and every result as before.
    @Test func randomTextFoldsAsFoundationFoldsIt() {
        let plainPieces = [
            "a", "Z", "q", "7", "0", " ", "-", ".", ",", "'", "/", "&", "\n", "\r\n", "\t", "ä", "Ö", "ü", "ß", "é",
            "È", "ñ", "Ç", "å", "Ø", "æ", "ÿ", "µ", "ª", "²", "½", "\u{A0}", "\u{AD}", "–", "—", "’", "“", "”", "…",
            "€", "Spring", "Webinarreihe", "QUEUE", "Qualitätssicherung", "Größere", "2027",
        ]
        let otherPieces = ["Ω", "ж", "東", "\u{301}", "\u{308}", "ẞ", "İ", "\u{200D}", "\u{200C}", "🙂", "ő", "\u{2028}"]
        var rng = SplitMix64(seed: 2027)
        var plainCount = 0
        for n in 0..<3_000 {
            let usesOther = n % 4 == 0
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in
                usesOther && Int.random(in: 0..<4, using: &rng) == 0
                    ? otherPieces.randomElement(using: &rng)! : plainPieces.randomElement(using: &rng)!
            }.joined()
            let plain = text.unicodeScalars.allSatisfy { Self.plainScalars.contains($0) }
            if plain { plainCount += 1 }
            Self.expectSameAsFoundation(text, plain: plain)
            #expect(TextFolding.looseWords(text) == Self.referenceWords(text).map { Self.referenceLoose($0) })
            #expect(TextFolding.words(text.dropFirst()) == Self.referenceWords(String(text.dropFirst())))  // a Substring
        }
        #expect(plainCount > 2_000 && plainCount < 3_000)  // both paths were taken
    }
}
