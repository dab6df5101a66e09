import TandemCore

/// The reply flattened into lines of styled runs, the unit the splitter packs, and the cutting of a line too long
/// for one part.
extension SlackRenderer {
    /// A piece of visible text with its style, the same as Matrix's: for a link `text` is its title (the url
    /// already safe inside `<…>`: percent-encoded and escaped), for a Slack user it is empty (Slack shows the name).
    typealias Run = MatrixRenderer.Run

    struct Line {
        var runs: [Run]
        /// The first line of a list item: it shows the bullet.
        var startsItem = false
    }

    func lines(of text: RichText) -> [Line] {
        var lines: [Line] = []
        for block in text.blocks {
            switch block {
            case .paragraph(let inlines):
                let runLines = self.runLines(inlines)
                // A paragraph that shows nothing, not even a line break, is left out rather than sent blank.
                if runLines.count == 1, runLines[0].isEmpty { continue }
                lines += runLines.map { Line(runs: $0) }
            case .bullets(let items):
                for item in items {
                    lines += self.runLines(item).enumerated().map { n, runs in Line(runs: runs, startsItem: n == 0) }
                }
            }
        }
        return lines
    }

    /// Inline trees into lines of flat runs, neighbours of the same style merged, then defused.
    private func runLines(_ inlines: [Inline]) -> [[Run]] {
        var lines: [[Run]] = [[]]
        func append(_ run: Run) {
            if run.target == .none, let last = lines[lines.count - 1].last, last.target == .none,
                last.bold == run.bold, last.code == run.code
            {
                lines[lines.count - 1][lines[lines.count - 1].count - 1].text += run.text
            } else {
                lines[lines.count - 1].append(run)
            }
        }
        func add(_ inlines: [Inline], bold: Bool) {
            for inline in inlines {
                switch inline {
                case .text(let s), .code(let s):
                    let code: Bool = if case .code = inline { true } else { false }
                    for (n, piece) in MatrixRenderer.splitNewlines(s).enumerated() {
                        if n > 0 { lines.append([]) }
                        let text = code ? String(piece).replacingAll("`", with: "\u{2CB}") : String(piece)
                        if !text.isEmpty { append(Run(text: text, bold: bold, code: code)) }
                    }
                case .bold(let inner): add(inner, bold: true)
                case .link(let title, let url):
                    let title = MatrixRenderer.splitNewlines(title).joined(separator: " ").replacingAll("|", with: "\u{2223}")
                    let target = Run.Target.link(url: Self.encoded(url))
                    // A token too long for a part (with a bullet, bold markers and a joiner the line's defusing may
                    // add) could not be sent whole: it shows as text, which can be cut.
                    let token = Self.write(Run(text: MarkdownRenderer.defuseMentions(title), target: target))
                    if MatrixRenderer.isAllowedLink(url), token.utf16.count + 5 <= partLimit {
                        append(Run(text: title, bold: bold, target: target))
                    } else {
                        let text = MatrixRenderer.isAllowedLink(url) ? title + " (" + url + ")" : title
                        if !text.isEmpty { append(Run(text: text, bold: bold)) }
                    }
                case .mention(let id, let name):
                    if Self.isUserID(id) {
                        append(Run(text: "", bold: bold, target: .mention(userID: id)))
                    } else {
                        let name = MatrixRenderer.splitNewlines(name.isEmpty ? id : name).joined(separator: " ")
                        append(Run(text: "@" + name, bold: bold))
                    }
                }
            }
        }
        add(inlines, bold: false)
        return lines.map(Self.defused)
    }

    /// Defused with `MatrixRenderer.defused`: the text between tokens as one, so `@` and `here` in neighbouring runs
    /// are caught, and each token's title alone, since in the message Slack parses a token ends the word before it.
    private static func defused(_ runs: [Run]) -> [Run] {
        var out: [Run] = []
        var stretch: [Run] = []
        for run in runs {
            if run.target == .none {
                stretch.append(run)
            } else {
                out += MatrixRenderer.defused(stretch) + MatrixRenderer.defused([run])
                stretch = []
            }
        }
        return out + MatrixRenderer.defused(stretch)
    }

    /// The address as it stands inside `<…|`: `|`, `<`, `>` percent-encoded, `&` as `&amp;`.
    private static func encoded(_ url: String) -> String {
        entities(url.replacingAll("|", with: "%7C").replacingAll("<", with: "%3C").replacingAll(">", with: "%3E"))
    }

    // MARK: Cutting

    /// Pieces of `line`, each at most `partLimit` UTF-16 units written, cut between characters of its text (between
    /// scalars only inside a grapheme too large on its own); tokens and entities stay whole.
    func cut(_ line: Line) -> [Line] {
        // A token's markup and a stretch's bold markers (an upper bound, as a stretch shares one pair) are its
        // frame; its text alone is never cut. A Character stays whole if it is a quarter part at most, escaped.
        // A piece is defused again: `@channelx` cut after `channel` ends the piece with a broadcast word. That adds a
        // joiner at the piece's end at most (every other word is as it was), so the budget keeps one unit for it.
        let pieces = LineCutter.cut(
            line.runs, budget: partLimit - 1, used: line.startsItem ? 2 : 0,
            frame: { run in
                (run.bold ? 2 : 0) + Self.write(run).utf16.count - Self.entities(run.text).utf16.count
            },
            units: { run in
                run.target != .none ? [run.text] : LineCutter.units(run.text) { Self.entities(String($0)).utf16.count * 4 <= partLimit }
            },
            cost: { Self.entities($0).utf16.count }, with: MatrixRenderer.with)
        return pieces.enumerated().map { n, runs in Line(runs: Self.defused(runs), startsItem: line.startsItem && n == 0) }
    }
}
