import TandemCore
import TandemTesting
import Testing

@testable import TandemChat

/// What one reply renders to: escaping, links, broadcast mentions, pills, empty input.
struct MatrixRendererTests {
    private static let renderer = MatrixRenderer(ownUserID: "@tandem:example.org")

    private static func one(_ text: RichText) -> MatrixMessage {
        let parts = renderer.render(text)
        #expect(parts.count == 1)
        return parts[0]
    }

    @Test(arguments: [
        (RichText.paragraph(.text("Launch")), "Launch", "<p>Launch</p>"),
        (.paragraph(.bold([.text("Q3")]), .text(" "), .code("c-1")), "Q3 c-1", "<p><b>Q3</b> <code>c-1</code></p>"),
        (RichText([.paragraph([.text("a")]), .bullets([[.text("x")], [.text("y\nz")]])]), "a\n• x\n• y\nz",
         "<p>a</p><ul><li>x</li><li>y<br>z</li></ul>"),
        (.paragraph(.code("let a = 1\n  b")), "let a = 1\n  b", "<pre><code>let a = 1\n  b</code></pre>"),
        (.paragraph(.text("one\r\ntwo")), "one\ntwo", "<p>one<br>two</p>"),
    ])
    func rendersBlocksAndInlines(text: RichText, body: String, html: String) {
        let part = Self.one(text)
        #expect(part.body == body)
        #expect(part.formattedBody == html)
        #expect(part.mentionedUserIDs == [])
    }

