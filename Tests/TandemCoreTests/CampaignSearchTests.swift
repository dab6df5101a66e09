import Testing
import TandemCore

struct CampaignSearchTests {
    let state = Fixtures.state

    func topID(_ query: String) -> String? {
        state.campaignSearch.search(query).first.map { state.campaigns[$0.position].id }
    }

    @Test(arguments: [
        ("spring", "spring-launch"),
        ("SPRING", "spring-launch"),
        ("sprng", "spring-launch"),
        ("Frühling", "spring-launch"),
        ("fruehling", "spring-launch"),
        ("Fruhjahr", "fruehjahr-webinar"),
        ("frühjahrs webinar", "fruehjahr-webinar"),
        ("webinarreihe", "fruehjahr-webinar"),
        ("year end", "year-end-upgrade"),
        ("upgrad", "year-end-upgrade"),
        ("roadshow", "security-roadshow"),
        ("securty roadshow", "security-roadshow"),
        ("the summer campaign", "summer-retail"),
        ("SPRING27", "spring-launch"),
    ])
    func findsTheMeantCampaign(query: String, expected: String) {
        #expect(topID(query) == expected)
    }

    @Test func completeMatchesRankBeforePartialOnes() {
        let hits = state.campaignSearch.search("summer security")
        #expect(hits.allSatisfy { !$0.isComplete })
        let spring = state.campaignSearch.search("spring launch")
        #expect(spring.first?.isComplete == true)
    }

    @Test func nothingMatchesGibberish() {
        #expect(state.campaignSearch.search("xqzvw").isEmpty)
    }

    @Test func reindexingReplacesOldWords() {
        var state = Fixtures.state
        var renamed = state.campaign(id: "summer-retail")!
        renamed.name = "Winter Retail Promo"
        state.apply(.campaignCreated(renamed))
        #expect(state.campaignSearch.search("winter").first.map { state.campaigns[$0.position].id } == "summer-retail")
        #expect(state.campaignSearch.search("summer").isEmpty == false)  // still in the id
        #expect(state.campaigns.count == Fixtures.campaigns.count)
    }

    /// The typo look-up only compares words whose letter sets allow a match: that test must never rule out a
    /// word `distance` would accept.
    @Test func scalarMaskBoundNeverExceedsTheDistance() {
        let words = [
            "roadshow", "roadhsow", "qualitaetssicherung", "qualitatssicherung", "fruehjahr", "frühjahr", "ß", "strasse",
            "spring27", "spring72", "summer", "sommer", "zürich", "zuerich", "köln", "koeln", "東京", "東京都", "", "a",
            "aaaa", "abab", "kitten", "sitting", "webinar", "webniar", "wartung", "warten", "ünïcödé", "x1y2z3",
        ]
        for a in words {
            for b in words {
                let sa = Array(a.unicodeScalars), sb = Array(b.unicodeScalars)
                let bound = TextFolding.distanceLowerBound(TextFolding.scalarMask(sa), TextFolding.scalarMask(sb))
                #expect(bound <= TextFolding.distance(sa, sb, limit: 100), "\(a) / \(b)")
                #expect(TextFolding.distance(sa, sb, limit: 2) == TextFolding.distance(a, b, limit: 2))
            }
        }
    }

    @Test func typosOfLongAndFoldedWordsAreFound() {
        let state = TeamState(campaigns: [
            Campaign(id: "qs", name: "Qualitätssicherung Kompakt"),
            Campaign(id: "roadshow", name: "Security Roadshow Zürich"),
            Campaign(id: "other", name: "Summer Retail"),
        ])
        func top(_ query: String) -> String? { state.campaignSearch.search(query).first.map { state.campaigns[$0.position].id } }
        #expect(top("qualitatssicherung") == "qs")
        #expect(top("Qualitätsicherung") == "qs")
        #expect(top("roadhsow") == "roadshow")
        #expect(top("zuerihc") == "roadshow")
        #expect(top("zurcih") == nil)  // two edits from "zuerich": too many for six letters
        #expect(top("sumer") == "other")
        #expect(top("qualitaetssicherungen") == "qs")
        #expect(state.campaignSearch.search("qualitaetssicherungxyz").isEmpty)
    }

    @Test(arguments: [("kitten", "sitting", 3), ("abc", "acb", 1), ("same", "same", 0), ("spring", "sprnig", 1)])
    func editDistance(a: String, b: String, expected: Int) {
        #expect(TextFolding.distance(a, b, limit: 5) == expected)
    }
}
