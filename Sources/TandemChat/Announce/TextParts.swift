/// Splitting a rendered text into posts that each fit a platform's limit: at line breaks where it can, between
/// characters inside a line longer than a post. A cut never joins text, so it cannot form a token that pings.
enum TextParts {
    /// The parts of `text`, each costing at most `limit`; parts without visible text are left out.
    static func split(_ text: String, limit: Int, cost: (Character) -> Int = { $0.utf16.count }) -> [String] {
        var parts: [String] = []
        var current = ""
        var used = 0
        var started = false
        func flush() {
            if current.contains(where: { !$0.isWhitespace }) { parts.append(current) }
            current = ""
            used = 0
            started = false
        }
        let newline = cost("\n")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if started, used + newline + line.reduce(0, { $0 + cost($1) }) > limit { flush() }
            if started {
                current.append("\n")
                used += newline
            }
            for character in line {
                let c = cost(character)
                if used + c > limit, used > 0 { flush() }
                current.append(character)
                used += c
            }
            started = true
        }
        flush()
        return parts
    }

    /// What a Character costs inside a JSON string: `"`, `\`, `/` and line breaks are escaped (2 bytes), other
    /// control characters take `\u00XX` (6), everything else its UTF-8 bytes.
    static func jsonBytes(_ character: Character) -> Int {
        character.unicodeScalars.reduce(0) { sum, scalar in
            switch scalar {
            case "\"", "\\", "/", "\n", "\r", "\t": sum + 2
            case _ where scalar.value < 0x20: sum + 6
            default: sum + String(scalar).utf8.count
            }
        }
    }
}
