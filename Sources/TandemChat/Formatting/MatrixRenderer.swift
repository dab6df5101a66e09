import TandemCore

/// The content of one Matrix `m.room.message` event: bots send it as `msgtype: "m.notice"` with
/// `format: "org.matrix.custom.html"`, and `m.mentions: {"user_ids": mentionedUserIDs}` (`{}` when empty, which
/// the spec recommends on every event so old servers do not ping on the body).
public struct MatrixMessage: Sendable, Equatable {
    public static let msgtype = "m.notice"
    public static let format = "org.matrix.custom.html"

    /// Plain text for clients without HTML (and for notifications): no markup, bullets as `• `.
    public var body: String
    /// HTML of the tags Matrix clients allow: `p br b code pre a ul li`; all text escaped.
    public var formattedBody: String
    /// The Matrix users pilled in this part, in order of first appearance, without the bot itself.
    public var mentionedUserIDs: [String]

    public init(body: String, formattedBody: String, mentionedUserIDs: [String]) {
        self.body = body
        self.formattedBody = formattedBody
        self.mentionedUserIDs = mentionedUserIDs
    }
}

/// Renders replies as Matrix message content: a pure value transformation, no I/O.
///
/// - User text is HTML-escaped (`& < > " '`); links are anchors only for `http`, `https` and `mailto`, any other
///   scheme shows its title as text.
/// - Broadcast mentions (`@room`, `@channel`, `@here`, `@everyone`, `@all`, any case, anywhere) get a word
///   joiner (U+2060) after the `@`, exactly as in `MarkdownRenderer`: the text reads the same and copies as
///   the same word, while the legacy `@room` push rule and chat clients no longer see the word. A full-width
///   `＠` would also defuse it but changes what readers see and what search finds.
/// - `.mention` of a Matrix user id (`@sam:example.org`) becomes a pill, `<a href="https://matrix.to/#/@sam:example.org">Sam</a>`,
///   and its id goes to `m.mentions`; any other id (another platform's, or the bot's own) is just the name.
/// - A reply is split into parts at line boundaries so that `body` + `formattedBody` of each part stay within
///   `partLimit` bytes once JSON-escaped; each part is valid HTML on its own (elements closed and reopened), and a line
///   longer than the limit is cut between characters.
/// - A reply without visible content (no blocks, empty paragraphs) yields no parts: there is nothing to send.
public struct MatrixRenderer: Sendable {
    /// 16,000 bytes of `body` + `formatted_body`, counted as JSON-escaped (see `encodedSize`), leave room below
    /// the 65,536-byte event limit for the other fields, the envelope and the server's signatures.
    public static let defaultPartLimit = 16_000
    /// Below this a part could not hold one line's markup and a character.
    public static let minimumPartLimit = 512

    /// Set once, so the floor of `minimumPartLimit` holds.
    public let partLimit: Int
    /// The bot's own user id: never pilled or listed in `m.mentions` (the spec forbids it).
    public let ownUserID: String?

    public init(partLimit: Int = MatrixRenderer.defaultPartLimit, ownUserID: String? = nil) {
        self.partLimit = max(partLimit, Self.minimumPartLimit)
        self.ownUserID = ownUserID
    }

    /// The parts of the reply, in order; empty when the reply shows nothing.
    public func render(_ text: RichText) -> [MatrixMessage] {
        pack(lines(of: text)).map(Self.message)
    }

    /// A pill for a member given by id, for text that names people outside the reply's own mentions (the rep of
    /// a handoff): the same `.mention` the core writes.
    public static func pill(userID: String, name: String) -> Inline { .mention(id: userID, name: name) }

    // MARK: Packing

    /// What any line adds around its own text at most: its element's open and close tags (`<pre><code>` and
    /// `</code></pre>` are the longest, 24 bytes), a `<br>` or newline, `• `.
    static let lineOverhead = 48

    /// An upper bound of the bytes a line adds to a part, so packing by it never overshoots the limit.
    static func cost(_ line: Line) -> Int {
        var html = ""
        var body = ""
        writeHTML(line, into: &html)
        writeBody(line, into: &body)
        return encodedSize(html) + encodedSize(body) + lineOverhead
    }

