import TandemCore
import TandemTesting
import Testing

@testable import TandemChat

/// `MarkdownRenderer.render` writes into one string; the pieces-and-joins version it replaced is the oracle.
struct MarkdownRenderOracleTests {
    private static func oracle(_ text: RichText) -> String {
        text.blocks.map { block in
            switch block {
            case .paragraph(let inlines): oracle(inlines)
            case .bullets(let items): items.map { "- " + oracle($0) }.joined(separator: "\n")
            }
        }.joined(separator: "\n")
    }

    private static func oracle(_ inlines: [Inline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let s): MarkdownRenderer.escape(s)
            case .bold(let inner): "**" + oracle(inner) + "**"
            case .code(let s): "`" + MarkdownRenderer.defuseMentions(s.replacingAll("`", with: "'")) + "`"
            case .link(let title, let url):
                url.hasPrefix("https://") || url.hasPrefix("http://")
                    ? "[" + MarkdownRenderer.escape(title) + "](" + url.replacingAll(")", with: "%29").replacingAll(" ", with: "%20") + ")"
                    : MarkdownRenderer.escape(title)
            case .mention(let id, _): "@" + id
            }
        }.joined()
    }

    private static let words = ["", "plain", "*x*", "@channel", "a`b", "Grüße 🤝", "[l](u)", "x_y", "line\nbreak", " "]

    private static func inlines(_ g: inout SplitMix64, depth: Int) -> [Inline] {
        (0..<g.next(4)).map { _ in
            switch g.next(depth > 0 ? 5 : 4) {
            case 0: .text(words[g.next(words.count)])
            case 1: .code(words[g.next(words.count)])
            case 2: .link(title: words[g.next(words.count)], url: ["https://e.com/a b)", "http://x", "ftp://y", ""][g.next(4)])
            case 3: .mention(id: words[g.next(words.count)], name: "N")
            default: .bold(inlines(&g, depth: depth - 1))
            }
        }
    }

    @Test func rendersWhatThePiecesJoinedRendered() {
        var g = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2_000 {
            let blocks: [Block] = (0..<g.next(4)).map { _ in
                g.next(2) == 0
                    ? .paragraph(Self.inlines(&g, depth: 2))
                    : .bullets((0..<g.next(3)).map { _ in Self.inlines(&g, depth: 2) })
            }
            let text = RichText(blocks)
            #expect(MarkdownRenderer.render(text) == Self.oracle(text))
        }
    }
}
