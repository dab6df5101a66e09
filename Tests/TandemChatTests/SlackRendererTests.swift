import TandemCore
import TandemTesting
import Testing

@testable import TandemChat

/// Reads back what `SlackRenderer` wrote.
enum SlackMrkdwn {
    /// The contents of the `<…>` tokens, in order; nil when a `<` or `>` stands outside a token, a token is not
    /// closed, or an `&` starts anything but `&amp;`, `&lt;`, `&gt;`.
    static func tokens(_ s: String) -> [String]? {
        var tokens: [String] = []
        var rest = Substring(s).unicodeScalars
        while let i = rest.firstIndex(where: { $0 == "<" || $0 == ">" || $0 == "&" }) {
            let tail = rest[i...]
            switch tail.first {
            case ">": return nil
            case "&":
                guard let entity = ["&amp;", "&lt;", "&gt;"].first(where: { tail.starts(with: $0.unicodeScalars) }) else { return nil }
                rest = tail.dropFirst(entity.unicodeScalars.count)
            default:
                let inner = tail.dropFirst()
                guard let end = inner.firstIndex(where: { $0 == ">" }), !inner[..<end].contains("<") else { return nil }
                tokens.append(String(String.UnicodeScalarView(inner[..<end])))
                rest = inner[inner.index(after: end)...]
            }
        }
        return tokens
    }

    /// `s` with a space for each `<…>` token.
    static func outsideTokens(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let lt = rest.firstIndex(of: "<"), let gt = rest[lt...].firstIndex(of: ">") {
            out += rest[..<lt] + " "
            rest = rest[rest.index(after: gt)...]
        }
        return out + rest
    }

    static func unescape(_ s: some StringProtocol) -> String {
        String(s).replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }

    /// What a reader sees, markup aside: tokens as their title (a link) or `@ID` (a user), entities decoded, the
    /// joiners of defused mentions and the stand-ins for `` ` `` and `|` turned back. `*` and `` ` `` markers stay.
    static func visible(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let lt = rest.firstIndex(of: "<") {
            out += unescape(rest[..<lt])
            let end = rest[lt...].firstIndex(of: ">")!
            let token = rest[rest.index(after: lt)..<end]
            if token.hasPrefix("@") {
                out += token
            } else if let bar = token.firstIndex(of: "|") {
                out += unescape(token[token.index(after: bar)...])
            } else {
                out += unescape(token).replacing("%7C", with: "|").replacing("%3C", with: "<").replacing("%3E", with: ">")
            }
            rest = rest[rest.index(after: end)...]
        }
        out += unescape(rest)
        return out.replacing("\u{2060}", with: "").replacing("\u{2CB}", with: "`").replacing("\u{2223}", with: "|")
    }
}

/// What one reply renders to: escaping, links, mentions, broadcast mentions, empty input.
struct SlackRendererTests {
    private static func one(_ text: RichText) -> String {
        let parts = SlackRenderer().render(text)
        #expect(parts.count == 1)
        #expect(SlackRenderer.render(text) == parts.first ?? "")
        return parts.first ?? ""
    }

    @Test(arguments: [
        (RichText.paragraph(.text("Launch")), "Launch"),
        (.paragraph(.bold([.text("Q3")]), .text(" "), .code("c-1")), "*Q3* `c-1`"),
        (.paragraph(.bold([.text("Offer: ")]), .text("25 %")), "*Offer:* 25 %"),
        (.paragraph(.bold([.text("a"), .bold([.text("b")]), .code("c")])), "*ab`c`*"),
        (.paragraph(.text("x"), .bold([]), .bold([.text("")]), .bold([.text(" ")]), .text("y")), "x y"),
        (RichText([.paragraph([.text("a")]), .bullets([[.text("x")], [.text("y\nz")]]), .paragraph([.text("b")])]),
         "a\n• x\n• y\nz\nb"),
        (.paragraph(.text("one\r\ntwo")), "one\ntwo"),
        (.paragraph(.code("a`b``")), "`a\u{2CB}b\u{2CB}\u{2CB}`"),
        (.paragraph(.text("Tom & Jerry's \"Best\" *x* _y_ ~z~ \\ #1")), "Tom &amp; Jerry's \"Best\" *x* _y_ ~z~ \\ #1"),
        (.paragraph(.text("a < b > c &amp;")), "a &lt; b &gt; c &amp;amp;"),
        (.paragraph(.code("if a < b && c > d {}")), "`if a &lt; b &amp;&amp; c &gt; d {}`"),
        (.paragraph(.bold([.text("<b>")])), "*&lt;b&gt;*"),
        (.paragraph(.text("Grüße 🤝 <ü>")), "Grüße 🤝 &lt;ü&gt;"),
    ])
    func rendersAndEscapes(text: RichText, expected: String) {
        #expect(Self.one(text) == expected)
    }

