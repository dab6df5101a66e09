/// Cutting one over-long line (a pasted log, a minified blob) into pieces that each fit a part: the greedy walk
/// the renderers share, each with its own runs, markup and costs.
enum LineCutter {
    /// Pieces of `runs`, in order, each costing at most `budget` (the first already `used` that much): a run's
    /// `units` go to the current piece while they fit, with the run's `frame` (its markup, paid again in every piece
    /// that holds part of it) and each unit's `cost`. A run whose units are one string is never cut.
    static func cut<Run>(
        _ runs: [Run], budget: Int, used start: Int = 0, frame: (Run) -> Int, units: (Run) -> [String],
        cost: (String) -> Int, with: (Run, String) -> Run
    ) -> [[Run]] {
        var pieces: [[Run]] = [[]]
        var used = start
        for run in runs {
            let frame = frame(run)
            var text = ""
            var textCost = 0
            var taken = false
            for unit in units(run) {
                let cost = cost(unit)
                if used + frame + textCost + cost > budget, used + textCost > 0 {
                    if taken { pieces[pieces.count - 1].append(with(run, text)) }
                    pieces.append([])
                    used = 0
                    text = ""
                    textCost = 0
                    taken = false
                }
                text += unit
                textCost += cost
                taken = true
            }
            if taken {
                pieces[pieces.count - 1].append(with(run, text))
                used += frame + textCost
            }
        }
        return pieces
    }

    /// The units of `text` to cut between: its Characters, except that one not kept `whole` (a grapheme of hundreds
    /// of combining marks, too large for a part) goes by scalars.
    static func units(_ text: String, whole: (Character) -> Bool) -> [String] {
        var units: [String] = []
        for ch in text {
            if whole(ch) {
                units.append(String(ch))
            } else {
                units += ch.unicodeScalars.map { String($0) }
            }
        }
        return units
    }
}
