import TandemChat
import TandemCore
import Testing

/// Replies as Mattermost Markdown: hostile text pings nobody, long replies fit the server's limit.
struct MattermostRendererTests {
    static func paragraph(_ s: String) -> RichText { RichText([.paragraph([.text(s)])]) }

    @Test(arguments: [
        ("@channel", "@\u{200B}channel"),
        ("Spring @ALL hands", "@\u{200B}ALL hands"),
        ("@here!", "@\u{200B}here!"),
        ("mail me@here.com", "me@\u{200B}here.com"),
        ("@sam", "@sam"),
        ("**bold** `code`", "\\*\\*bold\\*\\* \\`code\\`"),
    ])
    func echoedTextCanNeitherPingEveryoneNorFormat(_ input: String, _ expected: String) {
        let parts = MattermostRenderer().render(Self.paragraph(input))
        #expect(parts.count == 1)
        #expect(parts.first?.hasSuffix(expected) == true, "\(parts)")
        for word in ["@channel", "@all", "@here"] {
            #expect(parts.first?.lowercased().contains(word) == false)
        }
    }

    @Test func aMentionIsTheUsernameAndCodeIsDefusedToo() {
        let text = RichText([.paragraph([.mention(id: "sam", name: "Sam Carter"), .text(" "), .code("@all")])])
        #expect(MattermostRenderer().render(text) == ["@sam `@\u{200B}all`"])
    }

    @Test(arguments: [100, 1_000, MattermostRenderer.defaultPartLimit])
    func partsStayUnderTheLimitInRunesAndLoseNothing(limit: Int) {
        // Runes, not UTF-16 units or bytes: the flag is two scalars, the umlaut one.
        let line = String(repeating: "ä🇩🇪 ", count: 3_000)
        let parts = MattermostRenderer(partLimit: limit).render(Self.paragraph(line))
        #expect(parts.allSatisfy { $0.unicodeScalars.count <= limit })
        #expect(parts.joined().trimmingSuffixSpaces == line.trimmingSuffixSpaces)
        #expect(parts.count >= line.unicodeScalars.count / limit)
    }

    @Test func anEmptyReplyHasNoParts() {
        #expect(MattermostRenderer().render(RichText([])).isEmpty)
    }
}

extension String {
    /// The text as a split keeps it: parts without visible text are dropped, so trailing blanks may go.
    var trimmingSuffixSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
