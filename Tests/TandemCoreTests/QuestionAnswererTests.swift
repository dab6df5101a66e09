import Foundation
import Testing
import TandemTesting
import TandemCore

/// One question and what Tandem should make of it.
struct QuestionCase: Sendable, CustomTestStringConvertible {
    /// What the question should be understood to be about.
    enum Target: Sendable {
        case campaign(String)
        case ambiguous([String])
        case notAQuestion
    }

    var input: String
    var language: Language = .en
    var field: CampaignField?
    var target: Target
    /// A piece of the answer's plain text that proves the right thing was said.
    var answerContains: String = ""

    var testDescription: String { "\(language.rawValue): \(input)" }
}

@Suite("Campaign questions in plain words")
struct QuestionAnswererTests {
    let state = Fixtures.state
    /// 2026-11-30 in Berlin: the year-end offer and the roadshow are live, spring and the webinar planned.
    let today = Day(Fixtures.now, in: Fixtures.team.zone)

    static let cases: [QuestionCase] = [
        // The questions from the brief.
        .init(input: "what's the promo code for spring?", field: .promoCode, target: .campaign("spring-launch"), answerContains: "SPRING27"),
        .init(input: "wie lautet das Angebot der Frühjahrskampagne?", language: .de, field: .offer, target: .campaign("fruehjahr-webinar"), answerContains: "Angebot: Zweiter Platz gratis"),
        .init(input: "when does the year end offer end?", field: .end, target: .campaign("year-end-upgrade"), answerContains: "End: 31 Dec 2026"),
        .init(input: "who owns the roadshow?", field: .owner, target: .campaign("security-roadshow"), answerContains: "Owner: Leo"),
        .init(input: "what should I not say about spring", field: .doNotSay, target: .campaign("spring-launch"), answerContains: "• Guaranteed savings"),
        .init(input: "talking points spring", field: .talkingPoints, target: .campaign("spring-launch"), answerContains: "• Uses the sensors already there"),
        .init(input: "was sage ich zur Frühlingskampagne", language: .de, field: .talkingPoints, target: .campaign("spring-launch"), answerContains: "Gesprächspunkte:"),
        .init(input: "objections?", field: .objections, target: .ambiguous(["year-end-upgrade", "security-roadshow"]), answerContains: "You asked about objections. Which campaign do you mean?"),
        .init(input: "promo cod for sprng", field: .promoCode, target: .campaign("spring-launch"), answerContains: "SPRING27 (valid until 30 Apr 2027)"),
        .init(input: "Frühlingsangebot?", language: .de, field: .offer, target: .campaign("spring-launch"), answerContains: "First plant free — Code SPRING27"),
        .init(input: "hello there", target: .notAQuestion),
        .init(input: "frobnicate", target: .notAQuestion),
        // The help text's own examples.
        .init(input: "what's the offer of spring?", field: .offer, target: .campaign("spring-launch"), answerContains: "Offer: First plant free — code SPRING27"),
        .init(input: "was ist das Angebot im Frühling?", language: .de, field: .offer, target: .campaign("spring-launch"), answerContains: "gültig bis 30. Apr. 2027"),
        // Dates: a "when" narrows to the date asked for.
        .init(input: "when does spring start?", field: .start, target: .campaign("spring-launch"), answerContains: "Start: 1 Mar 2027"),
        .init(input: "wann startet die Frühlingskampagne?", language: .de, field: .start, target: .campaign("spring-launch"), answerContains: "1. März 2027"),
        .init(input: "bis wann läuft das Webinar?", language: .de, field: .end, target: .campaign("fruehjahr-webinar"), answerContains: "Ende: 31. März 2027"),
        .init(input: "how long does the roadshow run?", field: .dates, target: .campaign("security-roadshow"), answerContains: "1 Oct 2026 – 15 Dec 2026 (live)"),
        .init(input: "when does the spring offer end", field: .end, target: .campaign("spring-launch"), answerContains: "30 Apr 2027"),
        // "target" means the segment; only target numbers mean the KPI.
        .init(input: "who is the target for spring?", field: .segment, target: .campaign("spring-launch"), answerContains: "Segment: Manufacturing"),
        .init(input: "target numbers for spring", field: .kpi, target: .campaign("spring-launch"), answerContains: "KPI: 120 MQLs"),
        .init(input: "what's the goal of spring", field: .kpi, target: .campaign("spring-launch"), answerContains: "€1.5M pipeline"),
        // More fields, both languages.
        .init(input: "Einwände Frühling", language: .de, field: .objections, target: .campaign("spring-launch"), answerContains: "„We already have an MES“ → Tandem reads from it"),
        .init(input: "deck for spring launch", field: .assets, target: .campaign("spring-launch"), answerContains: "Launch deck (https://example.com/spring/deck)"),
        .init(input: "competitors spring", field: .competitors, target: .campaign("spring-launch"), answerContains: "Acme needs new sensors"),
        .init(input: "spring vs acme", field: .competitors, target: .campaign("spring-launch"), answerContains: "Competitors:"),
        .init(input: "exclusions spring", field: .exclusions, target: .campaign("spring-launch"), answerContains: "Existing customers"),
        .init(input: "discovery questions for spring", field: .discoveryQuestions, target: .campaign("spring-launch"), answerContains: "How do you see downtime today?"),
        .init(input: "Kanäle der Frühlingskampagne", language: .de, field: .channels, target: .campaign("spring-launch"), answerContains: "Kanäle: email, trade fair"),
        .init(input: "is the roadshow live?", field: .status, target: .campaign("security-roadshow"), answerContains: "Status: live, 1 Oct 2026 – 15 Dec 2026"),
        .init(input: "status webinar", field: .status, target: .campaign("fruehjahr-webinar"), answerContains: "planned"),
        .init(input: "what's the promo code for the year-end-upgrade?", field: .promoCode, target: .campaign("year-end-upgrade"), answerContains: "YEAREND25"),
        .init(input: "what's the promo code for spring?", language: .de, field: .promoCode, target: .campaign("spring-launch"), answerContains: "Aktionscode: SPRING27 (gültig bis"),
        // No field: the summary.
        .init(input: "spring?", target: .campaign("spring-launch"), answerContains: "Offer: First plant free"),
        .init(input: "year end offer?", target: .campaign("year-end-upgrade"), answerContains: "Year-End Upgrade Offer (live"),
        // Nothing on record: say so and name whom to ask.
        .init(input: "objections for the year end upgrade", field: .objections, target: .campaign("year-end-upgrade"), answerContains: "has nothing on record for objections yet.\nAsk Mia, who owns it."),
        .init(input: "wer ist die Zielgruppe der Roadshow", language: .de, field: .segment, target: .campaign("security-roadshow"), answerContains: "ist zu „Zielgruppe“ noch nichts hinterlegt.\nFrag am besten Leo"),
        .init(input: "promo code summer retail", field: .promoCode, target: .campaign("summer-retail"), answerContains: "Ask Marketing who runs it."),
        .init(input: "who runs summer retail?", field: .owner, target: .campaign("summer-retail"), answerContains: "has no owner on record yet"),
        // Unclear campaign: ask, with the candidates.
        .init(input: "offer for spring and summer", field: .offer, target: .ambiguous(["spring-launch", "summer-retail"]), answerContains: "• Spring Launch 2027 spring-launch"),
        .init(input: "what's the deal", field: .offer, target: .ambiguous(["year-end-upgrade", "security-roadshow"]), answerContains: "campaign show <id>"),
        .init(input: "Einwände?", language: .de, field: .objections, target: .ambiguous(["year-end-upgrade", "security-roadshow"]), answerContains: "Du fragst nach „Einwände“. Welche Kampagne meinst du?"),
        // A question word alone is not a question about a campaign.
        .init(input: "who are you?", target: .notAQuestion),
        .init(input: "wann?", language: .de, target: .notAQuestion),
        .init(input: "campain list", target: .notAQuestion),
        .init(input: "was ist noch offen?", language: .de, target: .notAQuestion),
    ]

