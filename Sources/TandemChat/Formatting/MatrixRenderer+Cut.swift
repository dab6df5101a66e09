/// Cutting one over-long line (a pasted log, a minified blob) into pieces that each fit a part.
extension MatrixRenderer {
    /// Pieces of `line`, each costing at most `budget` bytes of text and markup, cut between characters (between
    /// scalars only inside a grapheme too large on its own), so no UTF-8 sequence or entity is ever split.
    static func cut(_ line: Line, budget: Int) -> [Line] {
        // An address too long to repeat on every piece is dropped: its title stays, as text.
        let runs = line.runs.map { original in
            var run = original
            if run.target != .none, frameCost(run) * 4 > budget { run.target = .none }
            return run
        }
        let pieces = LineCutter.cut(
            runs, budget: budget, frame: frameCost, units: { units($0.text, largest: budget / 4) }, cost: unitCost, with: with)
        return pieces.enumerated().map { n, runs in
            Line(container: line.container, runs: runs, startsItem: line.startsItem && n == 0,
                 continuesLine: line.continuesLine || n > 0)
        }
    }

    static func with(_ run: Run, _ text: String) -> Run {
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
        LineCutter.units(text) { $0.utf8.count * 6 <= largest }
    }
}
