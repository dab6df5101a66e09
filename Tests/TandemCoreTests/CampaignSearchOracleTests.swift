import Foundation
import Testing

@testable import TandemCore

/// `CampaignSearchIndex.search` against the straightforward version it replaced (dictionaries per document,
/// every vocabulary word compared for typos), on a generated corpus: same hits, same scores, same order.
struct CampaignSearchOracleTests {
    static let words = [
        "Spring", "Launch", "Frühjahr", "Webinar", "Webinarreihe", "Security", "Roadshow", "DACH", "Zürich", "München",
        "Qualitätssicherung", "Maintenance", "Predictive", "Energy", "Energie", "Savings", "Retail", "Summer", "Sommer",
        "Größe", "Straße", "Fertigung", "Upgrade", "2027", "Q3", "Kundentag", "Digital", "Twin", "Partner", "Summit",
    ]

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 27)
        }
    }

    static func phrase(_ n: Int, _ rng: inout Generator) -> String {
        (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
    }

    /// The indexing and search of before, spelt out with dictionaries.
    struct Reference {
        var postings: [String: [Int: Double]] = [:]

        /// Which words a brief contributes is shared unless `weights` are given; what this reference checks is the
        /// look-up and scoring.
        init(_ campaigns: [Campaign], weights: (Campaign) -> [String: Double] = CampaignSearchIndex.weightedWords) {
            for (position, campaign) in campaigns.enumerated() {
                for (word, weight) in weights(campaign) { postings[word, default: [:]][position] = weight }
            }
        }

        func search(_ query: String, stopWords: Set<String>) -> [CampaignSearchIndex.Hit] {
            let all = TextFolding.words(query)
            let words = all.filter { !stopWords.contains($0) }
            let queryWords = words.isEmpty ? all : words
            guard !queryWords.isEmpty else { return [] }
            let vocabulary = postings.keys.sorted()
            var scores: [Int: Double] = [:]
            var matched: [Int: Int] = [:]
            for word in queryWords {
                var best: [Int: Double] = [:]
                func credit(_ token: String, _ factor: Double) {
                    for (doc, weight) in postings[token] ?? [:] where best[doc, default: 0] < weight * factor { best[doc] = weight * factor }
                }
                credit(word, 1.0)
                if word.count >= 3 {
                    for token in vocabulary where token.hasPrefix(word) && token != word { credit(token, 0.8) }
                }
                if best.isEmpty {
                    let allowance = TextFolding.typoAllowance(forLength: word.count)
                    if allowance > 0 {
                        for token in vocabulary
                        where abs(token.count - word.count) <= allowance && TextFolding.distance(token, word, limit: allowance) <= allowance {
                            credit(token, 0.6)
                        }
                    }
                }
                for (doc, score) in best {
                    scores[doc, default: 0] += score
                    matched[doc, default: 0] += 1
                }
            }
            return scores.map { CampaignSearchIndex.Hit(position: $0, score: $1, isComplete: matched[$0] == queryWords.count) }
                .sorted { a, b in
                    if a.isComplete != b.isComplete { return a.isComplete }
                    if a.score != b.score { return a.score > b.score }
                    return a.position < b.position
                }
        }
    }

    @Test func searchFindsWhatTheDictionaryVersionFound() {
        var rng = Generator(state: 5)
        let campaigns = (0..<300).map { n in
            Campaign(
                id: "c-\(n)", name: Self.phrase(Int.random(in: 1...4, using: &rng), &rng), objective: Self.phrase(3, &rng),
                segment: Self.phrase(2, &rng), oneLiner: Self.phrase(4, &rng), keyMessages: [Self.phrase(3, &rng)],
                offer: n % 3 == 0 ? .init(promoCode: "CODE\(n % 17)") : nil, tags: [Self.phrase(1, &rng)])
        }
        let state = TeamState(campaigns: campaigns)
        let reference = Reference(campaigns)
        let stopWords = CampaignSearchIndex.stopWords
        var queries = Self.words + ["sprng", "webniar", "maintenanse", "qualitatssicherung", "zuerich", "strasse", "code3",
            "fert", "main", "the", "the campaign", "xqzvw", "spring webinar", "predictive maintenence", "c 12", ""]
        for _ in 0..<200 {
            var word = TextFolding.fold(Self.words.randomElement(using: &rng)!)
            if word.count > 3, Bool.random(using: &rng) {  // a typo or a prefix
                var chars = Array(word)
                let i = Int.random(in: 0..<chars.count - 1, using: &rng)
                if Bool.random(using: &rng) { chars.swapAt(i, i + 1) } else { chars.remove(at: i) }
                word = Bool.random(using: &rng) ? String(chars) : String(word.prefix(Int.random(in: 3...word.count, using: &rng)))
            }
            queries.append(Bool.random(using: &rng) ? word : word + " " + Self.words.randomElement(using: &rng)!)
        }
        for query in queries {
            #expect(state.campaignSearch.search(query) == reference.search(query, stopWords: stopWords), "\(query)")
        }
    }

    /// The brief's words weighted as the index weighs them (its one table of fields), but folded and split by
    /// Foundation (which splits ids at their hyphens too) and kept in a dictionary: the reference for its own
    /// folding and bookkeeping.
    static func foundationWeights(_ campaign: Campaign) -> [String: Double] {
        var weights: [String: Double] = [:]
        CampaignSearchIndex.forEachField(of: campaign) { text, weight in
            for word in TextFoldingTests.referenceWords(text) where weights[word, default: 0] < weight { weights[word] = weight }
        }
        return weights
    }

    static let accented = [
        "Café", "Naïve", "Ñandú", "Øresund", "Straße", "STRASSE", "Größe", "Æble", "Zürich", "Ελλάδα", "東京", "co‑op",
        "“Quoted”", "€99", "don’t", "Crème-brûlée", "Ü-Wagen", "e\u{301}te",
    ]

    /// The index built in bulk at start-up and the one built event by event are the same, and both find what the
    /// Foundation-folded dictionary version found: exact words, prefixes, typos, umlauts typed or spelt out.
    @Test func bulkAndEventIndexesFindWhatFoundationFoldingFound() {
        var rng = Generator(state: 11)
        let pool = Self.words + Self.accented
        func phrase(_ n: Int) -> String { (0..<n).map { _ in pool.randomElement(using: &rng)! }.joined(separator: " ") }
        let campaigns = (0..<400).map { n in
            Campaign(
                id: "c\(n)-" + phrase(2).replacingOccurrences(of: " ", with: n % 5 == 0 ? "--" : "-"),
                name: phrase(Int.random(in: 1...4, using: &rng)), objective: phrase(3), segment: phrase(2),
                oneLiner: phrase(4), keyMessages: [phrase(3), phrase(2)],
                offer: n % 3 == 0 ? .init(promoCode: "CODE\(n % 17)") : nil, tags: [phrase(1), phrase(1)])
        }
        for campaign in campaigns {
            #expect(CampaignSearchIndex.weightedWords(campaign) == Self.foundationWeights(campaign), "\(campaign.id)")
        }
        let bulk = TeamState(campaigns: campaigns)
        var byEvent = TeamState()
        for campaign in campaigns { byEvent.apply(.campaignCreated(campaign)) }
        #expect(bulk.campaignSearch == byEvent.campaignSearch)

        let queries = [
            "spring", "Webinarreihe", "STRASSE", "straße", "strase", "zuerich", "Zürich", "zurich", "cafe", "Café", "naive",
            "nandu", "øresund", "oresund", "ελλαδα", "東京", "co", "op", "quoted", "99", "dont", "don", "creme brulee",
            "ue wagen", "fert", "qual", "gröss", "groesse", "sprnig", "maintenanse", "webniar", "c12", "c5", "code3",
            "the summer", "ete", "xqzvw",
        ]
        let reference = Reference(campaigns, weights: Self.foundationWeights)
        for query in queries {
            let expected = reference.search(query, stopWords: CampaignSearchIndex.stopWords)
            #expect(bulk.campaignSearch.search(query) == expected, "\(query)")
            #expect(byEvent.campaignSearch.search(query) == expected, "\(query)")
        }
        #expect(queries.filter { !bulk.campaignSearch.search($0).isEmpty }.count > queries.count * 3 / 4)

        // Briefs edited afterwards: re-indexed in place by event, or listed twice to `TeamState(campaigns:)`.
        let edited = campaigns.prefix(60).map { campaign in
            var campaign = campaign
            campaign.name = phrase(2)
            campaign.tags = []
            return campaign
        }
        var editedByEvent = byEvent
        for campaign in edited { editedByEvent.apply(.campaignUpdated(campaign)) }
        let editedBulk = TeamState(campaigns: campaigns + edited)
        #expect(editedBulk.campaigns == editedByEvent.campaigns)
        let editedReference = Reference(editedByEvent.campaigns, weights: Self.foundationWeights)
        for query in queries {
            let expected = editedReference.search(query, stopWords: CampaignSearchIndex.stopWords)
            #expect(editedByEvent.campaignSearch.search(query) == expected, "\(query)")
            #expect(editedBulk.campaignSearch.search(query) == expected, "\(query)")
        }
    }
}
