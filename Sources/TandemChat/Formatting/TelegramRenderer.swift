import TandemCore

/// One part of a reply for `sendMessage`: the HTML to send with `parse_mode: "HTML"`, and the same text without
/// markup, for the one retry without parse mode when Telegram cannot parse the HTML (a renderer bug must not lose
/// the reply).
public struct TelegramMessage: Sendable, Equatable {
    public var html: String
    public var plain: String

    public init(html: String, plain: String) {
        self.html = html
        self.plain = plain
    }
}

/// Renders replies in the HTML subset of Telegram's `parse_mode: "HTML"`: a pure value transformation, no I/O.
///
/// - Only `<b>`, `<code>` and `<a href>` are written, nested only as Telegram allows (bold around a link; code
///   inside nothing and around nothing). Text and attribute values have `&`, `<` and `>` (and `"` in
///   attributes) as entities, the only named ones Telegram accepts: user text can open no tag.
/// - Telegram has no broadcast mention, but an `@username` in a bot's message notifies that user. So every `@`
///   that starts a word (`@sam`, `@everyone`) gets a word joiner (U+2060) after it, across the runs of a line as in
///   `MatrixRenderer.defused`: the text reads the same and pings nobody. `mia@example.org` is left alone.
/// - `.mention` of a Telegram user id (digits) is a text mention, `<a href="tg://user?id=123">Name</a>`, which
///   notifies that member; any other id shows the name as text.
/// - Links are anchors only for `http`, `https` and `mailto`; other schemes show their title as text.
/// - Layout as `SlackRenderer`: a line break between blocks, each bullet a line `• item`.
/// - A reply is split at line boundaries into parts of at most `partLimit` characters *after entity parsing*
///   (what Telegram limits to 4,096), counted in UTF-16 code units: a reported measurement says Telegram counts
///   scalars, its entity offsets count UTF-16 units, and UTF-16 units are never fewer than scalars, so the bound
///   holds either way. Markup costs nothing; `&amp;` costs one. A line longer than a part is cut between characters
///   with ``LineCutter``, never inside a tag or entity; each part is well-formed HTML on its own.
/// - A reply without visible content yields no parts: Telegram refuses an empty message.
public struct TelegramRenderer: Sendable {
    public static let defaultPartLimit = 4_096
    /// A floor, so that a Character (a quarter part at most) and a bullet fit a part.
    public static let minimumPartLimit = 64

    public let partLimit: Int

    public init(partLimit: Int = TelegramRenderer.defaultPartLimit) {
        self.partLimit = max(partLimit, Self.minimumPartLimit)
    }

    /// The parts of the reply, in order; empty when the reply shows nothing.
    public func render(_ text: RichText) -> [TelegramMessage] {
        var parts: [TelegramMessage] = []
        var html = ""
        var plain = ""
        var used = 0
        var lineCount = 0
        func flush() {
            if plain.contains(where: { !$0.isWhitespace }) { parts.append(TelegramMessage(html: html, plain: plain)) }
            html = ""
            plain = ""
            used = 0
            lineCount = 0
        }
        for whole in lines(of: text) {
            let pieces = Self.visibleLength(whole) > partLimit ? cut(whole) : [whole]
            for (n, piece) in pieces.enumerated() {
                let cost = Self.visibleLength(piece)
                if lineCount > 0, n > 0 || used + 1 + cost > partLimit { flush() }
                if lineCount > 0 {
                    html.append("\n")
                    plain.append("\n")
                    used += 1
                }
                Self.write(piece, html: &html, plain: &plain)
                used += cost
                lineCount += 1
            }
        }
        flush()
        return parts
    }