    /// Tokens a user types are text: their `<` and `>` are entities, so Slack sees no token.
    @Test(arguments: [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<!subteam^S123|@team>", "&lt;!subteam^S123|@team&gt;"),
        ("<@U123> hi", "&lt;@U123&gt; hi"),
        ("<https://evil.example|Your bank>", "&lt;https://evil.example|Your bank&gt;"),
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
    ])
    func typedTokensStayText(input: String, expected: String) {
        for (inline, wrap) in [(Inline.text(input), { (s: String) in s }), (.bold([.text(input)]), { "*\($0)*" }), (.code(input), { "`\($0)`" })] {
            let out = Self.one(.paragraph(inline))
            #expect(out == wrap(expected))
            #expect(SlackMrkdwn.tokens(out) == [])
            #expect(SlackMrkdwn.visible(out) == wrap(input))
        }
    }

    @Test(arguments: ["@channel", "@here", "@everyone", "@all", "@room", "hey @Channel!", "@Here", "x@EVERYONE."])
    func broadcastMentionsAreDefused(input: String) {
        for inline in [Inline.text(input), .bold([.text(input)]), .code(input), .mention(id: "sam", name: String(input.dropFirst()))] {
            let out = Self.one(.paragraph(inline))
            #expect(out.contains("@\u{2060}"))
            let plain = out.lowercased()
            #expect(!["@channel", "@here", "@everyone", "@all", "@room"].contains { plain.contains($0) })
        }
    }

    /// `@` in one run, the word in the next (bold, a mention's name, a link's title).
    @Test(arguments: [Inline.bold([.text("channel")]), .code("Here!"), .bold([.code("everyone")]), .text("all")])
    func broadcastMentionsAcrossRunsAreDefused(next: Inline) {
        let out = Self.one(.paragraph(.text("hi @"), next))
        #expect(out.hasPrefix("hi @\u{2060}"))
        #expect(SlackMrkdwn.visible(out).hasPrefix("hi @"))
    }

    @Test(arguments: [
        ("U012AB3CD", "Sam", "<@U012AB3CD>"),
        ("W012AB3CD", "Sam", "<@W012AB3CD>"),
        ("u012ab3cd", "Sam", "@Sam"),
        ("U1", "Sam", "@Sam"),
        ("U012AB3CD>", "Sam", "@Sam"),
        ("@sam:example.org", "Sam <x>", "@Sam &lt;x&gt;"),
        ("sam", "", "@sam"),
        ("!channel", "channel", "@\u{2060}channel"),
        ("B012AB3CD", "Bot", "@Bot"),
    ])
    func mentions(id: String, name: String, expected: String) {
        let out = Self.one(.paragraph(.text("hi "), .mention(id: id, name: name)))
        #expect(out == "hi " + expected)
        #expect(SlackRenderer.isUserID(id) == expected.hasPrefix("<@"))
    }

