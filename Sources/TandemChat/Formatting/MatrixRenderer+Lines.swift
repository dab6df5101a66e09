import TandemCore

/// The reply flattened into lines of styled runs: the unit the splitter packs, and the only shape the HTML and
/// plain writers know, so `body` and `formatted_body` cannot drift apart.
extension MatrixRenderer {
    /// Where a line belongs. Consecutive lines with the same container render inside one element.
    enum Container: Equatable {
        case paragraph(block: Int)
        case pre(block: Int)
        case item(block: Int, item: Int)
    }

    /// A piece of visible text with its style. `text` is what both outputs show (a link's title, a pill's name).
    struct Run: Equatable {
        enum Target: Equatable {
            case none
            case link(url: String)
            case mention(userID: String)
        }
        var text: String
        var bold = false
        var code = false
        var target = Target.none
    }

    struct Line {
        var container: Container
        var runs: [Run]
        /// The first line of a list item: the plain body shows its bullet.
        var startsItem = false
        /// A piece of an over-long line: never packed after its predecessor, so it needs no separator.
        var continuesLine = false
    }

    func lines(of text: RichText) -> [Line] {
        var lines: [Line] = []
        for (b, block) in text.blocks.enumerated() {
            switch block {
            case .paragraph(let inlines):
                // A lone multi-line code span is a code block: `<pre>` keeps its line breaks and indentation.
                if inlines.count == 1, case .code(let code) = inlines[0], code.contains(where: \.isNewline) {
                    for line in Self.splitNewlines(code) {
                        lines.append(Line(container: .pre(block: b), runs: Self.defused([Run(text: String(line), code: true)])))
                    }
                    continue
                }
                let runLines = self.runLines(inlines)
                // A paragraph that shows nothing, not even a line break, is left out rather than sent blank.
                if runLines.count == 1, runLines[0].allSatisfy(\.text.isEmpty) { continue }
                for runs in runLines {
                    lines.append(Line(container: .paragraph(block: b), runs: runs))
                }
            case .bullets(let items):
                for (i, item) in items.enumerated() {
                    for (n, runs) in self.runLines(item).enumerated() {
                        lines.append(Line(container: .item(block: b, item: i), runs: runs, startsItem: n == 0))
                    }
                }
            }
        }
        return lines
    }

    static func splitNewlines(_ s: String) -> [Substring] {
        s.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// Inline trees into lines of flat runs; bold nesting collapses, as HTML `<b><b>` shows no more than `<b>`.
    private func runLines(_ inlines: [Inline]) -> [[Run]] {
        var lines: [[Run]] = [[]]
        func add(_ inlines: [Inline], bold: Bool) {
            for inline in inlines {
                switch inline {
                case .text(let s), .code(let s):
                    let code: Bool = if case .code = inline { true } else { false }
                    for (n, piece) in Self.splitNewlines(s).enumerated() {
                        if n > 0 { lines.append([]) }
                        if !piece.isEmpty { lines[lines.count - 1].append(Run(text: String(piece), bold: bold, code: code)) }
                    }
                case .bold(let inner): add(inner, bold: true)
                case .link(let title, let url):
                    let title = Self.oneLine(title)
                    if Self.isAllowedLink(url) {
                        lines[lines.count - 1].append(Run(text: title.isEmpty ? url : title, bold: bold, target: .link(url: url)))
                    } else if !title.isEmpty {
                        lines[lines.count - 1].append(Run(text: title, bold: bold))
                    }
                case .mention(let id, let name):
                    let name = Self.oneLine(name).isEmpty ? Self.oneLine(id) : Self.oneLine(name)
                    let pill = Self.isUserID(id) && id != ownUserID
                    lines[lines.count - 1].append(Run(text: name, bold: bold, target: pill ? .mention(userID: id) : .none))
                }
            }
        }
        add(inlines, bold: false)
        return lines.map(Self.defused)
    }

    /// Titles and names are one line: a break inside a link would split it across lines or parts.
    private static func oneLine(_ s: String) -> String {
        guard s.contains(where: \.isNewline) else { return s }
        return splitNewlines(s).joined(separator: " ")
    }

    /// Only schemes that open a page or a mail client; `javascript:`, `data:` and the rest stay text.
    static func isAllowedLink(_ url: String) -> Bool {
        let lower = url.lowercased()
        let schemes = ["https://", "http://", "mailto:"]
        return schemes.contains { lower.hasPrefix($0) && lower.count > $0.count }
            && !url.contains { $0.isWhitespace || $0.isNewline }
    }

    /// `@localpart:server` from the characters user ids and server names use: such an id is safe inside the
    /// `matrix.to` href without further encoding, and anything else (a Slack id, a name) is not a Matrix user.
    static func isUserID(_ id: String) -> Bool {
        guard id.utf8.count <= 255, id.first == "@", let colon = id.firstIndex(of: ":") else { return false }
        let local = id[id.index(after: id.startIndex)..<colon]
        let server = id[id.index(after: colon)...]
        func allowed(_ s: Substring, _ extra: String) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || extra.unicodeScalars.contains($0)) }
        }
        return allowed(local, "._=-/+") && allowed(server, ".-:[]")
    }

    /// Defuses broadcast mentions across the runs of one line with `MarkdownRenderer.defuseMentions`, so that
    /// `@` in one run and `room` in the next (bold, a pill's name) are caught too; each inserted joiner goes to
    /// the run that holds its `@`. Lines need no joint pass: a line break ends the word after an `@`.
    static func defused(_ runs: [Run]) -> [Run] {
        let visible = runs.map(\.text).joined()
        guard visible.utf8.contains(UInt8(ascii: "@")) else { return runs }
        let original = Array(visible.unicodeScalars)
        let defused = Array(MarkdownRenderer.defuseMentions(visible).unicodeScalars)
        var i = 0, j = 0
        return runs.map { run in
            var text = String.UnicodeScalarView()
            for _ in run.text.unicodeScalars {
                text.append(defused[j])
                i += 1
                j += 1
                // Defusing only inserts (a joiner right after an `@`), so the first mismatch is an insertion.
                if j < defused.count, i == original.count || defused[j] != original[i] {
                    text.append(defused[j])
                    j += 1
                }
            }
            var out = run
            out.text = String(text)
            return out
        }
    }
}
