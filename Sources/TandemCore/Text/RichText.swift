import Foundation

/// A small, neutral rich-text model for replies. Transports render it per platform.
///
/// Every `.text` run is plain text that a renderer must escape for its platform, whether the bot or a user
/// wrote it, so nobody can make the bot ping `@channel` or break formatting by typing markup.
public enum Inline: Sendable, Equatable, Codable {
    case text(String)
    case bold([Inline])
    case code(String)
    case link(title: String, url: String)
    /// A member to notify: platforms turn it into a real mention.
    case mention(id: String, name: String)
}

/// One block of a reply.
public enum Block: Sendable, Equatable, Codable {
    case paragraph([Inline])
    case bullets([[Inline]])
}

/// A formatted reply.
public struct RichText: Sendable, Equatable, Codable, ExpressibleByStringLiteral {
    public var blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    public init(stringLiteral value: String) { self.blocks = [.paragraph([.text(value)])] }

    public static func paragraph(_ inlines: Inline...) -> RichText { RichText([.paragraph(inlines)]) }

    public mutating func add(_ inlines: Inline...) { blocks.append(.paragraph(inlines)) }
    public mutating func add(_ block: Block) { blocks.append(block) }
    public mutating func add(contentsOf other: RichText) { blocks += other.blocks }

    /// The text without any markup: for logs, the console and tests.
    public var plainText: String {
        blocks.map { block in
            switch block {
            case .paragraph(let inlines): Inline.plain(inlines)
            case .bullets(let items): items.map { "• " + Inline.plain($0) }.joined(separator: "\n")
            }
        }.joined(separator: "\n")
    }
}

extension Inline {
    static func plain(_ inlines: [Inline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let s), .code(let s): s
            case .bold(let inner): plain(inner)
            case .link(let title, let url): "\(title) (\(url))"
            case .mention(_, let name): "@\(name)"
            }
        }.joined()
    }
}