    @Test(arguments: [
        ("https://e.com/a?x=1&y=2", "Report", "<https://e.com/a?x=1&amp;y=2|Report>"),
        ("http://e.com", "R & D <1>", "<http://e.com|R &amp; D &lt;1&gt;>"),
        ("mailto:sales@e.com", "Mail", "<mailto:sales@e.com|Mail>"),
        ("HTTPS://E.COM", "", "<HTTPS://E.COM>"),
        ("https://e.com/a|b", "x", "<https://e.com/a%7Cb|x>"),
        ("https://e.com/>x<!channel>", "x", "<https://e.com/%3Ex%3C!channel%3E|x>"),
        ("https://e.com", "a|b>|<!here>", "<https://e.com|a\u{2223}b&gt;\u{2223}&lt;!here&gt;>"),
        ("https://e.com", "@channel", "<https://e.com|@\u{2060}channel>"),
        ("https://e.com", "two\nlines", "<https://e.com|two lines>"),
        ("javascript:alert(1)", "Report", "Report"),
        ("JavaScript:alert(1)", "<!channel>", "&lt;!channel&gt;"),
        ("data:text/html,<script>", "Report", "Report"),
        ("https://", "Report", "Report"),
        ("https://e.com/a b", "Report", "Report"),
    ])
    func links(url: String, title: String, expected: String) {
        let out = Self.one(.paragraph(.text("see "), .link(title: title, url: url)))
        #expect(out == "see " + expected)
        let tokens = SlackMrkdwn.tokens(out)
        #expect(tokens?.count == (expected.hasPrefix("<") ? 1 : 0))
        #expect(tokens?.allSatisfy { $0.filter { $0 == "|" }.count <= 1 } == true)
    }

    @Test func boldLinksAndMentions() {
        let text = RichText([
            .paragraph([.bold([.text("Deck: "), .link(title: "v2", url: "https://e.com/d.pdf")]), .text(" for "),
                        .mention(id: "U012AB3CD", name: "Sam")]),
            .bullets([[.code("YEAREND25")], [.bold([.mention(id: "U0G9QF9C6", name: "Ann")])], []]),
        ])
        #expect(Self.one(text) == "*Deck: <https://e.com/d.pdf|v2>* for <@U012AB3CD>\n• `YEAREND25`\n• *<@U0G9QF9C6>*\n• ")
    }

    @Test(arguments: [
        RichText(), RichText([.paragraph([])]), .paragraph(.text("")), .paragraph(.bold([.text("")])),
        .paragraph(.text("\n\n")), .paragraph(.text("  ")), .paragraph(.link(title: "", url: "javascript:x")),
        RichText([.bullets([])]), RichText([.paragraph([]), .paragraph([.code("")])]),
    ])
    func noVisibleContentNoParts(text: RichText) {
        #expect(SlackRenderer().render(text) == [])
        #expect(SlackRenderer.render(text) == "")
    }

    @Test func escapeIsOnlyTheThreeControlCharacters() {
        let ascii = String(String.UnicodeScalarView((UInt32(0x20)..<0x7F).compactMap(Unicode.Scalar.init)))
        let escaped = SlackRenderer.escape(ascii)
        #expect(escaped == ascii.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;"))
        #expect(SlackRenderer.escape("@here & <@U1>") == "@\u{2060}here &amp; &lt;@U1&gt;")
    }
}

/// Long replies: parts within the limit, cut at lines, or between characters and never inside a token or entity.
struct SlackRendererSplitTests {
    private static func check(_ parts: [String], limit: Int) {
        for part in parts {
            #expect(part.utf16.count <= limit)
            #expect(SlackMrkdwn.tokens(part) != nil, "\(part.suffix(30))")
            #expect(part.contains { !$0.isWhitespace })
        }
    }

    @Test(arguments: [100, 1_000, SlackRenderer.defaultPartLimit])
    func manyLinesSplitAtLines(limit: Int) {
        let lines = (1...1_500).map { "Lead \($0): <Acme & Söhne> @here" }
        let renderer = SlackRenderer(partLimit: limit)
        for text in [
            RichText(lines.map { .paragraph([.bold([.text("#")]), .text($0), .mention(id: "U012AB3CD", name: "S")]) }),
            RichText([.bullets(lines.map { [.text($0), .link(title: "doc", url: "https://e.com/?a=1&b=2")] })]),
            RichText.paragraph(.text(lines.joined(separator: "\n"))),
        ] {
            let parts = renderer.render(text)
            Self.check(parts, limit: limit)
            #expect(parts.count > 1)
            // Cut only between lines: the parts, joined by line breaks, are the whole.
            #expect(parts.joined(separator: "\n") == SlackRenderer.render(text))
            #expect(parts.allSatisfy { !$0.hasPrefix("\n") && !$0.hasSuffix("\n") })
            // Packed: no part would have taken the next one's first line.
            for (a, b) in zip(parts, parts.dropFirst()) {
                #expect(a.utf16.count + 1 + b.prefix { $0 != "\n" }.utf16.count > limit)
            }
        }
    }