    /// Digits only (Telegram user ids are positive integers): safe inside `tg://user?id=` as they are.
    public static func isUserID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 20 && id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `&`, `<`, `>` as entities, and `"` too where the text is an attribute value.
    static func escaped(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"" where attribute: out.append("&quot;")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Lines

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
                let runLines = Self.runLines(inlines)
                if runLines.count == 1, runLines[0].isEmpty { continue }
                lines += runLines.map { Line(runs: $0) }
            case .bullets(let items):
                for item in items {
                    lines += Self.runLines(item).enumerated().map { n, runs in Line(runs: runs, startsItem: n == 0) }
                }
            }
        }
        return lines
    }

    private static func runLines(_ inlines: [Inline]) -> [[Run]] {
        var lines: [[Run]] = [[]]
        func add(_ inlines: [Inline], bold: Bool) {
            for inline in inlines {
                switch inline {
                case .text(let s), .code(let s):
                    let code: Bool = if case .code = inline { true } else { false }
                    for (n, piece) in MatrixRenderer.splitNewlines(s).enumerated() {
                        if n > 0 { lines.append([]) }
                        if !piece.isEmpty { lines[lines.count - 1].append(Run(text: String(piece), bold: bold, code: code)) }
                    }
                case .bold(let inner): add(inner, bold: true)
                case .link(let title, let url):
                    let title = oneLine(title)
                    if MatrixRenderer.isAllowedLink(url) {
                        lines[lines.count - 1].append(Run(text: title.isEmpty ? url : title, bold: bold, target: .link(url: url)))
                    } else if !title.isEmpty {
                        lines[lines.count - 1].append(Run(text: title, bold: bold))
                    }
                case .mention(let id, let name):
                    let name = oneLine(name).isEmpty ? oneLine(id) : oneLine(name)
                    lines[lines.count - 1].append(
                        Run(text: name, bold: bold, target: isUserID(id) ? .mention(userID: id) : .none))
                }
            }
        }
        add(inlines, bold: false)
        return lines.map(defused)
    }

    private static func oneLine(_ s: String) -> String {
        s.contains(where: \.isNewline) ? MatrixRenderer.splitNewlines(s).joined(separator: " ") : s
    }

    /// A word joiner after every `@` that starts a word (nothing or a non-word character before it, a username
    /// character after it), looking across the runs of the line.
    static func defused(_ runs: [Run]) -> [Run] {
        guard runs.contains(where: { $0.text.utf8.contains(UInt8(ascii: "@")) }) else { return runs }
        let all = runs.flatMap { Array($0.text.unicodeScalars) }
        func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }
        var position = 0
        return runs.map { run in
            var text = String.UnicodeScalarView()
            for scalar in run.text.unicodeScalars {
                text.append(scalar)
                if scalar == "@", position + 1 < all.count, isWord(all[position + 1]), position == 0 || !isWord(all[position - 1]) {
                    text.append("\u{2060}")
                }
                position += 1
            }
            var out = run
            out.text = String(text)
            return out
        }
    }

    // MARK: Writing

    /// What Telegram counts of a line: its visible text, in UTF-16 code units (see the type's notes).
    static func visibleLength(_ line: Line) -> Int {
        (line.startsItem ? 2 : 0) + line.runs.reduce(0) { $0 + $1.text.utf16.count }
    }

    static func write(_ line: Line, html: inout String, plain: inout String) {
        if line.startsItem {
            html.append("• ")
            plain.append("• ")
        }
        for run in line.runs {
            var piece = escaped(run.text)
            if run.code { piece = "<code>" + piece + "</code>" }
            switch run.target {
            case .none: break
            case .link(let url): piece = "<a href=\"" + escaped(url, attribute: true) + "\">" + piece + "</a>"
            case .mention(let id): piece = "<a href=\"tg://user?id=" + id + "\">" + piece + "</a>"
            }
            // Telegram lets bold contain anything but code: a bold code span shows as code.
            if run.bold && !run.code { piece = "<b>" + piece + "</b>" }
            html.append(piece)
            plain.append(run.text)
        }
    }

    /// Pieces of `line`, each at most `partLimit` visible units, cut between characters (between scalars only
    /// inside a grapheme too large on its own); tags are per run, so every piece is well-formed.
    func cut(_ line: Line) -> [Line] {
        let limit = partLimit
        let pieces = LineCutter.cut(
            line.runs, budget: limit, used: line.startsItem ? 2 : 0, frame: { _ in 0 },
            units: { run in LineCutter.units(run.text) { String($0).utf16.count * 4 <= limit } },
            cost: { $0.utf16.count }, with: MatrixRenderer.with)
        return pieces.enumerated().map { n, runs in Line(runs: runs, startsItem: line.startsItem && n == 0) }
    }
}
