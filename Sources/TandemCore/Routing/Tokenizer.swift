import Foundation

/// The words of a command, with quoted values kept whole and `key=value` options split off.
public struct TokenizedInput: Sendable, Equatable {
    /// Positional words in order, quotes removed.
    public var words: [String]
    /// Options by lower-cased key; the last one wins.
    public var options: [String: String]
    /// Option keys in the order given, for messages naming an unknown one.
    public var optionOrder: [String]

    public init(words: [String] = [], options: [String: String] = [:], optionOrder: [String] = []) {
        self.words = words
        self.options = options
        self.optionOrder = optionOrder
    }
}

/// Splits command text into words. Never fails: an unclosed quote runs to the end of the text.
public enum Tokenizer {
    private static let openToClose: [Character: Character] = ["\"": "\"", "“": "”", "„": "“", "«": "»", "'": "'"]

    public static func tokenize(_ text: String) -> TokenizedInput {
        var result = TokenizedInput()
        var current = ""
        var hasToken = false
        var closing: Character?
        var quotedSpan = false

        func finish() {
            defer {
                current = ""
                hasToken = false
                quotedSpan = false
            }
            guard hasToken else { return }
            if !quotedSpan, let eq = current.firstIndex(of: "="), eq != current.startIndex,
                isOptionKey(current[..<eq])
            {
                let key = current[..<eq].lowercased()
                result.options[key] = String(current[current.index(after: eq)...])
                if !result.optionOrder.contains(key) { result.optionOrder.append(key) }
            } else {
                result.words.append(current)
            }
        }

        for ch in text {
            if let close = closing {
                if ch == close || (close == "“" && ch == "”") {
                    closing = nil
                } else {
                    current.append(ch)
                }
                continue
            }
            if ch.isWhitespace {
                finish()
            } else if let close = openToClose[ch], ch != "'" || current.isEmpty || current.last == "=" {
                closing = close
                hasToken = true
                if current.isEmpty { quotedSpan = true }
            } else {
                current.append(ch)
                hasToken = true
            }
        }
        finish()
        return result
    }

    private static func isOptionKey(_ key: Substring) -> Bool {
        key.count <= 32 && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
