import Foundation
import TandemCore

/// Renders replies as Mattermost Markdown, the `message` of `POST /api/v4/posts`.
///
/// - The Markdown of ``MarkdownRenderer``: user text has its syntax characters backslash-escaped, which
///   Mattermost's Markdown honours; `@username` mentions are plain `@` + the member's username.
/// - Broadcast mentions in echoed text (`@channel`, `@all`, `@here`, any case) get a zero-width space (U+200B)
///   after the `@`. Mattermost has no escape for mentions; with the space the word is no mention any more.
/// - Split into parts of at most `partLimit` runes (Unicode scalars: what the server counts; 16,383 by default)
///   at line breaks, or between characters inside a longer line. A cut never joins text, so it cannot form a
///   mention.
public struct MattermostRenderer: Sendable {
    /// `PostMessageMaxRunesV2`: the server's default limit of a post's `message`.
    public static let defaultPartLimit = 16_383
    /// A floor, so that any Character fits in a part.
    public static let minimumPartLimit = 100

    public let partLimit: Int

    public init(partLimit: Int = MattermostRenderer.defaultPartLimit) {
        self.partLimit = max(partLimit, Self.minimumPartLimit)
    }

    /// The parts of the reply, in order; empty when the reply shows nothing.
    public func render(_ text: RichText) -> [String] {
        TextParts.split(Self.markdown(text), limit: partLimit) { $0.unicodeScalars.count }
    }

    /// The whole reply as one Markdown text.
    static func markdown(_ text: RichText) -> String {
        let rendered = MarkdownRenderer.render(text)
        // MarkdownRenderer defuses with a word joiner (U+2060); U+200B is the documented practice here.
        guard rendered.unicodeScalars.contains("\u{2060}") else { return rendered }
        return rendered.replacingOccurrences(of: "@\u{2060}", with: "@\u{200B}")
    }
}
