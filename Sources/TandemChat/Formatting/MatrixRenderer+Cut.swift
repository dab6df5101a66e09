/// Cutting one over-long line (a pasted log, a minified blob) into pieces that each fit a part.
extension MatrixRenderer {
    /// Pieces of `line`, each costing at most `budget` bytes of text and markup, cut between characters (between
    /// scalars only inside a grapheme too large on its own), so no UTF-8 sequence or entity is ever split.
    static func cut(_ line: Line, budget: Int) -> [Line] {
        var pieces: [[Run]] = [[]]
        var used = 0
        for original in line.runs {
            var run = original
            var frame = frameCost(run)
            // An address too long to repeat on every piece is dropped: its title stays, as text.
            if run.target != .none, frame * 4 > budget {
                run.target = .none
                frame = frameCost(run)
            }
            var text = ""
            var textCost = 0
            for unit in units(run.text, largest: budget / 4) {
                let cost = unitCost(unit)
                if used + frame + textCost + cost > budget, used + textCost > 0 {
                    if !text.isEmpty { pieces[pieces.count - 1].append(with(run, text)) }
                    pieces.append([])
                    used = 0
                    text = ""
                    textCost = 0
                }
                text += unit
                textCost += cost
            }
            if !text.isEmpty {
                pieces[pieces.count - 1].append(with(run, text))
                used += frame + textCost
            }
        }
        return pieces.enumerated().map { n, runs in
            Line(container: line.container, runs: runs, startsItem: line.startsItem && n == 0,
                 continuesLine: line.continuesLine || n > 0)
        }
    }

    private static func with(_ run: Run, _ text: String) -> Run {
        var run = run
        run.text = text
        return run
    }

    /// The markup (tags, href, the body's `(url)`) a run costs besides its text.
    private static func frameCost(_ run: Run) -> Int {
        cost(Line(container: .paragraph(block: 0), runs: [with(run, "")])) - lineOverhead
    }

    /// Its bytes in `body` plus in `formatted_body`, escaped.
    private static func unitCost(_ unit: String) -> Int { encodedSize(unit) + encodedSize(escapeHTML(unit)) }

    /// Characters, except that a grapheme past `largest` bytes (hundreds of combining marks) goes by scalars.
    private static func units(_ text: String, largest: Int) -> [String] {
        var units: [String] = []
        for ch in text {
            if ch.utf8.count * 6 <= largest {
                units.append(String(ch))
            } else {
                units += ch.unicodeScalars.map { String($0) }
            }
        }
        return units
    }
}
