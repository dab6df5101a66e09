import TandemChat
import TandemCore
import TandemTelegramTesting
import Testing

/// The renderer's HTML read back by the fake's strict parser: what Telegram would show, and what it would refuse.
struct TelegramRendererTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: RichText
        /// What Telegram shows.
        var shown: String
        /// The links (href) in the message.
        var links: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "markup in user text is text", text: RichText([.paragraph([.text("<b>bold</b> & <script>x</script> &amp;")])]),
             shown: "<b>bold</b> & <script>x</script> &amp;"),
        Case(name: "bold, code and a link", text: RichText([.paragraph([.bold([.text("Spring "), .code("SPRING27")]), .text(" "), .link(title: "brief", url: "https://example.org/?a=1&b=\"2\"")])]),
             shown: "Spring SPRING27 brief", links: ["https://example.org/?a=1&b=\"2\""]),
        Case(name: "a javascript link is its title", text: RichText([.paragraph([.link(title: "click", url: "javascript:alert(1)")])]), shown: "click"),
        Case(name: "a member is a text mention", text: RichText([.paragraph([.text("for "), .mention(id: "1002", name: "Sam <C>")])]),
             shown: "for Sam <C>", links: ["tg://user?id=1002"]),
        Case(name: "a non-Telegram id is just the name", text: RichText([.paragraph([.mention(id: "@sam:example.org", name: "Sam")])]), shown: "Sam"),
        Case(name: "@usernames and @everyone ping nobody", text: RichText([.paragraph([.text("hi @samc and @"), .bold([.text("everyone")]), .text(", mail mia@example.org")])]),
             shown: "hi @\u{2060}samc and @\u{2060}everyone, mail mia@example.org"),
        Case(name: "bullets and blocks are lines", text: RichText([.paragraph([.text("Open:")]), .bullets([[.text("H-1")], [.text("H-2")]])]),
             shown: "Open:\n• H-1\n• H-2"),
    ]

    @Test(arguments: cases)
    func rendersHTMLTelegramParsesToTheText(_ testCase: Case) throws {
        let parts = TelegramRenderer().render(testCase.text)
        try #require(parts.count == 1)
        let parsed = try TelegramHTML.parse(parts[0].html).get()
        #expect(parsed.text == testCase.shown)
        #expect(parsed.entities.compactMap(\.href) == testCase.links)
        #expect(parts[0].plain == testCase.shown, "the plain fallback shows the same")
    }

    @Test(arguments: [64, 100, 4096])
    func splitsLongRepliesIntoWellFormedPartsWithinTheLimit(_ limit: Int) throws {
        let line: [Inline] = [.bold([.text("Q&A <\(limit)> ")]), .text(String(repeating: "ä😀x", count: 40)), .code("a<b")]
        let text = RichText([.paragraph(line), .bullets(Array(repeating: line, count: 30)), .paragraph(line)])
        let parts = TelegramRenderer(partLimit: limit).render(text)
        #expect(parts.count > 1)
        var shown: [String] = []
        for part in parts {
            let parsed = try TelegramHTML.parse(part.html).get()
            #expect(parsed.text.utf16.count <= limit)
            #expect(parsed.text == part.plain)
            shown.append(parsed.text)
        }
        let whole = try TelegramHTML.parse(TelegramRenderer(partLimit: .max).render(text)[0].html).get().text
        // Parts split at line ends (dropped) or inside an over-long line (kept whole).
        #expect(shown.joined().filter { $0 != "\n" } == whole.filter { $0 != "\n" })
    }

    @Test func anEmptyReplyHasNoParts() {
        #expect(TelegramRenderer().render(RichText([.paragraph([.text("")])])).isEmpty)
    }
}
