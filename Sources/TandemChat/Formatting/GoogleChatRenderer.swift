import TandemCore

/// Renders replies in Google Chat's text syntax: `*bold*`, `` `code` ``, `<url|title>` links, `• ` bullets.
///
/// Google Chat documents no escape, and `<users/all>` notifies everyone, so `<` and `>` in text become `‹` and `›`
/// (U+2039, U+203A): no `<…>` token can form from text. `@all` and the other broadcast words are defused too,
/// though Chat notifies only on the `<users/…>` form. A mention is `<users/ID>` only for a numeric Chat user id
/// (`users/123`); any other shows `@name` as text. `*_~` in text are left alone: they can only change the look.
public enum GoogleChatRenderer {
    public static func render(_ text: RichText) -> String {
        MarkdownRenderer.layOut(text, bullet: "• ", inlines: render(_:into:))
    }

    static func render(_ inlines: [Inline], into out: inout String) {
        for inline in inlines {
            switch inline {
            case .text(let s): out.append(escape(s))
            case .bold(let inner):
                out.append("*")
                render(inner, into: &out)
                out.append("*")
            case .code(let s): out.append("`" + escape(s.replacingAll("`", with: "ˋ")) + "`")
            case .link(let title, let url):
                if url.hasPrefix("https://") || url.hasPrefix("http://") {
                    let address = url.replacingAll("|", with: "%7C").replacingAll("<", with: "%3C").replacingAll(">", with: "%3E")
                    out.append("<" + address + "|" + escape(title).replacingAll("|", with: "∣") + ">")
                } else {
                    out.append(escape(title))
                }
            case .mention(let id, let name):
                let number = id.dropFirst("users/".count)
                if id.hasPrefix("users/"), !number.isEmpty, number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber) {
                    out.append("<" + id + ">")
                } else {
                    out.append(escape("@" + name))
                }
            }
        }
    }

    /// Plain text as Chat text: no `<` or `>`, broadcast words defused.
    public static func escape(_ s: String) -> String {
        MarkdownRenderer.defuseMentions(s.replacingAll("<", with: "‹").replacingAll(">", with: "›"))
    }
}
