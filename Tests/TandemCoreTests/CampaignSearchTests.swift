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

    @Test(arguments: [("kitten", "sitting", 3), ("abc", "acb", 1), ("same", "same", 0), ("spring", "sprnig", 1)])
    func editDistance(a: String, b: String, expected: Int) {
        #expect(TextFolding.distance(a, b, limit: 5) == expected)
    }
}
