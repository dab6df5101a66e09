import Foundation

/// An inverted index over campaign briefs for tolerant, ranked look-up.
///
/// Kept inside `TeamState` and updated per event, so a search costs the words of the query, not the size
/// of the state: exact and prefix hits come from the sorted vocabulary, and only words no exact or prefix
/// hit explains are compared by edit distance.
public struct CampaignSearchIndex: Sendable, Equatable {
    /// A ranked hit.
    public struct Hit: Sendable, Equatable {
        public var position: Int
        public var score: Double
        /// True when every word of the query matched somewhere in the brief.
        public var isComplete: Bool
    }

    /// The briefs holding each word, in order of position: indexing briefs in order appends, hashing no positions.
    private var postings: [String: [Posting]] = [:]
    /// The distinct words, sorted, for prefix search.
    private var vocabulary: [String] = []
    private var documentWords: [[String]] = []
    /// The vocabulary again, for typo look-up: grouped by length in unicode scalars and sorted within a group,
    /// each word with its scalars and `TextFolding.scalarMask`, so a typo search compares integers for most
    /// words and allocates nothing per word.
    private var typoCandidates: [[TypoCandidate]] = []

    /// A brief holding a word, and how much the word counts there.
    struct Posting: Sendable, Equatable {
        var position: Int
        var weight: Double
    }

    struct TypoCandidate: Sendable, Equatable {
        var word: String
        var characters: Int
        var scalars: [Unicode.Scalar]
        var mask: UInt64

        init(_ word: String) {
            self.word = word
            characters = word.count
            scalars = Array(word.unicodeScalars)
            mask = TextFolding.scalarMask(scalars)
        }
    }

    /// Words that carry no meaning in a campaign question.
    static let stopWords: Set<String> = [
        "the", "a", "an", "of", "for", "to", "in", "on", "and", "campaign", "campaigns", "der", "die", "das",
        "den", "dem", "des", "fur", "und", "kampagne", "kampagnen", "zur", "zum", "im", "am",
    ]

    public init() {}

    /// The folded words of a brief with how much each counts: id and name most, then tags, then the rest.
    /// The best weight wins when a word appears in several fields.
    public static func weightedWords(_ campaign: Campaign) -> [String: Double] {
        var weights: [String: Double] = [:]
        forEachWord(of: campaign) { word, weight in
            if weights[word, default: 0] < weight { weights[word] = weight }
        }
        return weights
    }

    /// Each word of each field of a brief with the weight of the field, repeats and all: `weightedWords` keeps
    /// the best weight of each word in a dictionary, indexing in the word's postings, hashing each word once.
    static func forEachWord(of campaign: Campaign, _ body: (String, Double) -> Void) {
        forEachField(of: campaign) { text, weight in TextFolding.forEachWord(in: text) { body($0, weight) } }
    }

    /// The one table of what a brief's fields count for: id and name most, then tags, then the rest.
    static func forEachField(of campaign: Campaign, _ body: (String, Double) -> Void) {
        func add(_ text: String?, _ weight: Double) {
            if let text { body(text, weight) }
        }
        add(campaign.id, 3)  // words split "spring-launch" at the hyphen
        add(campaign.name, 3)
        campaign.tags.forEach { add($0, 2) }
        add(campaign.segment, 1)
        add(campaign.oneLiner, 1)
        add(campaign.objective, 0.5)
        campaign.keyMessages.forEach { add($0, 0.5) }
        add(campaign.offer?.promoCode, 1)
    }

    /// The index of `campaigns`, each at its position: what indexing them one by one gives, with the vocabulary
    /// sorted once at the end, as inserting each new word in order costs a move of the words after it.
    public init(campaigns: [Campaign]) {
        documentWords.reserveCapacity(campaigns.count)
        var newWords: [String] = []
        for (position, campaign) in campaigns.enumerated() { post(campaign, at: position, newWords: &newWords) }
        vocabulary = newWords.sorted()
        for word in vocabulary { appendTypoCandidate(word) }  // in order, so each length group is sorted
    }

    /// Indexes (or re-indexes) the campaign at `position`.
    public mutating func index(_ campaign: Campaign, at position: Int) {
        var newWords: [String] = []
        post(campaign, at: position, newWords: &newWords)
        for word in newWords {
            vocabulary.insert(word, at: lowerBound(of: word))
            insertTypoCandidate(word)
        }
    }

    /// Replaces the postings of the campaign at `position`, adding to `newWords` its words the vocabulary lacks.
    private mutating func post(_ campaign: Campaign, at position: Int, newWords: inout [String]) {
        if position < documentWords.count {
            for word in documentWords[position] { postings[word]?.remove(position) }
        }
        while documentWords.count <= position { documentWords.append([]) }
        var words: [String] = []
        Self.forEachWord(of: campaign) { word, weight in
            let known = postings.count
            // One look-up of the word, new or not, seen in this brief already or not.
            if postings[word, default: []].raise(position, to: weight) { words.append(word) }
            if postings.count > known { newWords.append(word) }
        }
        documentWords[position] = words
    }

