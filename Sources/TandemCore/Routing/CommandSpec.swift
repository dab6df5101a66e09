import Foundation

/// A text in every language Tandem speaks.
public struct Localized: Sendable, Equatable {
    public var en: String
    public var de: String
    public init(_ en: String, _ de: String) {
        self.en = en
        self.de = de
    }
    public func callAsFunction(_ language: Language) -> String { language == .de ? de : en }
}

/// One row of the command table: how a command is written, who may run it, and how its arguments parse.
///
/// Routing, role checks and help all read this one table, so help can never drift from what the bot does.
public struct CommandSpec: Sendable {
    /// Stable name, the English words: "campaign list".
    public var name: String { english.joined(separator: " ") }
    public let english: [String]
    public let german: [String]
    /// Further spellings accepted, e.g. ["kampagnen"].
    public let aliases: [[String]]
    /// Arguments after the command words, per language: "<id>".
    public let arguments: Localized
    public let summary: Localized
    public let example: Localized
    /// Who may run it; nil means every member and guest (reads).
    public let roles: Set<Role>?
    /// Builds the command from what follows the command words; nil means "malformed": answered with usage.
    public let parse: @Sendable (TokenizedInput) -> Command?

    public init(
        _ english: [String], german: [String], aliases: [[String]] = [], arguments: Localized = Localized("", ""),
        summary: Localized, example: Localized, roles: Set<Role>? = nil,
        parse: @escaping @Sendable (TokenizedInput) -> Command?
    ) {
        self.english = english
        self.german = german
        self.aliases = aliases
        self.arguments = arguments
        self.summary = summary
        self.example = example
        self.roles = roles
        self.parse = parse
        self.spellings = ([english, german] + aliases).map { $0.map(TextFolding.fold) }
    }

    /// Every spelling, folded for matching; computed once.
    let spellings: [[String]]

    /// "kampagne zeige <id>" in German.
    public func usage(_ language: Language) -> String {
        let words = (language == .de ? german : english).joined(separator: " ")
        let args = arguments(language)
        return args.isEmpty ? words : words + " " + args
    }

    public func allows(_ member: Member) -> Bool {
        guard let roles else { return true }
        return !roles.isDisjoint(with: member.roles)
    }
}