    /// Bytes of `s` as a JSON string's content at most: control characters as `\u0001` (six bytes), `"`, `\`
    /// and `/` with a backslash. Counting these keeps a part of hostile control characters within the limit too.
    static func encodedSize(_ s: String) -> Int {
        var size = 0
        for byte in s.utf8 {
            switch byte {
            case 0x08, 0x09, 0x0A, 0x0C, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): size += 2
            case ..<0x20: size += 6
            default: size += 1
            }
        }
        return size
    }

    /// Greedy, in order: a part takes lines while they fit; a line too long for any part is cut into pieces.
    func pack(_ lines: [Line]) -> [[Line]] {
        var parts: [[Line]] = []
        var current: [Line] = []
        var used = 0
        for whole in lines {
            for line in Self.cost(whole) > partLimit ? Self.cut(whole, budget: partLimit - Self.lineOverhead) : [whole] {
                let cost = Self.cost(line)
                if !current.isEmpty, used + cost > partLimit || line.continuesLine {
                    parts.append(current)
                    current = []
                    used = 0
                }
                current.append(line)
                used += cost
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    // MARK: Writing

    static func message(_ lines: [Line]) -> MatrixMessage {
        var body = ""
        var html = ""
        var mentions: [String] = []
        var open: Container?
        for line in lines {
            if let current = open, current == line.container {
                body.append("\n")
                if case .pre = current { html.append("\n") } else { html.append("<br>") }
            } else {
                if open != nil { body.append("\n") }
                switch (open, line.container) {
                case (.item(let a, _)?, .item(let b, _)) where a == b: html.append("</li><li>")
                default:
                    close(open, into: &html)
                    switch line.container {
                    case .paragraph: html.append("<p>")
                    case .pre: html.append("<pre><code>")
                    case .item: html.append("<ul><li>")
                    }
                }
                open = line.container
            }
            writeBody(line, into: &body)
            writeHTML(line, into: &html)
            for run in line.runs {
                if case .mention(let id) = run.target, !mentions.contains(id) { mentions.append(id) }
            }
        }
        close(open, into: &html)
        return MatrixMessage(body: body, formattedBody: html, mentionedUserIDs: mentions)
    }

    private static func close(_ container: Container?, into html: inout String) {
        switch container {
        case .paragraph: html.append("</p>")
        case .pre: html.append("</code></pre>")
        case .item: html.append("</li></ul>")
        case nil: break
        }
    }

    static func writeBody(_ line: Line, into body: inout String) {
        if line.startsItem { body.append("• ") }
        for run in line.runs {
            body.append(run.text)
            // Plain clients cannot follow an anchor: the address is written out, defused like the text.
            if case .link(let url) = run.target, run.text != url {
                body.append(" (" + MarkdownRenderer.defuseMentions(url) + ")")
            }
        }
    }

    static func writeHTML(_ line: Line, into html: inout String) {
        if case .pre = line.container {
            for run in line.runs { html.append(escapeHTML(run.text)) }
            return
        }
        var bold = false
        for run in line.runs {
            if run.bold != bold {
                html.append(run.bold ? "<b>" : "</b>")
                bold = run.bold
            }
            switch run.target {
            case .none: break
            case .link(let url): html.append("<a href=\"" + escapeHTML(url) + "\">")
            case .mention(let id): html.append("<a href=\"https://matrix.to/#/" + id + "\">")
            }
            html.append(run.code ? "<code>" + escapeHTML(run.text) + "</code>" : escapeHTML(run.text))
            if run.target != .none { html.append("</a>") }
        }
        if bold { html.append("</b>") }
    }

    /// `& < > " '` as entities: text can open no tag and leave no attribute.
    static func escapeHTML(_ s: String) -> String {
        guard s.utf8.contains(where: { entity($0) != nil }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            if scalar.isASCII, let e = entity(UInt8(scalar.value)) { out.append(e) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private static func entity(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
