import Testing
import TandemCore

struct CampaignEditTests {
    @Test func marketingCreatesAndEditsABrief() throws {
        var talk = Conversation()
        let created = talk.say("campaign add \"Winter Webinar 2027\" start=2027-01-12 end=2027-02-28 promo=WINTER", as: Fixtures.leo)
        #expect(created.events.count == 1)
        let campaign = try #require(talk.state.campaign(id: "winter-webinar-2027"))
        #expect(campaign.owner == "Leo")
        #expect(campaign.offer?.promoCode == "WINTER")
        talk.say("campaign set winter-webinar-2027 talking-points=\"Ask about Q1 plans; Mention the recording\" assets=\"Deck|https://example.com/d.pdf\"", as: Fixtures.mia)
        let edited = try #require(talk.state.campaign(id: "winter-webinar-2027"))
        #expect(edited.talkingPoints == ["Ask about Q1 plans", "Mention the recording"])
        #expect(edited.assets == [.init(title: "Deck", url: "https://example.com/d.pdf")])
        #expect(talk.say("campaign winter", as: Fixtures.sam).replies[0].body.plainText.contains("Winter Webinar 2027"))
        // Dates as people type them, in the member's zone (Mia: Berlin; now is Mon 30 Nov 2026).
        talk.say("campaign set winter-webinar-2027 briefing=morgen end=\"15.3.2027\" validuntil=fr", as: Fixtures.mia)
        let dated = try #require(talk.state.campaign(id: "winter-webinar-2027"))
        #expect(dated.briefingDate == Day(iso: "2026-12-01"))
        #expect(dated.end == Day(iso: "2027-03-15"))
        #expect(dated.offer?.validUntil == Day(iso: "2026-12-04"))
    }

    @Test(arguments: [
        "start=soon", "colour=blue", "assets=\"Deck|ftp://x\"", "status=maybe", "objections=\"no pairs\"",
        // Dates a typo makes: the end before the start, and years no campaign has.
        "end=2027-02-01", "start=2027-05-01", "start=0001-01-01", "end=9999-12-31",
    ])
    func wrongFieldsChangeNothing(option: String) {
        var talk = Conversation()
        let outcome = talk.say("campaign set spring-launch \(option)", as: Fixtures.leo)
        #expect(outcome.events.isEmpty)
        #expect(talk.state == Fixtures.state)
    }

    /// The reply names what changed as the brief labels it, in the member's language, not by typed keys.
    @Test func anEditIsConfirmedWithTheFieldsLabels() {
        var talk = Conversation()
        let english = talk.say("campaign set spring-launch talkingpoints=\"One; Two\" promo=X1 whynow=Q1", as: Fixtures.leo)
        #expect(english.replies[0].body.plainText == "Updated Spring Launch 2027: Promo code, Talking points, Why now.")
        let german = talk.say("kampagne setze spring-launch talking-points=\"Eins\"", as: Fixtures.mia)
        #expect(german.replies[0].body.plainText == "Geändert in Spring Launch 2027: Gesprächspunkte.")
    }

    /// Input limits: a paste or a script cannot store a 5,000-character name or make the bot echo 60 KB.
    @Test func oversizedInputIsRefusedSayingTheLimit() {
        var talk = Conversation()
        let long = String(repeating: "x", count: 5_000)
        let tooLong = talk.say("campaign add \"\(long.prefix(121))\"", as: Fixtures.leo)
        #expect(tooLong.events.isEmpty)
        #expect(tooLong.replies[0].body.plainText.contains("at most 120 characters"))
        #expect(talk.say("campaign add \"\(long.prefix(120))\"", as: Fixtures.leo).events.count == 1)
        let huge = talk.say("campaign " + String(repeating: "y", count: 60_000), as: Fixtures.sam)
        #expect(huge.replies[0].body.plainText.contains("too long for me (60009 characters; at most 4000)"))
        let search = talk.say("campaign " + String(repeating: "z", count: 3_000), as: Fixtures.sam)
        #expect(search.replies[0].body.plainText.count < 200)
    }

    @Test func impossibleDatesAreRefusedSayingWhy() {
        var talk = Conversation()
        #expect(talk.say("campaign set spring-launch end=2027-02-01", as: Fixtures.leo).replies[0].body.plainText
            == "The end (2027-02-01) is before the start (2027-03-01).")
        #expect(talk.say("campaign set spring-launch end=9999-12-31", as: Fixtures.mia).replies[0].body.plainText
            .contains("höchstens 10 Jahre von heute"))
    }

    @Test func notesAndArchiving() {
        var talk = Conversation()
        talk.say("campaign note spring-launch \"Prospects ask for SAP connectors\"", as: Fixtures.sam)
        #expect(talk.state.campaign(id: "spring-launch")?.salesNotes.first?.text == "Prospects ask for SAP connectors")
        talk.say("campaign archive summer-retail", as: Fixtures.leo)
        #expect(talk.state.campaign(id: "summer-retail")?.status(on: Day(year: 2026, month: 11, day: 30)) == .archived)
        #expect(talk.say("campaign archive summer-retail", as: Fixtures.leo).events.isEmpty)
        #expect(talk.say("campaign set nope promo=X", as: Fixtures.leo).replies[0].body.plainText.contains("no campaign"))
    }
}
