import TandemCore

/// Renders replies as the Markdown subset that the webhook protocol, Slack-style webhooks and the local
/// chat page understand: `**bold**`, `` `code` ``, `- ` lists, `[title](url)` links, `@id` mentions.
///
/// All text is escaped, and broadcast mentions (`@channel`, `@all`, `@here`, `@everyone`, `@room`) are
/// defused with a zero-width joiner, so user text can neither format nor ping.
public enum MarkdownRenderer {
    public static func render(_ text: RichText) -> String {
        layOut(text, bullet: "- ", inlines: render(_:into:))
    }

    /// The block layout of the text renderers: a line break between blocks, each list item a line after `bullet`.
    /// Into one string, not arrays of pieces joined: this runs for every reply sent.
    static func layOut(_ text: RichText, bullet: String, inlines render: ([Inline], inout String) -> Void) -> String {
        var out = ""
        for (n, block) in text.blocks.enumerated() {
            if n > 0 { out.append("\n") }
            switch block {
            case .paragraph(let inlines): render(inlines, &out)
            case .bullets(let items):
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append("\n") }
                    out.append(bullet)
                    render(item, &out)
                }
            }
        }
        return out
    }

    static func render(_ inlines: [Inline]) -> String {
        var out = ""
        render(inlines, into: &out)
        return out
    }

    static func render(_ inlines: [Inline], into out: inout String) {
        for inline in inlines {
            switch inline {
            case .text(let s): out.append(escape(s))
            case .bold(let inner):
                out.append("**")
                render(inner, into: &out)
                out.append("**")
            case .code(let s): out.append("`" + defuseMentions(s.replacingAll("`", with: "'")) + "`")
            case .link(let title, let url):
                if url.hasPrefix("https://") || url.hasPrefix("http://") {
                    out.append("[" + escape(title) + "](" + url.replacingAll(")", with: "%29").replacingAll(" ", with: "%20") + ")")
                } else {
                    out.append(escape(title))
                }
            // The handle people type and the chat notifies on is the user id.
            case .mention(let id, _):
                out.append("@")
                out.append(id)
            }
        }
    }

    /// Backslash-escapes Markdown syntax and defuses broadcast mentions.
    public static func escape(_ s: String) -> String {
        // Most text has none of the syntax characters: one pass over its UTF-8 bytes, and no copy. (It was the
        // hottest part of sending a reply: a grapheme-by-grapheme walk that also walked the syntax string.)
        guard s.utf8.contains(where: isSyntax) else { return defuseMentions(s) }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for ch in s {
            // Per Character, as before: a syntax character joined with a combining mark is not escaped.
            if ch.utf8.count == 1, let byte = ch.utf8.first, isSyntax(byte) { out.append("\\") }
            out.append(ch)
        }
        return defuseMentions(out)
    }

    /// One of `` \`*_[]<>~ ``; all ASCII, so a byte of a multi-byte UTF-8 sequence never matches.
    private static func isSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static let broadcastWords = ["channel", "all", "here", "everyone", "room"]

    /// `@channel` → `@\u{2060}channel`: reads the same, notifies nobody.
    static func defuseMentions(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "@")) else { return s }
        var result = ""
        var rest = Substring(s)
        while let at = rest.firstIndex(of: "@") {
            result += rest[..<at]
            result.append("@")
            let after = rest[rest.index(after: at)...]
            let word = after.prefix { $0.isLetter }.lowercased()
            if broadcastWords.contains(word) { result.append("\u{2060}") }
            rest = after
        }
        return result + rest
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
