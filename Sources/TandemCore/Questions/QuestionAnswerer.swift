import Foundation

/// What Tandem made of a question: which field of which campaign, or which campaigns it could mean.
public struct QuestionUnderstanding: Sendable, Equatable {
    /// The field asked for; nil when only a campaign was named ("spring?"), which the summary answers.
    public var field: CampaignField?
    /// The campaign meant, as a position in `TeamState.campaigns`; nil when unclear.
    public var campaignPosition: Int?
    /// Candidate positions when unsure, best first. Empty when the campaign is clear, or when nothing
    /// matched and no campaign is live.
    public var ambiguous: [Int]
    /// True when no campaign was named and the only live one was taken, so the answer says it assumed.
    public var campaignIsAssumed: Bool

    public init(
        field: CampaignField? = nil, campaignPosition: Int? = nil, ambiguous: [Int] = [],
        campaignIsAssumed: Bool = false
    ) {
        self.field = field
        self.campaignPosition = campaignPosition
        self.ambiguous = ambiguous
        self.campaignIsAssumed = campaignIsAssumed
    }
}

/// Answers campaign questions asked in plain words, English or German: "what's the promo code for spring?",
/// "wie lautet das Angebot der Frühjahrskampagne?".
///
/// People will not learn a syntax to ask about a campaign, so a message that is not a command is tried as a
/// question. It never guesses silently: when the campaign is unclear it asks which one, and when it assumes
/// the only live campaign it says so.
public enum QuestionAnswerer {
    /// Understands `text` (the words after the bot's address) as a campaign question, or returns nil when it
    /// does not look like one at all: no field word and no campaign match, or only a question word ("who?")
    /// without a campaign.
    public static func understand(_ text: String, state: TeamState, today: Day) -> QuestionUnderstanding? {
        let words = QuestionWords(text, index: state.campaignSearch)
        let campaignWords = words.tokens.indices.filter(words.isCampaignWord(at:))
        let query = campaignWords.map { words.tokens[$0] }.joined(separator: " ")
        let named = query.isEmpty ? [] : candidates(state.campaignSearch.search(query))

        if named.count == 1, named[0] < state.campaigns.count {
            let fields = fieldsOutsideName(of: state.campaigns[named[0]], words: words, anchors: campaignWords)
            return QuestionUnderstanding(field: chooseField(fields), campaignPosition: named[0])
        }
        if !named.isEmpty {
            return QuestionUnderstanding(field: chooseField(words.fields), ambiguous: named)
        }
        // No campaign named: a question word alone ("who are you?") is not a campaign question.
        guard words.fields.contains(where: { $0.strength > .weak }) else { return nil }
        let field = chooseField(words.fields)
        let live = state.campaigns.indices.filter { state.campaigns[$0].status(on: today) == .live }
        // Assume only when nothing else was said: "offer for winter" named a campaign that does not exist,
        // and answering about the live one instead would be a silent guess, so it asks.
        if live.count == 1, campaignWords.isEmpty {
            return QuestionUnderstanding(field: field, campaignPosition: live[0], campaignIsAssumed: true)
        }
        return QuestionUnderstanding(field: field, ambiguous: live)
    }

    // MARK: - Which campaign

    /// The campaigns a search could mean: one when it is clear, several when it is not, none when nothing
    /// fits. A partial hit counts only if it matched a name, id or tag word, so stray words
    /// ("hello world one") do not find a campaign through its one-liner.
    static func candidates(_ hits: [CampaignSearchIndex.Hit]) -> [Int] {
        let complete = hits.filter(\.isComplete)
        let pool = complete.isEmpty ? hits.filter { $0.score >= 1.8 } : complete
        guard let best = pool.first else { return [] }
        if pool.count == 1 || best.score >= pool[1].score * 1.5 { return [best.position] }
        return pool.prefix(5).filter { $0.score * 1.5 > best.score }.map(\.position)
    }

    /// The field matches that are not part of the campaign's own name. In "when does the year end offer
    /// end?", "end" and "offer" next to "year" spell "Year-End Upgrade Offer"; only the last "end" asks.
    ///
    /// Runs grow from the campaign words that matched the name, through neighbouring words the name still
    /// has room for (each name word is used once).
    static func fieldsOutsideName(of campaign: Campaign, words: QuestionWords, anchors: [Int]) -> [FieldMatch] {
        var budget = nameWords(of: campaign)
        func take(_ word: String, from budget: inout [String: Int]) -> Bool {
            let key =
                budget[word, default: 0] > 0
                ? word
                : budget.keys.sorted().first { key in
                    let allowance = TextFolding.typoAllowance(forLength: key.count)
                    return budget[key, default: 0] > 0 && allowance > 0
                        && TextFolding.distance(key, word, limit: allowance) <= allowance
                }
            guard let key else { return false }
            budget[key, default: 0] -= 1
            return true
        }
        let starts = anchors.filter { take(words.tokens[$0], from: &budget) }
        var inName = Set(starts)
        var dropped = Set<Int>()
        for start in starts {
            for step in [-1, 1] {
                var p = start + step
                while words.tokens.indices.contains(p) {
                    if inName.contains(p) {
                        p += step
                    } else if let f = words.fieldAt[p] {
                        let match = words.fields[f]
                        var trial = budget
                        guard match.strength != .compound,
                            match.range.allSatisfy({ take(words.tokens[$0], from: &trial) })
                        else { break }
                        budget = trial
                        dropped.insert(f)
                        inName.formUnion(match.range)
                        p = step > 0 ? match.range.upperBound : match.range.lowerBound - 1
                    } else if take(words.tokens[p], from: &budget) {
                        inName.insert(p)
                        p += step
                    } else {
                        break
                    }
                }
            }
        }
        return words.fields.indices.filter { !dropped.contains($0) }.map { words.fields[$0] }
    }

    /// The words that name a campaign (id, name, tags), each as often as it appears in one of them, so that
    /// "year-end-upgrade" and "Year-End Upgrade Offer" together still allow "end" once.
    private static func nameWords(of campaign: Campaign) -> [String: Int] {
        var counts: [String: Int] = [:]
        let sources = [campaign.id.replacingOccurrences(of: "-", with: " "), campaign.name] + campaign.tags
        for source in sources {
            var own: [String: Int] = [:]
            for word in TextFolding.looseWords(source) { own[word, default: 0] += 1 }
            counts.merge(own) { max($0, $1) }
        }
        return counts
    }

    // MARK: - Which field

    /// The surest field word wins, the earliest among equals. A "when" narrows it: "when does the spring
    /// offer end?" asks for the end, not the offer.
    static func chooseField(_ fields: [FieldMatch]) -> CampaignField? {
        let ranked = fields.sorted { a, b in
            a.strength != b.strength ? a.strength > b.strength : a.range.lowerBound < b.range.lowerBound
        }
        let asksWhen = fields.contains { $0.field == .dates && $0.strength == .weak }
        let dateFields: Set<CampaignField> = [.start, .end, .dates]
        if asksWhen, let date = ranked.first(where: { dateFields.contains($0.field) && $0.strength > .weak }) {
            return date.field
        }
        return ranked.first?.field
    }
}