    /// Hits for `query`, best first. Complete hits (every query word found) come before partial ones.
    public func search(_ query: String) -> [Hit] {
        let all = TextFolding.words(query)
        let words = all.filter { !Self.stopWords.contains($0) }
        let queryWords = words.isEmpty ? all : words
        guard !queryWords.isEmpty else { return [] }
        // Per-document tallies in arrays indexed by position, with lists of the positions touched: a common word
        // matches hundreds of briefs, and hashing each into dictionaries was most of the cost of a search.
        let count = documentWords.count
        var scores = [Double](repeating: 0, count: count)
        var matched = [Int](repeating: 0, count: count)
        var hits: [Int] = []
        var best = [Double](repeating: 0, count: count)  // this word's best credit per document; weights are > 0
        var credited: [Int] = []
        for word in queryWords {
            func credit(_ token: String, _ factor: Double) {
                guard let documents = postings[token] else { return }
                for posting in documents where best[posting.position] < posting.weight * factor {
                    if best[posting.position] == 0 { credited.append(posting.position) }
                    best[posting.position] = posting.weight * factor
                }
            }
            credit(word, 1.0)
            if word.count >= 3 {
                for token in prefixed(by: word) where token != word { credit(token, 0.8) }
            }
            if credited.isEmpty {
                let length = word.count
                let allowance = TextFolding.typoAllowance(forLength: length)
                if allowance > 0 {
                    for token in typoMatches(of: word, characters: length, allowance: allowance) { credit(token, 0.6) }
                }
            }
            for doc in credited {
                if matched[doc] == 0 { hits.append(doc) }
                scores[doc] += best[doc]
                matched[doc] += 1
                best[doc] = 0
            }
            credited.removeAll(keepingCapacity: true)
        }
        return hits.map { doc in
            Hit(position: doc, score: scores[doc], isComplete: matched[doc] == queryWords.count)
        }.sorted { a, b in
            if a.isComplete != b.isComplete { return a.isComplete }
            if a.score != b.score { return a.score > b.score }
            return a.position < b.position
        }
    }

    /// True when some brief holds exactly this folded word. Question reading uses it so that a campaign's
    /// own words are never mistaken for misspelt field words or split as compounds.
    func contains(word: String) -> Bool {
        let i = lowerBound(of: word)
        return i < vocabulary.count && vocabulary[i] == word
    }

    /// Vocabulary words within `allowance` typos of `word` (`characters` long): the same words as testing every
    /// word of the vocabulary with `TextFolding.distance`, but only words of a near length whose scalar masks
    /// allow it get the real test.
    private func typoMatches(of word: String, characters: Int, allowance: Int) -> [String] {
        let scalars = Array(word.unicodeScalars)
        let mask = TextFolding.scalarMask(scalars)
        var matches: [String] = []
        let lengths = max(0, scalars.count - allowance)...(scalars.count + allowance)
        for length in lengths where length < typoCandidates.count {
            for candidate in typoCandidates[length]
            where abs(candidate.characters - characters) <= allowance
                && TextFolding.distanceLowerBound(candidate.mask, mask) <= allowance
                && TextFolding.distance(candidate.scalars, scalars, limit: allowance) <= allowance
            {
                matches.append(candidate.word)
            }
        }
        return matches
    }

    private mutating func insertTypoCandidate(_ word: String) {
        let candidate = TypoCandidate(word)
        while typoCandidates.count <= candidate.scalars.count { typoCandidates.append([]) }
        let at = typoCandidates[candidate.scalars.count].partitioningIndex { $0.word >= word }
        typoCandidates[candidate.scalars.count].insert(candidate, at: at)
    }

    /// For words coming in sorted order only.
    private mutating func appendTypoCandidate(_ word: String) {
        let candidate = TypoCandidate(word)
        while typoCandidates.count <= candidate.scalars.count { typoCandidates.append([]) }
        typoCandidates[candidate.scalars.count].append(candidate)
    }

    private func lowerBound(of word: String) -> Int {
        vocabulary.partitioningIndex { $0 >= word }
    }

    private func prefixed(by prefix: String) -> ArraySlice<String> {
        let low = lowerBound(of: prefix)
        var end = low
        while end < vocabulary.count, vocabulary[end].hasPrefix(prefix) { end += 1 }
        return vocabulary[low..<end]
    }
}

extension [CampaignSearchIndex.Posting] {
    /// Gives the brief at `position` at least `weight`, keeping the list in order of position; true when the
    /// brief was not in the list.
    mutating func raise(_ position: Int, to weight: Double) -> Bool {
        // Indexing briefs in order only ever touches the end of the list.
        let i = last.map { $0.position < position ? count : $0.position == position ? count - 1 : slot(of: position) } ?? 0
        if i < count, self[i].position == position {
            self[i].weight = Swift.max(self[i].weight, weight)
            return false
        }
        insert(.init(position: position, weight: weight), at: i)
        return true
    }

    mutating func remove(_ position: Int) {
        let i = slot(of: position)
        if i < count, self[i].position == position { remove(at: i) }
    }

    /// Where `position` is or would go.
    private func slot(of position: Int) -> Int {
        partitioningIndex { $0.position >= position }
    }
}