    /// One line far past the limit, with entities, multi-unit characters and tokens at every possible cut.
    @Test(arguments: ["&", "<>", "🤝", "🇩🇪", "e\u{301}", "ab"], [100, 333])
    func longLineCutsBetweenCharacters(unit: String, limit: Int) {
        let line = String(repeating: unit + "x", count: 2_000)
        for inline in [Inline.text(line), .bold([.text(line)]), .code(line)] {
            let parts = SlackRenderer(partLimit: limit).render(.paragraph(inline))
            Self.check(parts, limit: limit)
            #expect(parts.count > 10)
            #expect(parts.map(SlackMrkdwn.visible).joined().filter { $0 != "*" && $0 != "`" } == line)
            for part in parts {
                #expect(!part.hasSuffix("&") && !part.hasSuffix("&amp") && !part.hasPrefix("amp;") && !part.hasPrefix(";"))
                let visible = SlackMrkdwn.visible(part).filter { $0 != "*" && $0 != "`" }
                #expect(Set(unit + "x").contains(visible.first!) && Set(unit + "x").contains(visible.last!))
            }
        }
    }

    @Test func longLineOfTokensKeepsThemWhole() {
        let inlines = (0..<300).flatMap { n -> [Inline] in
            [.text("item \(n) & "), .link(title: "doc <\(n)>", url: "https://e.com/\(n)?a&b"), .mention(id: "U012AB3CD", name: "S")]
        }
        let parts = SlackRenderer(partLimit: 100).render(RichText([.bullets([inlines])]))
        Self.check(parts, limit: 100)
        #expect(parts.first?.hasPrefix("• item 0 &amp; ") == true)
        let tokens = parts.flatMap { SlackMrkdwn.tokens($0) ?? [] }
        #expect(tokens.count == 600)
        #expect(tokens.filter { $0 == "@U012AB3CD" }.count == 300)
        #expect(tokens.last == "@U012AB3CD")
    }

    /// A link too long for any part shows as text, which can be cut; a huge grapheme is cut between scalars.
    @Test func oversizedTokenAndGrapheme() {
        let url = "https://e.com/" + String(repeating: "a", count: 500)
        let parts = SlackRenderer(partLimit: 100).render(.paragraph(.link(title: "Report", url: url)))
        Self.check(parts, limit: 100)
        #expect(parts.joined() == "Report (\(url))")
        let zalgo = "a" + String(repeating: "\u{301}", count: 2_000)
        let cut = SlackRenderer(partLimit: 100).render(.paragraph(.text(zalgo)))
        Self.check(cut, limit: 100)
        #expect(cut.joined() == zalgo)
        #expect(SlackRenderer(partLimit: 10).partLimit == SlackRenderer.minimumPartLimit)
    }
}

/// Generated replies full of hostile characters: only `.mention` of Slack ids pings, every part fits, and the
/// visible text is the input's.
struct SlackRendererOracleTests {
    private static let words = [
        "", "plain", "<!channel>", "<!here|here>", "<@U123>", "a & b", "\"q' ", "@channel", "@", "Here", "everyone!",
        "Grüße 🤝", "line\nbreak", " ", "&amp;", "`tick`", "a|b", "*star*", "x@here", ">", "<", "e\u{301}&",
    ]
    private static let urls = [
        "https://e.com/a?b=1&c=<2>", "http://x", "mailto:a@here.com", "javascript:alert(1)", "", "ftp://y",
        "https://e.com/|<!channel>", "HTTPS://E.COM/\"'",
    ]
    private static let ids = ["U012AB3CD", "W0G9QF9C6", "u123", "!channel", "<@U1>", "@sam:example.org", ""]

