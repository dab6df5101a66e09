import Foundation
import Testing
import TandemTesting
import TandemCore

struct CommandHandlerTests {
    let handler = CommandHandler(team: Fixtures.team)

    func reply(_ text: String, as member: Member = Fixtures.leo) -> String {
        let outcome = handler.handle(text, state: Fixtures.state, context: Fixtures.context(member))
        #expect(outcome.replies.count == 1)
        #expect(outcome.events.isEmpty)
        return outcome.replies.first?.body.plainText ?? ""
    }

    @Test func campaignQuestionNamesTheCampaignAndOffer() {
        let text = reply("campaign spring")
        #expect(text.contains("Spring Launch 2027"))
        #expect(text.contains("SPRING27"))
        #expect(text.contains("campaign show spring-launch"))
    }

    @Test func germanMembersGetGermanAnswers() {
        let text = reply("kampagne frühling", as: Fixtures.mia)
        #expect(text.contains("Angebot"))
        #expect(text.contains("kampagne zeige spring-launch"))
    }

    @Test func severalMatchesAreListed() {
        let text = reply("campaign promo")
        #expect(text.contains("summer-retail"))
    }

    @Test func noMatchOffersTheClosest() {
        let text = reply("campaign winter")
        #expect(text.contains("No campaign matches"))
    }

    @Test func listShowsLiveAndPlannedByDefault() {
        let text = reply("campaign list")
        #expect(text.contains("Year-End Upgrade Offer"))
        #expect(text.contains("Spring Launch 2027"))
        #expect(!text.contains("Summer Retail Promo"))
        #expect(reply("campaign list ended").contains("Summer Retail Promo"))
    }

    @Test func showGivesTheBrief() {
        let text = reply("campaign show spring-launch")
        #expect(text.contains("Segment: Manufacturing"))
        #expect(text.contains("planned"))
    }

    @Test func helpIsGeneratedFromTheTable() {
        let text = reply("help")
        for spec in CommandTable.all where spec.allows(Fixtures.leo) { #expect(text.contains(spec.usage(.en))) }
        #expect(reply("hilfe", as: Fixtures.mia).contains("kampagne liste"))
        #expect(reply("help campaign show").contains("campaign show spring-launch"))
    }

    /// Help lists the commands in table order, one section after another: help, campaigns, handoffs, meetings
    /// and agendas, then the report in a section of its own.
    @Test func helpListsTheCommandsInTableOrder() {
        #expect(CommandTable.all.map(\.name) == [
            "help",
            "campaign list", "campaign show", "campaign add", "campaign set", "campaign note", "campaign archive", "campaign",
            "handoff accept", "handoff reject", "handoff won", "handoff lost", "handoff recycle", "handoff reassign",
            "handoff show", "handoffs", "handoff",
            "meeting add", "meeting list", "meeting show", "meeting skip", "meeting cancel", "meeting ics",
            "agenda add", "agenda done", "agenda",
            "report",
        ])
        let text = reply("help", as: Fixtures.alex)
        let positions = CommandTable.all.compactMap { text.range(of: $0.usage(.en) + " — ")?.lowerBound }
        #expect(positions.count == CommandTable.all.count)
        #expect(positions == positions.sorted())
    }

    @Test func unknownCommandSuggestsCommands() {
        let text = reply("campain list")
        #expect(text.contains("campain"))
        #expect(text.contains("campaign list"))
        #expect(reply("frobnicate").contains("help"))
    }

    @Test func plainQuestionsAreAnsweredInsteadOfUnknownCommand() {
        let text = reply("what's the promo code for spring?")
        #expect(text.contains("SPRING27"))
        #expect(!text.contains("I don't know the command"))
        #expect(reply("wie lautet das Angebot der Frühjahrskampagne?", as: Fixtures.mia).contains("Zweiter Platz gratis"))
        #expect(reply("objections?").contains("Which campaign do you mean?"))
    }

    @Test func helpSaysYouCanJustAsk() {
        #expect(reply("help").contains("You can also just ask, e.g. what's the offer of spring?"))
        #expect(reply("hilfe", as: Fixtures.mia).contains("Du kannst auch einfach fragen, z. B. was ist das Angebot im Frühling?"))
        // The examples in the help text work.
        #expect(reply("what's the offer of spring?").contains("First plant free"))
        #expect(reply("was ist das Angebot im Frühling?", as: Fixtures.mia).contains("First plant free"))
    }

    @Test func malformedCommandGetsUsageInTheMembersLanguage() {
        #expect(reply("campaign show").contains("Usage: campaign show <id>"))
        #expect(reply("kampagne zeige", as: Fixtures.mia).contains("kampagne zeige <ID>"))
    }

    @Test func guestsMayRead() {
        #expect(reply("campaign spring", as: Fixtures.guest).contains("Spring Launch"))
    }

    /// Seeded random input never crashes parse + handle and always gets exactly one reply.
    @Test(arguments: [1, 2, 3])
    func randomInputNeverCrashes(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz äöüßÄÖÜ \"“”„'=-_@!?.,:;/\\*`[](){}#0123456789\n\t🙂é")
        let words = ["campaign", "kampagne", "list", "show", "help", "hilfe", "alle", "=", "\"", "x=1"]
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 40) {
                if rng.next() % 4 == 0 {
                    text += words[Int(rng.next() % UInt64(words.count))] + " "
                } else {
                    text.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                }
            }
            let outcome = handler.handle(text, state: Fixtures.state, context: Fixtures.context(Fixtures.sam))
            #expect(outcome.replies.count == 1, "input: \(text)")
        }
    }
}

