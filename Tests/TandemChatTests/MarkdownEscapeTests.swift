import Testing

@testable import TandemChat

/// `MarkdownRenderer.escape` scans bytes first and walks graphemes only when it must: its output is that of the
/// plain grapheme walk it replaced, for plain, syntax-laden, combined and non-ASCII text alike.
struct MarkdownEscapeTests {
    /// The former implementation, kept as the reference.
    private static func reference(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>~".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return MarkdownRenderer.defuseMentions(out)
    }

    @Test(arguments: [
        "", "Spring Launch 2027: Tandem Analytics Cloud", "**bold** _it_ `code` [x](y) <a> ~s~ back\\slash",
        "*\u{301} combined star", "Größe — Frühjahr ✓ 🇩🇪*", "line\r\nbreak*", "ask @channel and @Here, mail a@b.de",
        "@\u{301}channel",
    ])
    func escapesAsTheGraphemeWalkDid(_ text: String) {
        #expect(MarkdownRenderer.escape(text) == Self.reference(text))
    }
}
