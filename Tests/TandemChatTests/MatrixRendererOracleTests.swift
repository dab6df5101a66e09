import TandemCore
import TandemTesting
import Testing

@testable import TandemChat

/// Reads back what `MatrixRenderer` wrote: checks the HTML's shape and turns it into the text a plain client
/// should show, by the documented differences only.
enum MatrixHTML {
    static let allowed: Set<String> = ["p", "br", "b", "code", "pre", "a", "ul", "li"]

    /// Nil when every tag is allowed, every element closed in order, every `&` starts one of our entities and no
    /// `<`/`>` stands outside a tag; else what is wrong.
    static func problem(_ html: String) -> String? {
        // By scalars, as an HTML parser reads: a combining mark after `>` must not hide the tag's end.
        var stack: [String] = []
        var rest = Substring(html).unicodeScalars
        while let i = rest.firstIndex(where: { $0 == "<" || $0 == ">" || $0 == "&" }) {
            let tail = rest[i...]
            if tail.first == ">" { return "stray > in \(String(tail.prefix(20)))" }
            if tail.first == "&" {
                guard let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].first(where: { tail.starts(with: $0.unicodeScalars) })
                else { return "bad entity at \(String(tail.prefix(10)))" }
                rest = tail.dropFirst(entity.unicodeScalars.count)
                continue
            }
            guard let end = tail.firstIndex(of: ">") else { return "unclosed tag" }
            let tag = String(tail[tail.index(after: i)..<end])
            rest = tail[tail.index(after: end)...]
            let closing = tag.hasPrefix("/")
            let name = String((closing ? tag.dropFirst() : Substring(tag)).prefix { $0.isLetter })
            guard allowed.contains(name) else { return "tag \(name) not allowed" }
            if name == "a", !closing {
                guard tag.hasPrefix("a href=\""), tag.hasSuffix("\""), !tag.dropFirst(8).dropLast().contains("\"") else {
                    return "bad anchor \(tag)"
                }
            }
            if name == "br" { continue }
            if closing {
                guard stack.popLast() == name else { return "</\(name)> closes nothing open" }
            } else {
                stack.append(name)
            }
        }
        return stack.isEmpty ? nil : "left open: \(stack)"
    }

    static func decode(_ s: Substring) -> String {
        var out = String(s)
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacing(entity, with: char)
        }
        return out
    }

    /// The text of `html` as `body` shows it: tags stripped, entities decoded, and then these differences —
    /// a block (`p`, `pre`, `ul`) after another starts on a new line, `<br>` is a line break, each list item
    /// is a line that starts with `• `, a link shows `title (address)` (the address defused like text) unless the
    /// title is the address, and a pill (`matrix.to`) shows only its name.
    static func text(_ html: String) -> String {
        var out = ""
        var anchor: (href: String, text: String)?
        var firstItem = true
        var rest = Substring(html)
        func emit(_ s: String) { if anchor != nil { anchor!.text += s } else { out += s } }
        while let lt = rest.firstIndex(of: "<") {
            emit(decode(rest[..<lt]))
            let end = rest[lt...].firstIndex(of: ">")!
            let tag = rest[rest.index(after: lt)..<end]
            rest = rest[rest.index(after: end)...]
            switch tag {
            case "p", "pre":
                if !out.isEmpty { out += "\n" }
            case "ul":
                if !out.isEmpty { out += "\n" }
                firstItem = true
            case "li":
                if !firstItem { out += "\n" }
                out += "• "
                firstItem = false
            case "br": emit("\n")
            case "/a":
                let (href, title) = anchor!
                anchor = nil
                out += href.hasPrefix("https://matrix.to/#/") || href == title
                    ? title : title + " (" + MarkdownRenderer.defuseMentions(href) + ")"
            default:
                if tag.hasPrefix("a href=\"") { anchor = (decode(tag.dropFirst(8).dropLast()), "") }
            }
        }
        emit(decode(rest))
        return out
    }
}

/// For generated replies: `body` is exactly `MatrixHTML.text(formatted_body)`, the HTML is well formed, and the
/// pills are the mentions.
struct MatrixRendererOracleTests {
    private static let words = [
        "", "plain", "<script>alert(1)</script>", "a & b", "\"q' ", "@room", "@", "Room", "everyone!", "Grüße 🤝",
        "line\nbreak", "cr\r\nlf", " ", "</pre></code>", "&amp;", "@Channel: hi", "x@here",
    ]
    private static let urls = [
        "https://e.com/a?b=1&c=<2>", "http://x", "mailto:a@b.de", "javascript:alert(1)", "", "ftp://y",
        "https://e.com/a b", "HTTPS://E.COM/\"'",
    ]
    private static let ids = ["@sam:example.org", "@bot:example.org", "U123", "@room:example.org", "<@x>", ""]

    private static func inlines(_ g: inout SplitMix64, depth: Int) -> [Inline] {
        InlineTables(words: words, urls: urls, ids: ids).inlines(&g, depth: depth)
    }

    static func document(_ g: inout SplitMix64) -> RichText {
        RichText((0..<g.next(5)).map { _ in
            switch g.next(5) {
            case 0: .paragraph([.code(["a\nb", "\n", "<x>\n  & y", "@room\n@all"][g.next(4)])])
            case 1, 2: .paragraph(inlines(&g, depth: 2))
            default: .bullets((0..<g.next(4)).map { _ in inlines(&g, depth: 2) })
            }
        })
    }

    @Test func bodyIsTheTextOfTheHTML() {
        var g = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        let renderer = MatrixRenderer(partLimit: .max, ownUserID: "@bot:example.org")
        for _ in 0..<3_000 {
            let text = Self.document(&g)
            let parts = renderer.render(text)
            #expect(parts.count <= 1)
            guard let part = parts.first else { continue }
            #expect(MatrixHTML.problem(part.formattedBody) == nil, "\(text)")
            #expect(MatrixHTML.text(part.formattedBody) == part.body, "\(text)")
            #expect(renderer.render(text) == parts)
            let pills = part.formattedBody.split(separator: "href=\"https://matrix.to/#/").dropFirst()
                .map { String($0.prefix { $0 != "\"" }) }
            #expect(part.mentionedUserIDs == pills.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
            #expect(!part.mentionedUserIDs.contains("@bot:example.org"))
        }
    }

    /// Split at any limit, the parts are each well formed and within the limit, and together hold the same text.
    @Test(arguments: [512, 700, 2_048])
    func partsHoldTheWholeText(limit: Int) {
        var g = SplitMix64(seed: 0x0123_4567_89AB_CDEF)
        let whole = MatrixRenderer(partLimit: .max)
        let split = MatrixRenderer(partLimit: limit)
        for _ in 0..<300 {
            // Long enough to need several parts.
            var text = RichText()
            for _ in 0..<8 { text.add(contentsOf: Self.document(&g)) }
            let parts = split.render(text)
            for part in parts {
                #expect(part.body.utf8.count + part.formattedBody.utf8.count <= limit)
                #expect(MatrixHTML.problem(part.formattedBody) == nil)
            }
            // Each piece of a cut link shows its address in the body; the addresses aside, the text is the same.
            let strip = { (s: String) in
                Self.urls.reduce(s) { $0.replacing(" (" + MarkdownRenderer.defuseMentions($1) + ")", with: "") }
                    .filter { !$0.isNewline && $0 != "•" && $0 != " " }
            }
            #expect(strip(parts.map(\.body).joined()) == strip(whole.render(text).first?.body ?? ""))
        }
    }
}
