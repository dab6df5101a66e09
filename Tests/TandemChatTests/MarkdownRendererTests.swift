import Testing
import TandemChat
import TandemCore

struct MarkdownRendererTests {
    @Test(arguments: [
        ("**not bold**", "\\*\\*not bold\\*\\*"),
        ("`code`", "\\`code\\`"),
        ("[click](https://evil.example)", "\\[click\\](https://evil.example)"),
        ("<script>", "\\<script\\>"),
        ("snake_case", "snake\\_case"),
        ("plain (text) #1", "plain (text) #1"),
    ])
    func userTextCannotFormat(input: String, expected: String) {
        #expect(MarkdownRenderer.render(RichText([.paragraph([.text(input)])])) == expected)
    }

    @Test(arguments: ["@channel", "@all", "@here", "@everyone", "@room", "hey @Channel!", "`@all`"])
    func broadcastMentionsAreDefused(input: String) {
        let rendered = MarkdownRenderer.render(RichText([.paragraph([.text(input)])]))
        #expect(!rendered.lowercased().contains("@channel") && !rendered.contains("@all") && !rendered.contains("@here"))
        #expect(!rendered.contains("@everyone") && !rendered.contains("@room"))
        #expect(rendered.contains("@\u{2060}"))
    }

    @Test func theBotsOwnFormattingIsRendered() {
        let text = RichText([
            .paragraph([.bold([.text("Offer: ")]), .text("25 %"), .text(" "), .code("YEAREND25")]),
            .bullets([[.link(title: "Deck", url: "https://example.com/d.pdf")], [.mention(id: "sam", name: "Sam Carter")]]),
            .paragraph([.link(title: "bad", url: "javascript:alert(1)")]),
        ])
        #expect(MarkdownRenderer.render(text) == """
            **Offer: **25 % `YEAREND25`
            - [Deck](https://example.com/d.pdf)
            - @sam
            bad
            """)
    }
}