    /// Campaign names and other user text: every one of `& < > " '` is an entity, so nothing opens a tag.
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<a href=javascript:alert(1)>x</a>", "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;"),
        ("</pre></code><b>", "&lt;/pre&gt;&lt;/code&gt;&lt;b&gt;"),
        ("Tom & Jerry's \"Best\"", "Tom &amp; Jerry&#39;s &quot;Best&quot;"),
        ("&amp; &#39;", "&amp;amp; &amp;#39;"),
        ("Grüße 🤝 <ü>", "Grüße 🤝 &lt;ü&gt;"),
    ])
    func escapesUserText(name: String, escaped: String) {
        for (inline, html) in [
            (Inline.text(name), escaped), (.bold([.text(name)]), "<b>\(escaped)</b>"), (.code(name), "<code>\(escaped)</code>"),
            (.mention(id: "@sam:example.org", name: name), "<a href=\"https://matrix.to/#/@sam:example.org\">\(escaped)</a>"),
        ] {
            let part = Self.one(.paragraph(inline))
            #expect(part.formattedBody == "<p>\(html)</p>")
            #expect(part.body == name)
            #expect(MatrixHTML.problem(part.formattedBody) == nil)
        }
    }

    @Test(arguments: [
        ("https://e.com/a?x=1&y=\"2\"", "<a href=\"https://e.com/a?x=1&amp;y=&quot;2&quot;\">Report</a>", "Report (https://e.com/a?x=1&y=\"2\")"),
        ("http://e.com", "<a href=\"http://e.com\">Report</a>", "Report (http://e.com)"),
        ("mailto:sales@e.com", "<a href=\"mailto:sales@e.com\">Report</a>", "Report (mailto:sales@e.com)"),
        ("HTTPS://E.COM", "<a href=\"HTTPS://E.COM\">Report</a>", "Report (HTTPS://E.COM)"),
        ("javascript:alert(1)", "Report", "Report"),
        ("JavaScript:alert(1)", "Report", "Report"),
        ("data:text/html,<script>", "Report", "Report"),
        ("ftp://e.com", "Report", "Report"),
        ("https://e.com/a b", "Report", "Report"),
        ("https://", "Report", "Report"),
        ("", "Report", "Report"),
    ])
    func linksOnlyForWebAndMail(url: String, html: String, body: String) {
        let part = Self.one(.paragraph(.link(title: "Report", url: url)))
        #expect(part.formattedBody == "<p>\(html)</p>")
        #expect(part.body == body)
    }

    @Test func linkWithoutTitleShowsItsAddressOnce() {
        let part = Self.one(.paragraph(.link(title: "", url: "https://e.com")))
        #expect(part.formattedBody == "<p><a href=\"https://e.com\">https://e.com</a></p>")
        #expect(part.body == "https://e.com")
    }

    /// Every broadcast word, any case, at the start, after punctuation, across runs: a word joiner follows the
    /// `@`, in both outputs, and the text reads the same once the joiner is taken out.
    @Test(arguments: [
        ([Inline.text("@room")], "@\u{2060}room"),
        ([.text("hi @ROOM, @Channel; @here! @Everyone (@all)")],
         "hi @\u{2060}ROOM, @\u{2060}Channel; @\u{2060}here! @\u{2060}Everyone (@\u{2060}all)"),
        ([.text("line\n@here")], "line\n@\u{2060}here"),
        ([.text("(@everyone)")], "(@\u{2060}everyone)"),
        ([.code("@all")], "@\u{2060}all"),
        ([.code("@room\n  @All")], "@\u{2060}room\n  @\u{2060}All"),
        ([.text("@"), .bold([.text("room")])], "@\u{2060}room"),
        ([.text("@ro"), .text("om")], "@\u{2060}room"),
        ([.text("ping @"), .mention(id: "@x:example.org", name: "channel")], "ping @\u{2060}channel"),
        ([.mention(id: "U1", name: "@everyone")], "@\u{2060}everyone"),
        ([.link(title: "@here", url: "https://e.com")], "@\u{2060}here (https://e.com)"),
        ([.link(title: "x", url: "https://e.com/@room")], "x (https://e.com/@\u{2060}room)"),
    ])
    func defusesBroadcastMentions(inlines: [Inline], body: String) {
        let part = Self.one(RichText([.paragraph(inlines)]))
        #expect(part.body == body)
        #expect(MatrixHTML.text(part.formattedBody) == body)
        // Readable: the only change is the joiner, an invisible format character (it draws nothing).
        #expect(part.body.replacing("\u{2060}", with: "") == body.replacing("\u{2060}", with: ""))
        #expect(Unicode.Scalar(0x2060)!.properties.generalCategory == .format)
        for word in ["room", "channel", "here", "everyone", "all"] {
            #expect(!part.body.lowercased().contains("@" + word))
            #expect(!part.formattedBody.replacing(/<[^>]*>/, with: "").lowercased().contains("@" + word))
        }
    }

    /// Not broadcasts: left alone.
    @Test(arguments: ["@roommate", "@allison", "@sam", "＠room", "@\u{2060}room", "room@", "@ room"])
    func leavesOtherAtSignsAlone(text: String) {
        #expect(Self.one(.paragraph(.text(text))).body == text)
    }

    /// As in `MarkdownRenderer`: the word after any `@` counts, so an address at a host named `here` gets the
    /// invisible joiner too (it still reads the same).
    @Test func defusesTheWordInAddressesToo() {
        #expect(Self.one(.paragraph(.text("a@here.de"))).body == "a@\u{2060}here.de")
    }

    @Test(arguments: [
        ("@sam:example.org", "Sam", "<a href=\"https://matrix.to/#/@sam:example.org\">Sam</a>", ["@sam:example.org"]),
        ("@sam:example.org", "", "<a href=\"https://matrix.to/#/@sam:example.org\">@sam:example.org</a>", ["@sam:example.org"]),
        ("@a.b_c=d-e/f+g:matrix.example.org:8448", "A", "<a href=\"https://matrix.to/#/@a.b_c=d-e/f+g:matrix.example.org:8448\">A</a>",
         ["@a.b_c=d-e/f+g:matrix.example.org:8448"]),
        ("@tandem:example.org", "Tandem", "Tandem", []),
        ("U024BE7LH", "Sam", "Sam", []),
        ("@sam", "Sam", "Sam", []),
        ("@s\"><script>:x.org", "Sam", "Sam", []),
        ("@sam:example.org/../x?y", "Sam", "Sam", []),
        ("@sam:exämple.org", "Sam", "Sam", []),
    ])
    func pillsMatrixUsers(id: String, name: String, html: String, mentions: [String]) {
        let part = Self.one(.paragraph(.text("to "), .mention(id: id, name: name)))
        #expect(part.formattedBody == "<p>to \(html)</p>")
        #expect(part.body == "to " + (name.isEmpty ? id : name))
        #expect(part.mentionedUserIDs == mentions)
    }

    @Test func mentionsAreListedOnceInOrder() {
        let sam = MatrixRenderer.pill(userID: "@sam:example.org", name: "Sam")
        let ana = MatrixRenderer.pill(userID: "@ana:example.org", name: "Ana")
        let part = Self.one(RichText([.paragraph([ana, .text(", "), sam]), .bullets([[sam], [.bold([ana])]])]))
        #expect(part.mentionedUserIDs == ["@ana:example.org", "@sam:example.org"])
    }

    /// Nothing to show, nothing to send: the transport sends no event rather than an empty notice.
    @Test(arguments: [
        RichText(), RichText([.paragraph([])]), RichText.paragraph(.text("")), RichText([.bullets([])]),
        RichText([.paragraph([.bold([])]), .paragraph([.link(title: "", url: "javascript:x")])]),
    ])
    func emptyRepliesHaveNoParts(text: RichText) {
        #expect(Self.renderer.render(text) == [])
    }

    /// A blank line is content: it renders, as a line break.
    @Test func lineBreakAloneIsAPart() {
        #expect(Self.one(.paragraph(.text("\n"))) == MatrixMessage(body: "\n", formattedBody: "<p><br></p>", mentionedUserIDs: []))
    }

    @Test func renderingIsDeterministic() {
        var g = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let text = MatrixRendererOracleTests.document(&g)
            #expect(MatrixRenderer(partLimit: 600).render(text) == MatrixRenderer(partLimit: 600).render(text))
        }
    }
}
