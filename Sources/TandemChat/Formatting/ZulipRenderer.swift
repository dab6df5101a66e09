import TandemCore

/// Renders replies as Zulip Markdown, the `content` of `POST /messages`: a pure value transformation, no I/O.
///
/// - Text is backslash-escaped where Zulip's Markdown takes a backslash escape (`` \ ` * _ [ ] > # ``), so user text
///   cannot bold, link, quote or open a code block. `~~` and `$$` (strike-through, a math block or a `~~~` fence)
///   cannot be escaped: a word joiner (U+2060) goes between the two characters.
/// - Mentions in text cannot notify: an `@` followed by `*` or `_` gets a word joiner, so `@**all**`,
///   `@**everyone**`, `@**channel**`, `@**stream**`, `@**topic**`, silent `@_**…**` and group `@*sales*` show as
///   typed and notify nobody (Zulip's mention syntax needs `@` right before the stars). Plain `@all` and friends are
///   defused too, as everywhere (`MarkdownRenderer.defuseMentions`). This holds across runs: our own bold markers
///   after a user's `@` are defused the same way.
/// - `.mention` of a Zulip user id (`26`) is `@**|26**`: Zulip's id-only mention, meant for bots, notifies that
///   person and shows their current Zulip name. The `@**Name|26**` form would need the exact Zulip name, and the
///   configured name may differ. Any other id shows `@name` as text.
/// - Bold is `**text**` (whitespace kept outside the markers); code is `` `code` `` with backticks inside as `ˋ`
///   (U+02CB); links are `[title](url)` for `http`, `https` and `mailto` (`)` and spaces percent-encoded), any other
///   scheme shows its title as text. Each bullet is a line `- item`; blocks are separated by a line break.
/// - A reply is split at line boundaries into parts of at most `partLimit` Unicode code points (Zulip's
///   `max_message_length` counts code points); a longer line is cut between characters, bold and code closed and
///   reopened around each cut.
/// - A reply without visible content yields no parts.
public struct ZulipRenderer: Sendable {
    /// Zulip's `max_message_length`: 10,000 code points unless the server says otherwise at `/register`.
    public static let defaultPartLimit = 10_000
    /// A floor, so that a Character of text and the markup around it fit a part.
    public static let minimumPartLimit = 100

    public let partLimit: Int

    public init(partLimit: Int = ZulipRenderer.defaultPartLimit) {
        self.partLimit = max(partLimit, Self.minimumPartLimit)
    }

    typealias Run = MatrixRenderer.Run

    struct Line {
        var runs: [Run]
        var startsItem = false
    }

    /// The parts of the reply, in order; empty when the reply shows nothing.
    public func render(_ text: RichText) -> [String] {
        var parts: [String] = []
        var current = ""
        var used = 0
        var lineCount = 0
        func flush() {
            if current.contains(where: { !$0.isWhitespace }) { parts.append(current) }
            current = ""
            used = 0
            lineCount = 0
        }
        for whole in lines(of: text) {
            let written = Self.write(whole)
            let pieces = written.unicodeScalars.count > partLimit ? cut(whole).map(Self.write) : [written]
            for (n, piece) in pieces.enumerated() {
                let cost = piece.unicodeScalars.count
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

    /// The whole reply as one string, however long.
    public static func render(_ text: RichText) -> String {
        ZulipRenderer(partLimit: .max).render(text).joined(separator: "\n")
    }

    // MARK: Escaping

    /// Plain text as Zulip Markdown text: syntax escaped, mentions defused.
    public static func escape(_ s: String) -> String { defuse(escapeSyntax(s)) }

    static func escapeSyntax(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        var previous: Character?
        for ch in s {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", ">", "#": out.append("\\")
            case "~" where previous == "~", "$" where previous == "$": out.append("\u{2060}")
            default: break
            }
            out.append(ch)
            previous = ch
        }
        return out
    }

    /// A word joiner after every `@` that starts a Zulip mention (`@*`, `@_`, `@\*` once escaped) or a broadcast word.
    static func defuse(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "@")) else { return s }
        var out = ""
        var chars = Array(s)[...]
        while let ch = chars.popFirst() {
            out.append(ch)
            if ch == "@", let next = chars.first, next == "*" || next == "_" || next == "\\" { out.append("\u{2060}") }
        }
        return MarkdownRenderer.defuseMentions(out)
    }

    /// Whether `id` is a Zulip user id, safe inside `@**|…**` as it is.
    public static func isUserID(_ id: String) -> Bool { ZulipID.isNumeric(id) }

    // MARK: Writing

    /// A run without bold markers, undefused: escaped text, a code span, a link or a mention.
    static func write(_ run: Run) -> String {
        switch run.target {
        case .none: run.code ? "`" + run.text + "`" : escapeSyntax(run.text)
        case .link(let url): "[" + escapeSyntax(run.text) + "](" + url + ")"
        case .mention(let userID): "@**|" + userID + "**"
        }
    }

    /// A line: its bullet, then its runs, bold stretches inside one pair of markers; everything but mentions defused.
    static func write(_ line: Line) -> String {
        var segments: [(text: String, mention: Bool)] = [(line.startsItem ? "- " : "", false)]
        func add(_ text: String, mention: Bool = false) {
            if !mention, let last = segments.last, !last.mention {
                segments[segments.count - 1].text += text
            } else {
                segments.append((text, mention))
            }
        }
        // A mention is never inside bold markers: `**@**|26****` would pair the wrong stars.
        let boldness = line.runs.map { $0.bold && !isMention($0) }
        var i = line.runs.startIndex
        while i < line.runs.endIndex {
            let bold = boldness[i]
            var stretch: [Run] = []
            while i < line.runs.endIndex, boldness[i] == bold {
                stretch.append(line.runs[i])
                i += 1
            }
            let visible = stretch.map(write).joined()
            guard bold, let first = visible.firstIndex(where: { !$0.isWhitespace }), let last = visible.lastIndex(where: { !$0.isWhitespace }) else {
                for run in stretch { add(write(run), mention: isMention(run)) }
                continue
            }
            // Whitespace at the ends goes outside the markers: `** x**` is not bold in Zulip.
            add(String(visible[..<first]) + "**")
            for run in trimmed(stretch) { add(write(run), mention: isMention(run)) }
            add("**" + String(visible[visible.index(after: last)...]))
        }
        return segments.map { $0.mention ? $0.text : defuse($0.text) }.joined()
    }

    private static func isMention(_ run: Run) -> Bool {
        if case .mention = run.target { return true }
        return false
    }

    /// `runs` without the whitespace at the start of the first and the end of the last.
    private static func trimmed(_ runs: [Run]) -> [Run] {
        var runs = runs
        while let first = runs.first, first.target == .none, !first.code {
            let text = first.text.drop { $0.isWhitespace }
            if text.isEmpty { runs.removeFirst() } else { runs[0].text = String(text); break }
        }
        while let last = runs.last, last.target == .none, !last.code {
            var text = Substring(last.text)
            while text.last?.isWhitespace == true { text = text.dropLast() }
            if text.isEmpty { runs.removeLast() } else { runs[runs.count - 1].text = String(text); break }
        }
        return runs
    }
}
