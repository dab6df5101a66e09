import Foundation

/// A question read into folded tokens, with the field phrases found among them.
///
/// German compounds are split here, because the search index knows campaigns by their own words:
/// "Frühlingskampagne" becomes the token "fruhling", and "Frühlingsangebot" becomes "fruhling" followed by
/// the field word "angebot". A word some brief holds is never split or read as a misspelt field word.
struct QuestionWords {
    /// Folded tokens in order, compounds split.
    private(set) var tokens: [String] = []
    /// Field phrases found, left to right, never overlapping.
    private(set) var fields: [FieldMatch] = []
    /// For each token, the index in `fields` of the phrase covering it.
    private(set) var fieldAt: [Int?] = []

    /// A question is short; reading at most this many words bounds the work for pasted text.
    static let maximumWords = 40

    init(_ text: String, index: CampaignSearchIndex) {
        var compounds: [Int: CampaignField] = [:]
        for word in TextFolding.looseWords(text).prefix(Self.maximumWords) {
            for part in Self.split(word, index: index) {
                if let field = part.field { compounds[tokens.count] = field }
                tokens.append(part.word)
            }
        }
        fieldAt = Array(repeating: nil, count: tokens.count)
        var i = 0
        while i < tokens.count {
            let match: FieldMatch?
            if let field = compounds[i] {
                match = FieldMatch(range: i..<(i + 1), field: field, strength: .compound)
            } else {
                match = exactMatch(at: i) ?? fuzzyMatch(at: i, index: index)
            }
            guard let match else {
                i += 1
                continue
            }
            for t in match.range { fieldAt[t] = fields.count }
            fields.append(match)
            i = match.range.upperBound
        }
    }

    /// True for tokens that are not field words and carry meaning: what is left to name the campaign.
    func isCampaignWord(at i: Int) -> Bool {
        fieldAt[i] == nil && !FieldVocabulary.stopWords.contains(tokens[i])
    }

    // MARK: - Compounds

    /// Splits a German compound into its campaign part and, when it ends in a field word, that field word.
    private static func split(_ word: String, index: CampaignSearchIndex) -> [(word: String, field: CampaignField?)] {
        if FieldVocabulary.byFirstWord[word] != nil || FieldVocabulary.stopWords.contains(word)
            || index.contains(word: word)
        {
            return [(word, nil)]
        }
        // "frühjahrskampagne": the campaign word is the part before "kampagne".
        for suffix in ["kampagnen", "kampagne"] where word.hasSuffix(suffix) && word.count >= suffix.count + 3 {
            return [(stem(String(word.dropLast(suffix.count)), index: index), nil)]
        }
        // "frühlingsangebot": a campaign word and a field word. The campaign part must be long enough to mean
        // something, so short English words ending in a field word ("recode") stay whole.
        let length = word.count
        for suffix in FieldVocabulary.compoundSuffixes
        where length >= suffix.length + 4 && word.hasSuffix(suffix.word) {
            return [(stem(String(word.dropLast(suffix.length)), index: index), nil), (suffix.word, suffix.field)]
        }
        return [(word, nil)]
    }

    /// Drops the German linking "s" ("frühlings-") when that gives a word the index knows.
    private static func stem(_ prefix: String, index: CampaignSearchIndex) -> String {
        guard !index.contains(word: prefix), prefix.count > 3, prefix.hasSuffix("s") else { return prefix }
        let shorter = String(prefix.dropLast())
        return index.contains(word: shorter) ? shorter : prefix
    }

    // MARK: - Field phrases

    private func exactMatch(at i: Int) -> FieldMatch? {
        for phrase in FieldVocabulary.byFirstWord[tokens[i]] ?? [] {
            let end = i + phrase.words.count
            if end <= tokens.count, Array(tokens[i..<end]) == phrase.words {
                return FieldMatch(range: i..<end, field: phrase.field, strength: phrase.strength)
            }
        }
        return nil
    }

    /// A strong phrase with a typo ("promo cod", "objectons"). Multi-word phrases need one word exact.
    private func fuzzyMatch(at i: Int, index: CampaignSearchIndex) -> FieldMatch? {
        guard let initial = tokens[i].first else { return nil }
        // A token the briefs use or a stop word is never a misspelt field word; decided once per token.
        var mayBeTypo: [Int: Bool] = [:]
        func isTypo(_ t: Int, of word: String, minimumLength: Int) -> Bool {
            let token = tokens[t]
            guard word.count >= minimumLength, token.first == word.first else { return false }
            if mayBeTypo[t] == nil {
                mayBeTypo[t] = !FieldVocabulary.stopWords.contains(token) && !index.contains(word: token)
            }
            guard mayBeTypo[t] == true else { return false }
            // The typo allowance campaign search uses, so both halves of a question forgive alike.
            let allowance = TextFolding.typoAllowance(forLength: word.count)
            // The length check first: `distance` copies both words, and most tokens fail on length alone.
            return abs(token.unicodeScalars.count - word.unicodeScalars.count) <= allowance
                && TextFolding.distance(token, word, limit: allowance) <= allowance
        }
        for phrase in FieldVocabulary.strongByInitial[initial] ?? [] {
            let n = phrase.words.count
            guard i + n <= tokens.count else { continue }
            var exact = 0
            var matches = true
            for (offset, word) in phrase.words.enumerated() {
                if tokens[i + offset] == word {
                    exact += 1
                } else if !isTypo(i + offset, of: word, minimumLength: n == 1 ? 5 : 4) {
                    matches = false
                    break
                }
            }
            // Sorted longest first, so the first match is the longest.
            if matches, n == 1 || exact > 0 {
                return FieldMatch(range: i..<(i + n), field: phrase.field, strength: .strong)
            }
        }
        return nil
    }
}