    private static func inlines(_ g: inout SplitMix64, depth: Int) -> [Inline] {
        InlineTables(words: words, urls: urls, ids: ids).inlines(&g, depth: depth)
    }

    static func document(_ g: inout SplitMix64) -> RichText {
        RichText((0..<g.next(5)).map { _ in
            g.next(3) == 0 ? .bullets((0..<g.next(4)).map { _ in inlines(&g, depth: 2) }) : .paragraph(inlines(&g, depth: 2))
        })
    }

    /// The input's visible characters by the documented rules, written independently of the renderer.
    static func expected(_ inlines: [Inline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let s), .code(let s): s
            case .bold(let inner): expected(inner)
            case .link(let title, let url): MatrixRenderer.isAllowedLink(url) ? (title.isEmpty ? url : title) : title
            case .mention(let id, let name): SlackRenderer.isUserID(id) ? "@" + id : "@" + (name.isEmpty ? id : name)
            }
        }.joined()
    }

    /// Markers, layout and whitespace aside.
    private static func essence(_ s: String) -> String {
        s.filter { !$0.isWhitespace && $0 != "*" && $0 != "`" && $0 != "•" }
    }

    @Test(arguments: [100, 400, 1_000_000])
    func hostileRepliesAreSafeAndWhole(limit: Int) {
        var g = SplitMix64(seed: 0x5EED_51AC_C0DE_0001)
        let renderer = SlackRenderer(partLimit: limit)
        for _ in 0..<600 {
            var text = RichText()
            for _ in 0..<4 { text.add(contentsOf: Self.document(&g)) }
            let slackIDs = Set(text.blocks.flatMap { block -> [[Inline]] in
                switch block {
                case .paragraph(let inlines): [inlines]
                case .bullets(let items): items
                }
            }.flatMap(Self.mentionIDs).filter(SlackRenderer.isUserID))
            let parts = renderer.render(text)
            for part in parts {
                #expect(part.utf16.count <= limit)
                guard let tokens = SlackMrkdwn.tokens(part) else {
                    Issue.record("malformed: \(part)")
                    continue
                }
                for token in tokens {
                    #expect(!token.hasPrefix("!"), "\(token)")
                    if token.hasPrefix("@") { #expect(slackIDs.contains(String(token.dropFirst())), "\(token)") }
                    else { #expect(["https://", "http://", "mailto:"].contains { token.lowercased().hasPrefix($0) }, "\(token)") }
                }
                // An `@` and then a broadcast word, markers aside, is a ping in clients that read plain `@here`.
                let words = SlackMrkdwn.outsideTokens(part).filter { $0 != "*" && $0 != "`" }.split(separator: "@").dropFirst()
                    .map { $0.prefix { $0.isLetter }.lowercased() }
                #expect(words.allSatisfy { !["channel", "here", "everyone", "all", "room"].contains($0) }, "\(part)")
            }
            // At these limits no link is too long for a part, so the visible text is the input's, in order.
            let all = text.blocks.map { block in
                switch block {
                case .paragraph(let inlines): Self.expected(inlines)
                case .bullets(let items): items.map(Self.expected).joined()
                }
            }.joined()
            #expect(Self.essence(parts.map(SlackMrkdwn.visible).joined()) == Self.essence(all), "\(text)")
        }
    }

    private static func mentionIDs(_ inlines: [Inline]) -> [String] {
        inlines.flatMap { inline -> [String] in
            switch inline {
            case .mention(let id, _): [id]
            case .bold(let inner): mentionIDs(inner)
            default: []
            }
        }
    }
}

extension SlackRendererSplitTests {
    /// `@channelx` is no broadcast word, but cut after `channel` it would end a part as one.
    @Test func cutExposingABroadcastWordDefusesIt() {
        for shift in 0..<12 {
            let line = String(repeating: "y", count: shift) + String(repeating: "@channelx ", count: 300)
            let parts = SlackRenderer(partLimit: 100).render(.paragraph(.text(line)))
            #expect(parts.allSatisfy { $0.utf16.count <= 100 && !$0.hasSuffix("@channel") })
            #expect(parts.joined().replacing("\u{2060}", with: "") == line)
        }
    }
}