    func ids(_ positions: [Int]) -> [String] { positions.map { state.campaigns[$0].id } }

    @Test(arguments: cases)
    func understandsAndAnswers(_ question: QuestionCase) throws {
        let understanding = QuestionAnswerer.understand(question.input, state: state, today: today)
        if case .notAQuestion = question.target {
            #expect(understanding == nil)
            return
        }
        let understood = try #require(understanding)
        #expect(understood.field == question.field)
        switch question.target {
        case .campaign(let id):
            #expect(understood.campaignPosition.map { state.campaigns[$0].id } == id)
            #expect(understood.ambiguous.isEmpty)
        case .ambiguous(let expected):
            #expect(understood.campaignPosition == nil)
            #expect(Set(ids(understood.ambiguous)) == Set(expected))
        case .notAQuestion:
            break
        }
        let member = question.language == .de ? Fixtures.mia : Fixtures.leo
        let answer = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(member), today: today)
            .plainText
        #expect(answer.contains(question.answerContains), "answer: \(answer)")
        if case .campaign(let id) = question.target {
            let full = question.language == .de ? "Ganzes Briefing: kampagne zeige " : "Full brief: campaign show "
            #expect(answer.hasSuffix(full + id), "answer: \(answer)")
        }
    }

    @Test func theOnlyLiveCampaignIsAssumedAndSaidSo() throws {
        let december20 = Day(year: 2026, month: 12, day: 20)  // only the year-end offer is live
        let understood = try #require(QuestionAnswerer.understand("objections?", state: state, today: december20))
        #expect(understood.campaignIsAssumed)
        #expect(understood.campaignPosition.map { state.campaigns[$0].id } == "year-end-upgrade")
        let english = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(Fixtures.leo), today: december20)
        #expect(english.plainText.hasPrefix("I assume you mean Year-End Upgrade Offer, the only live campaign."))
        let german = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(Fixtures.mia), today: december20)
        #expect(german.plainText.hasPrefix("Ich nehme an, du meinst Year-End Upgrade Offer, die einzige laufende Kampagne."))
    }

    @Test func anUnknownCampaignNameIsNotReplacedByTheLiveOne() throws {
        let december20 = Day(year: 2026, month: 12, day: 20)
        let understood = try #require(QuestionAnswerer.understand("offer for winter?", state: state, today: december20))
        #expect(understood == QuestionUnderstanding(field: .offer, ambiguous: [1]))
        let text = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(Fixtures.leo), today: december20)
        #expect(text.plainText.contains("Which campaign do you mean?"))
    }

    @Test func withNothingLiveItAsksAndPointsToTheList() throws {
        let summer = Day(year: 2027, month: 6, day: 1)
        let understood = try #require(QuestionAnswerer.understand("promo code?", state: state, today: summer))
        #expect(understood == QuestionUnderstanding(field: .promoCode))
        let text = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(Fixtures.leo), today: summer)
        #expect(text.plainText.contains("None is live right now."))
        #expect(text.plainText.contains("campaign list all"))
    }

    @Test func anUnderstandingWithAStalePositionStillGetsAnAnswer() {
        let stale = QuestionUnderstanding(field: .offer, campaignPosition: 99, ambiguous: [42, -1])
        let text = QuestionAnswerer.answer(stale, state: state, context: Fixtures.context(Fixtures.sam), today: today)
        #expect(text.plainText.contains("Which campaign do you mean?"))
    }

    @Test(arguments: CampaignField.allCases)
    func everyFieldHasALabelInBothLanguages(_ field: CampaignField) {
        #expect(!field.label(.en).isEmpty)
        #expect(!field.label(.de).isEmpty)
    }

    /// Seeded random questions, built from field words, campaign words and noise, never crash and always
    /// give positions inside the state and a non-empty answer.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomQuestionsNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let words = [
            "what's", "the", "promo", "code", "for", "spring", "year", "end", "offer", "wann", "endet", "wer", "who",
            "Frühjahrskampagne", "frühlingsangebot", "einwände", "talking", "points", "not", "say", "roadshow", "vs",
            "target", "numbers", "live", "läuft", "kampagne", "summer", "retail", "when", "does", "sprng", "cod",
        ]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz äöüßÄÖÜ-'?.,!0123456789🙂é\n")
        let days = [today, Day(year: 2026, month: 12, day: 20), Day(year: 2027, month: 6, day: 1)]
        for _ in 0..<1_500 {
            var text = ""
            for _ in 0..<Int(rng.next() % 12) {
                if rng.next() % 3 == 0 {
                    for _ in 0..<Int(rng.next() % 8) { text.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
                } else {
                    text += words[Int(rng.next() % UInt64(words.count))]
                }
                text += rng.next() % 5 == 0 ? "" : " "
            }
            let day = days[Int(rng.next() % UInt64(days.count))]
            guard let understood = QuestionAnswerer.understand(text, state: state, today: day) else { continue }
            #expect(understood.campaignPosition.map(state.campaigns.indices.contains) ?? true, "input: \(text)")
            #expect(understood.ambiguous.allSatisfy(state.campaigns.indices.contains), "input: \(text)")
            for member in [Fixtures.leo, Fixtures.mia] {
                let answer = QuestionAnswerer.answer(understood, state: state, context: Fixtures.context(member), today: day)
                #expect(!answer.plainText.isEmpty, "input: \(text)")
            }
        }
    }
}
