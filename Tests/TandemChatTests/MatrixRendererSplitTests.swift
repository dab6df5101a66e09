import Foundation
import TandemCore
import Testing

@testable import TandemChat

/// Long replies: parts within the limit, each valid alone, in order, cut only at lines or between characters.
struct MatrixRendererSplitTests {
    private static func size(_ part: MatrixMessage) -> Int { part.body.utf8.count + part.formattedBody.utf8.count }

    private static func checkParts(_ parts: [MatrixMessage], limit: Int) {
        for part in parts {
            #expect(size(part) <= limit)
            #expect(MatrixHTML.problem(part.formattedBody) == nil)
            #expect(!part.body.isEmpty)
        }
    }

    @Test(arguments: [512, 4_000, MatrixRenderer.defaultPartLimit])
    func twoThousandLinesSplitAtLines(limit: Int) {
        let lines = (1...2_000).map { "Lead \($0): <Acme & Söhne> @room" }
        let renderer = MatrixRenderer(partLimit: limit)
        for text in [
            RichText(lines.map { .paragraph([.bold([.text("#")]), .text($0)]) }),
            RichText([.bullets(lines.map { [.text($0)] })]),
            RichText.paragraph(.text(lines.joined(separator: "\n"))),
        ] {
            let parts = renderer.render(text)
            Self.checkParts(parts, limit: limit)
            #expect(parts.count > 1)
            // Cut only between lines: the bodies, joined by line breaks, are the whole body.
            let whole = MatrixRenderer(partLimit: .max).render(text)
            #expect(parts.map(\.body).joined(separator: "\n") == whole[0].body)
            #expect(parts.allSatisfy { !$0.body.hasPrefix("\n") && !$0.body.hasSuffix("\n") })
        }
    }

    @Test func defaultLimitLeavesRoomBelowTheEventLimit() {
        #expect(MatrixRenderer().partLimit * 3 < 65_536)
        #expect(MatrixRenderer(partLimit: 10).partLimit == MatrixRenderer.minimumPartLimit)
    }

    @Test(arguments: [512, 3_000])
    func hugeCodeBlockIsClosedAndReopened(limit: Int) {
        let code = (1...3_000).map { "    if a < b && c > \"d\" { return '</pre>' } // \($0)" }.joined(separator: "\n")
        let parts = MatrixRenderer(partLimit: limit).render(.paragraph(.code(code)))
        Self.checkParts(parts, limit: limit)
        #expect(parts.count > 10)
        for part in parts {
            #expect(part.formattedBody.hasPrefix("<pre><code>"))
            #expect(part.formattedBody.hasSuffix("</code></pre>"))
        }
        #expect(parts.map(\.body).joined(separator: "\n") == code)
        #expect(parts.map { MatrixHTML.text($0.formattedBody) } == parts.map(\.body))
    }

    /// One line far past the limit, with multi-byte scalars, flags and combined letters at every possible cut:
    /// pieces are whole characters and join back to the line.
    @Test(arguments: ["é", "🤝", "🇩🇪", "e\u{301}", "ü&<", "ab"], [512, 1_000])
    func longLineCutsBetweenCharacters(unit: String, limit: Int) {
        let line = String(repeating: unit + "x", count: 5_000)
        for inline in [Inline.text(line), .bold([.text(line)]), .code(line)] {
            let parts = MatrixRenderer(partLimit: limit).render(.paragraph(inline))
            Self.checkParts(parts, limit: limit)
            #expect(parts.map(\.body).joined() == line)
            for part in parts {
                // Whole characters at both ends: no half flag, no accent without its letter.
                #expect(Set(unit + "x").contains(part.body.first!) && Set(unit + "x").contains(part.body.last!))
                #expect(MatrixHTML.text(part.formattedBody) == part.body)
            }
        }
    }

    /// A grapheme of thousands of combining marks is larger than a part: it is cut between scalars.
    @Test func oversizedGraphemeStillFits() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 2_000)
        let parts = MatrixRenderer(partLimit: 512).render(.paragraph(.text(zalgo)))
        Self.checkParts(parts, limit: 512)
        #expect(parts.map(\.body).joined() == zalgo)
    }

    /// A long line with links and pills: an address too long to repeat is dropped to its title, pills keep their
    /// ids in the part that shows them.
    @Test func longLineWithLinksAndPills() {
        let sam = Inline.mention(id: "@sam:example.org", name: "Sam")
        let inlines = (0..<400).flatMap { n -> [Inline] in
            [.text("item \(n) "), .link(title: "doc", url: "https://e.com/\(n)"), .text(" for "), n == 399 ? sam : .text("x ")]
        }
        let parts = MatrixRenderer(partLimit: 512).render(RichText([.paragraph(inlines)]))
        Self.checkParts(parts, limit: 512)
        #expect(parts.last?.mentionedUserIDs == ["@sam:example.org"])
        #expect(parts.dropLast().allSatisfy { $0.mentionedUserIDs.isEmpty })
        let longURL = "https://e.com/" + String(repeating: "a", count: 2_000)
        let dropped = MatrixRenderer(partLimit: 512).render(.paragraph(.link(title: "Report", url: longURL)))
        Self.checkParts(dropped, limit: 512)
        #expect(dropped.map(\.body).joined() == "Report")
    }

    /// Control characters grow sixfold in JSON (`\u0001`): the limit holds for the encoded text, as sent.
    @Test(arguments: ["\u{1}", "\u{7}/", "\\\"", "\t"])
    func limitCountsJSONEscapes(unit: String) throws {
        let parts = MatrixRenderer(partLimit: 1_000).render(.paragraph(.text(String(repeating: unit, count: 3_000))))
        #expect(parts.count > 1)
        for part in parts {
            let json = try JSONEncoder().encode([part.body, part.formattedBody])
            #expect(json.count - #"["",""]"#.utf8.count <= 1_000)
            #expect(MatrixHTML.problem(part.formattedBody) == nil)
        }
    }
}
