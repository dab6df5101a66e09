import TandemCore

/// Renders replies as Slack `mrkdwn`, the `text` of `chat.postMessage`: a pure value transformation, no I/O.
///
/// - All user and bot text has `&`, `<` and `>` (and only those) as `&amp;`, `&lt;`, `&gt;`, Slack's control
///   characters: text can never form a `<!channel>`, `<@U…>` or `<url|…>` token. Slack's own `*_~` formatting
///   in text is left alone: it cannot ping or break out of anything, and Slack offers no way to escape it.
/// - Broadcast mentions (`@channel`, `@here`, `@everyone`, `@all`, `@room`, any case) get a word joiner after the
///   `@` with `MarkdownRenderer.defuseMentions`, as the other renderers do: across the text runs between two
///   tokens (`@` plain, `here` bold), and in each link title alone.
/// - Bold is `*text*`. Whitespace at the ends of a bold run goes outside the markers (Slack ignores `* text *`)
///   and a bold run without visible text emits no markers. A `*` inside bold text is kept as it is: Slack has no
///   escape for it, so it may end the bold early, which only changes the look.
/// - Code is `` `code` ``; Slack cannot escape a backtick inside code, so each one becomes `ˋ` (U+02CB, modifier
///   letter grave accent), which looks alike and cannot close the span.
/// - Links are `<url|title>` only for `http`, `https` and `mailto` (`<url>` when the title is empty); `|`, `<` and
///   `>` in the address are percent-encoded (`%7C`, `%3C`, `%3E`) and `&` is `&amp;`, a `|` in the title becomes
///   `∣` (U+2223): neither can end the token early. Other schemes (`javascript:`, …) show the title as text.
/// - `.mention` of a Slack user id (`U` or `W`, then upper-case letters and digits: `U012AB3CD`) is `<@U012AB3CD>`;
///   any other id shows `@name` as text, escaped and defused.
/// - Layout as `MarkdownRenderer`: a line break between blocks, each bullet a line `• item`.
/// - A reply is split at line boundaries into parts of at most `partLimit` UTF-16 code units. Slack counts
///   characters; a Character or scalar is at least one UTF-16 unit, so the bound holds however Slack counts, and
///   it adds up exactly across pieces. A line longer than a part is cut between characters (between scalars only
///   inside a grapheme too large on its own), never inside an entity such as `&amp;` or a `<…>` token; bold and
///   code are closed and reopened around each cut, and a piece that ends in a broadcast word is defused again. A
///   link whose token would not fit in a part shows as text, `title (url)`, which can be cut.
/// - A reply without visible content (no blocks, empty paragraphs, only line breaks) yields no parts.
public struct SlackRenderer: Sendable {
    /// Slack advises at most 4,000 characters a message (it truncates past 40,000).
    public static let defaultPartLimit = 4_000
    /// A floor, so that a Character of text (a quarter part at most, escaped) and the markup around it fit a part.
    public static let minimumPartLimit = 100

    /// Set once, so the floor of `minimumPartLimit` holds.
    public let partLimit: Int

    public init(partLimit: Int = SlackRenderer.defaultPartLimit) {
        self.partLimit = max(partLimit, Self.minimumPartLimit)
    }

    /// The parts of the reply, in order; empty when the reply shows nothing.
    public func render(_ text: RichText) -> [String] {
        var parts: [String] = []
        var current = ""
        var lineCount = 0
        var used = 0
        func flush() {
            if current.contains(where: { !$0.isWhitespace }) { parts.append(current) }
            current = ""
            lineCount = 0
            used = 0
        }
        for whole in lines(of: text) {
            let written = Self.write(whole)
            let pieces = written.utf16.count > partLimit ? cut(whole).map(Self.write) : [written]
            for (n, piece) in pieces.enumerated() {
                // A piece of a cut line starts a part: it filled one alone.
                let cost = piece.utf16.count
                if lineCount > 0, n > 0 || used + 1 + cost > partLimit { flush() }
                if lineCount > 0 {
                    current.append("\n")
                    used += 1
                }
                current.append(piece)
                used += cost
                lineCount += 1
            }
        }
        flush()
        return parts
    }

    /// The whole reply as one string, however long; empty when it shows nothing.
    public static func render(_ text: RichText) -> String {
        SlackRenderer(partLimit: .max).render(text).first ?? ""
    }

    /// Plain text as `mrkdwn` text: broadcast mentions defused, `& < >` as entities.
    public static func escape(_ s: String) -> String {
        entities(MarkdownRenderer.defuseMentions(s))
    }

    /// `U` or `W`, then 2 to 20 upper-case ASCII letters or digits: safe inside `<@…>` as it is.
    public static func isUserID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first == "U" || first == "W" else { return false }
        let rest = id.unicodeScalars.dropFirst()
        return (2...20).contains(rest.count) && rest.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    // MARK: Writing

    /// `&`, `<`, `>` as entities, nothing else.
    static func entities(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A run without its bold markers: escaped text, a code span or a token.
    static func write(_ run: Run) -> String {
        switch run.target {
        case .none: run.code ? "`" + entities(run.text) + "`" : entities(run.text)
        case .link(let url): run.text.isEmpty ? "<" + url + ">" : "<" + url + "|" + entities(run.text) + ">"
        case .mention(let userID): "<@" + userID + ">"
        }
    }

    /// A line: its bullet, then its runs, each stretch of bold runs inside one pair of markers.
    static func write(_ line: Line) -> String {
        var out = line.startsItem ? "• " : ""
        var i = line.runs.startIndex
        while i < line.runs.endIndex {
            let bold = line.runs[i].bold
            var stretch = ""
            while i < line.runs.endIndex, line.runs[i].bold == bold {
                stretch += write(line.runs[i])
                i += 1
            }
            guard bold, let first = stretch.firstIndex(where: { !$0.isWhitespace }),
                let last = stretch.lastIndex(where: { !$0.isWhitespace })
            else {
                out += stretch
                continue
            }
            out += stretch[..<first] + "*" + stretch[first...last] + "*" + stretch[stretch.index(after: last)...]
        }
        return out
    }
}
