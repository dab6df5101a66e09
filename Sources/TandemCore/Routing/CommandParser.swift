import Foundation

/// What the parser made of a line addressed to the bot.
public enum ParseResult: Sendable {
    case command(Command, CommandSpec)
    /// The command words matched but the arguments did not: answer with the usage line and an example.
    case malformed(CommandSpec)
    /// No command starts this way: closest commands first (may be empty).
    case unknown(word: String, closest: [CommandSpec])
    case empty
}

/// Matches the first words of a line against the command table; the longest match wins, so
/// `campaign list` is found before `campaign <query>`.
public struct CommandParser: Sendable {
    public let table: [CommandSpec]

    public init(table: [CommandSpec]) { self.table = table }

    public func parse(_ text: String) -> ParseResult {
        let input = Tokenizer.tokenize(text)
        guard let first = input.words.first else {
            return input.options.isEmpty ? .empty : .unknown(word: input.optionOrder.first ?? "", closest: [])
        }
        let folded = input.words.map(TextFolding.fold)
        var best: (spec: CommandSpec, length: Int)?
        for spec in table {
            for spelling in spec.spellings
            where spelling.count <= folded.count && Array(folded.prefix(spelling.count)) == spelling
                && spelling.count > (best?.length ?? 0)
            {
                best = (spec, spelling.count)
            }
        }
        guard let (spec, length) = best else {
            return .unknown(word: first, closest: closest(to: TextFolding.fold(first)))
        }
        var rest = input
        rest.words.removeFirst(length)
        guard let command = spec.parse(rest) else { return .malformed(spec) }
        return .command(command, spec)
    }

    /// Specs whose first word is within a couple of typos of `word`, closest first, one per name.
    public func closest(to word: String) -> [CommandSpec] {
        var ranked: [(Int, Int, CommandSpec)] = []
        for (order, spec) in table.enumerated() {
            let distance = spec.spellings.map { TextFolding.distance($0[0], word, limit: 3) }.min() ?? 99
            if distance <= max(1, min(3, word.count / 2)) { ranked.append((distance, order, spec)) }
        }
        return ranked.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}
