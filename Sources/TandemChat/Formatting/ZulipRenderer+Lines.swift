import TandemCore

/// The reply flattened into lines of styled runs, the unit the splitter packs, and the cutting of a line too long
/// for one part.
extension ZulipRenderer {
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
                    lines += runLines(item).enumerated().map { n, runs in Line(runs: runs, startsItem: n == 0) }
                }
            }
        }
        return lines
    }

    /// Inline trees into lines of flat runs, neighbours of the same style merged.
    private func runLines(_ inlines: [Inline]) -> [[Run]] {
        var lines: [[Run]] = [[]]
        func append(_ run: Run) {
            if run.target == .none, let last = lines[lines.count - 1].last, last.target == .none, last.bold == run.bold,
                last.code == run.code
            {
                lines[lines.count - 1][lines[lines.count - 1].count - 1].text += run.text
            } else {
                lines[lines.count - 1].append(run)
            }
        }
        func oneLine(_ s: String) -> String { MatrixRenderer.splitNewlines(s).joined(separator: " ") }
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
                    let title = oneLine(title)
                    let address = url.replacingAll(")", with: "%29").replacingAll(" ", with: "%20")
                    // A link too long for a part shows as text, which can be cut.
                    if MatrixRenderer.isAllowedLink(url), address.unicodeScalars.count * 4 <= partLimit {
                        append(Run(text: title.isEmpty ? url : title, bold: bold, target: .link(url: address)))
                    } else {
                        let text = MatrixRenderer.isAllowedLink(url) ? title + " (" + url + ")" : title
                        if !text.isEmpty { append(Run(text: text, bold: bold)) }
                    }
                case .mention(let id, let name):
                    if Self.isUserID(id) {
                        append(Run(text: "", bold: bold, target: .mention(userID: id)))
                    } else {
                        append(Run(text: "@" + oneLine(name.isEmpty ? id : name), bold: bold))
                    }
                }
            }
        }
        add(inlines, bold: false)
        return lines
    }

    // MARK: Cutting

    /// Pieces of `line`, each at most `partLimit` code points written, cut between characters of its text; links
    /// and mentions stay whole. Costs are upper bounds: an `@` may get a joiner, a `~` or `$` too.
    func cut(_ line: Line) -> [Line] {
        let pieces = LineCutter.cut(
            line.runs, budget: partLimit, used: line.startsItem ? 2 : 0,
            frame: { run in
                (run.bold ? 4 : 0) + (run.code ? 2 : 0)
                    + Self.write(MatrixRenderer.with(run, "")).unicodeScalars.count
            },
            units: { run in
                run.target != .none ? [run.text] : LineCutter.units(run.text) { Self.cost(String($0)) * 4 <= partLimit }
            },
            cost: Self.cost, with: MatrixRenderer.with)
        return pieces.enumerated().map { n, runs in Line(runs: runs, startsItem: line.startsItem && n == 0) }
    }

    /// Code points of `unit` once escaped and defused, at most.
    static func cost(_ unit: String) -> Int {
        var cost = 0
        for scalar in unit.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", ">", "#", "~", "$", "@": cost += 2
            default: cost += 1
            }
        }
        return cost
    }
}
