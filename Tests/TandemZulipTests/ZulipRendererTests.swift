import TandemChat
import TandemCore
import TandemZulipTesting
import Testing

/// Zulip Markdown out of the bot's rich text: escaped, mentions defused (checked with the fake's Zulip mention
/// rules), the rep mentioned by id, long replies split under the limit.
struct ZulipRendererTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: RichText
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain text", text: "hello", expected: "hello"),
        Case(name: "bold and code", text: .paragraph(.bold([.text("Offer:")]), .text(" "), .code("campaign `show` x")), expected: "**Offer:** `campaign ˋshowˋ x`"),
        Case(name: "markup in text is escaped", text: "*a* _b_ [c](d) # e > f `g` \\", expected: ##"\*a\* \_b\_ \[c\](d) \# e \> f \`g\` \\"##),
        Case(name: "tilde and dollar pairs are broken", text: "~~x~~ $$y$$", expected: "~\u{2060}~x~\u{2060}~ $\u{2060}$y$\u{2060}$"),
        Case(name: "a rep by Zulip user id", text: .paragraph(.text("for "), .mention(id: "26", name: "Sam Carter")), expected: "for @**|26**"),
        Case(name: "a mention of a non-Zulip id is text", text: .paragraph(.mention(id: "sam", name: "Sam")), expected: "@Sam"),
        Case(name: "links: http(s) only, parentheses encoded", text: .paragraph(.link(title: "brief", url: "https://x.example/a_(b)"), .text(" "), .link(title: "js", url: "javascript:alert(1)")), expected: "[brief](https://x.example/a_(b%29) js"),
        Case(name: "bullets", text: RichText([.paragraph([.text("Lines:")]), .bullets([[.text("one")], [.bold([.text("two")])]])]), expected: "Lines:\n- one\n- **two**"),
        Case(name: "a mention is never inside bold", text: .paragraph(.bold([.text("for "), .mention(id: "26", name: "Sam")])), expected: "**for** @**|26**"),
        Case(name: "whitespace stays outside bold", text: .paragraph(.text("a"), .bold([.text(" b ")]), .text("c")), expected: "a **b** c"),
    ]

    @Test(arguments: cases) func renders(_ testCase: Case) {
        #expect(ZulipRenderer.render(testCase.text) == testCase.expected)
    }

    static let hostile = [
        "@**all** launch", "@**everyone**", "@**channel**", "@**stream**", "@**topic**", "@_**all**", "@*sales*",
        "@_*sales*", "@**Sam Carter|12**", "@**Sam Carter**", "x @**all**", "(@**all**)", "@all @everyone @here",
    ]

    /// Echoed user text, plain, bold, in code, in a link title or split across runs, never notifies anyone.
    @Test(arguments: hostile) func hostileTextNotifiesNobody(_ text: String) {
        let shapes: [RichText] = [
            RichText(stringLiteral: text), .paragraph(.bold([.text(text)])), .paragraph(.code(text)),
            .paragraph(.text("@"), .bold([.text(String(text.dropFirst()))])), .paragraph(.link(title: text, url: "https://x.example")),
            RichText([.bullets([[.text(text)]])]),
        ]
        for shape in shapes {
            let rendered = ZulipRenderer.render(shape)
            #expect(ZulipFakeMentions.find(in: rendered) == ZulipFakeMentions(), "\(rendered.debugDescription)")
        }
    }

    @Test func theRepsMentionNotifiesOnlyThem() {
        let text = RichText.paragraph(.text("New lead for "), .mention(id: "12", name: "Sam"), .text(" from @**all**"))
        let mentions = ZulipFakeMentions.find(in: ZulipRenderer.render(text))
        #expect(mentions.userIDs == [12] && !mentions.wildcard)
    }

    @Test(arguments: [100, 500, 10_000]) func longRepliesSplitUnderTheLimitAndLoseNothing(_ limit: Int) {
        let line = "word *x* @**all** " + String(repeating: "ü", count: 30)
        let text = RichText((0..<120).map { .paragraph([.text("\($0) " + line)]) } + [.paragraph([.bold([.text(String(repeating: "long ", count: 3_000))])])])
        let parts = ZulipRenderer(partLimit: limit).render(text)
        #expect(parts.allSatisfy { $0.unicodeScalars.count <= limit })
        #expect(parts.count > 1)
        let whole = ZulipRenderer.render(text)
        let stripped = { (s: String) in s.filter { $0 != "\n" && $0 != "*" && $0 != " " && $0 != "\u{2060}" && $0 != "\\" } }
        #expect(stripped(parts.joined()) == stripped(whole))
        #expect(parts.allSatisfy { ZulipFakeMentions.find(in: $0) == ZulipFakeMentions() })
    }

    @Test func aReplyThatShowsNothingHasNoParts() {
        #expect(ZulipRenderer().render(RichText([.paragraph([])])).isEmpty)
        #expect(ZulipRenderer().render(RichText()).isEmpty)
    }
}
