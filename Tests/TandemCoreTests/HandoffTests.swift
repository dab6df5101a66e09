import Foundation
import Testing
import TandemCore

/// A little conversation driver: runs commands against an evolving state, as the bot loop does.
struct Conversation {
    var state = Fixtures.state
    let handler = CommandHandler(team: Fixtures.team)
    var now = Fixtures.now

    @discardableResult
    mutating func say(_ text: String, as member: Member, in channel: String = "joint") -> Outcome {
        let outcome = handler.handle(text, state: state, context: RequestContext(sender: member, channel: channel, now: now))
        state.apply(outcome.events)
        return outcome
    }

    mutating func handOff(to rep: String = "@sam", extra: String = "") -> String {
        let id = state.nextHandoffID
        let outcome = say("handoff \"Anna Schmidt\" to \(rep) company=\"Kessler GmbH\" consent=yes campaign=spring-launch \(extra)", as: Fixtures.leo)
        #expect(outcome.events.count == 1, "handoff not created: \(outcome.replies.map(\.body.plainText))")
        return id
    }
}

struct HandoffTests {
    /// German agrees with who did it: "Du hast … abgelehnt", "Jonas hat … angenommen".
    @Test func aGermanConfirmationConjugatesTheVerb() throws {
        var talk = Conversation()
        talk.say("handoff \"Anna Schmidt\" to @jonas consent=yes", as: Fixtures.leo)
        let own = talk.say("übergabe annehmen H-1", as: Fixtures.jonas).replies.map(\.body.plainText).joined()
        #expect(own.hasPrefix("Du hast angenommen: H-1"), "\(own)")
        talk.say("handoff \"Ben Roth\" to @jonas consent=yes", as: Fixtures.leo)
        let other = talk.say("handoff reject H-2 no-budget", as: Fixtures.jonas).replies.map(\.body.plainText).joined()
        #expect(other.hasPrefix("Du hast abgelehnt: H-2"), "\(other)")
    }

    @Test func handoffIsAnnouncedToTheRepInTheSalesChannel() throws {
        var talk = Conversation()
        let outcome = talk.say(
            "handoff \"Anna Schmidt\" to @sam company=\"Kessler GmbH\" consent=yes priority=hot campaign=spring \"asked for a demo\"",
            as: Fixtures.leo)
        let handoff = try #require(talk.state.handoff(id: "H-1"))
        #expect(handoff.assignee == "sam")
        #expect(handoff.priority == .hot)
        #expect(handoff.campaign == "spring-launch")
        #expect(handoff.note == "asked for a demo")
        #expect(handoff.firstTouchDue == Fixtures.now.addingTimeInterval(3600))
        let announcement = try #require(outcome.replies.first { $0.channel == "sales" })
        #expect(announcement.body.blocks.contains { block in
            if case .paragraph(let inlines) = block { return inlines.contains(.mention(id: "sam", name: "Sam")) }
            return false
        })
        #expect(announcement.body.plainText.contains("handoff accept H-1"))
        #expect(outcome.replies.first { $0.channel == nil }?.body.plainText.contains("H-1") == true)
    }

    struct ScoreCase: Sendable, CustomTestStringConvertible {
        let score: Int
        let accepted: Bool
        var testDescription: String { "score=\(score)" }
    }

    /// Lead scores are 0–100: both bounds are taken, and a score outside them is answered with the range, in
    /// the sender's language.
    @Test(arguments: [
        ScoreCase(score: -1, accepted: false), ScoreCase(score: 0, accepted: true), ScoreCase(score: 100, accepted: true),
        ScoreCase(score: 101, accepted: false), ScoreCase(score: 1000, accepted: false),
    ], [Fixtures.leo, Fixtures.mia])
    func scoresOutsideZeroToHundredAreRefused(_ score: ScoreCase, _ marketer: Member) {
        var talk = Conversation()
        let command = marketer.language.pick("handoff Anna to @sam consent=yes", "übergabe Anna an @jonas consent=ja")
        let outcome = talk.say("\(command) score=\(score.score)", as: marketer)
        if score.accepted {
            #expect(outcome.events.count == 1)
            #expect(talk.state.handoff(id: "H-1")?.score == score.score)
        } else {
            #expect(outcome.events.isEmpty)
            let lead = marketer.language.pick("Please write it as score=0…100.", "Bitte so schreiben: score=0…100.")
            #expect(outcome.replies.map(\.body.plainText) == [lead])
        }
    }

    @Test func contactsWithoutConsentAreRefused() {
        var talk = Conversation()
        let outcome = talk.say("handoff \"Anna Schmidt\" to @sam", as: Fixtures.leo)
        #expect(outcome.events.isEmpty)
        #expect(outcome.replies[0].body.plainText.contains("consent=yes"))
        #expect(talk.say("handoff Anna to @sam consent=no", as: Fixtures.leo).events.isEmpty)
    }

    @Test func handoffToTheQueueAndToNonSalesPeople() {
        var talk = Conversation()
        #expect(talk.say("handoff Anna to queue consent=yes", as: Fixtures.leo).events.count == 1)
        #expect(talk.state.handoff(id: "H-1")?.assignee == nil)
        #expect(talk.say("handoff Bob to @mia consent=yes", as: Fixtures.leo).events.isEmpty)
        #expect(talk.say("handoff Bob to @nobody consent=yes", as: Fixtures.leo).replies[0].body.plainText.contains("@sam"))
    }

    struct Step: Sendable, CustomTestStringConvertible {
        let commands: [String]  // run in order by sam, the assignee
        let expected: Handoff.Status
        let lastSucceeds: Bool
        var testDescription: String { commands.joined(separator: " → ") }
    }

    @Test(arguments: [
        Step(commands: ["handoff accept H-1"], expected: .accepted, lastSucceeds: true),
        Step(commands: ["annehmen H-1"], expected: .accepted, lastSucceeds: true),
        Step(commands: ["handoff reject H-1 no-budget frozen until Q3"], expected: .rejected, lastSucceeds: true),
        Step(commands: ["handoff reject H-1"], expected: .pending, lastSucceeds: false),
        Step(commands: ["handoff reject H-1 because"], expected: .pending, lastSucceeds: false),
        Step(commands: ["handoff won H-1"], expected: .pending, lastSucceeds: false),
        Step(commands: ["handoff accept H-1", "handoff won H-1"], expected: .won, lastSucceeds: true),
        Step(commands: ["handoff accept H-1", "handoff lost H-1 competitor"], expected: .lost, lastSucceeds: true),
        Step(commands: ["handoff accept H-1", "handoff accept H-1"], expected: .accepted, lastSucceeds: false),
        Step(commands: ["handoff accept H-1", "handoff reject H-1 no-fit"], expected: .accepted, lastSucceeds: false),
        Step(commands: ["handoff reject H-1 bad-timing", "handoff recycle H-1 revisit=2027-03-01"], expected: .recycled, lastSucceeds: true),
        Step(commands: ["handoff reject H-1 bad-timing", "handoff accept H-1"], expected: .rejected, lastSucceeds: false),
        Step(commands: ["handoff recycle H-1"], expected: .pending, lastSucceeds: false),
        Step(commands: ["handoff accept H-1", "handoff won H-1", "handoff lost H-1 competitor"], expected: .won, lastSucceeds: false),
        Step(commands: ["handoff accept H-9"], expected: .pending, lastSucceeds: false),
    ])
    func transitions(_ step: Step) {
        var talk = Conversation()
        _ = talk.handOff()
        var last = Outcome()
        for command in step.commands { last = talk.say(command, as: Fixtures.sam) }
        #expect(talk.state.handoff(id: "H-1")?.status == step.expected)
        #expect(!last.events.isEmpty == step.lastSucceeds, "\(last.replies.map(\.body.plainText))")
    }

    @Test func onlyTheAssigneeOrTheSalesLeadActsOnALead() {
        var talk = Conversation()
        _ = talk.handOff()
        #expect(talk.say("handoff accept H-1", as: Fixtures.jonas).events.isEmpty)
        #expect(talk.say("handoff accept H-1", as: Fixtures.priya).events.count == 1)
    }

    @Test func aRecycledLeadNeverGoesBackToTheRepWhoDeclined() {
        var talk = Conversation()
        _ = talk.handOff()
        talk.say("handoff reject H-1 no-need", as: Fixtures.sam)
        #expect(talk.state.handoff(id: "H-1")?.declinedBy == ["sam"])
        talk.say("handoff recycle H-1 bad-timing", as: Fixtures.leo)
        #expect(talk.state.handoff(id: "H-1")?.assignee == nil)
        let pendingAgain = talk.handOff()
        talk.say("handoff reject \(pendingAgain) no-fit", as: Fixtures.sam)
        _ = talk.handOff(to: "@jonas")
        #expect(talk.say("handoff reassign H-3 to @sam", as: Fixtures.priya).events.count == 1)
        #expect(talk.say("handoff reassign H-1 to @jonas", as: Fixtures.priya).events.isEmpty)  // recycled: closed
    }

    @Test func reassignRefusesAnyoneWhoDeclined() {
        var talk = Conversation()
        _ = talk.handOff(to: "queue")
        talk.say("handoff reassign H-1 to @sam", as: Fixtures.priya)
        #expect(talk.state.handoff(id: "H-1")?.assignee == "sam")
        let reply = talk.say("handoff reassign H-1 to @mia", as: Fixtures.priya)
        #expect(reply.events.isEmpty)
    }

    @Test func listsShowMineOpenAndOverdue() {
        var talk = Conversation()
        _ = talk.handOff()
        _ = talk.handOff(to: "@jonas")
        #expect(talk.say("handoffs mine", as: Fixtures.sam).replies[0].body.plainText.contains("H-1"))
        #expect(!talk.say("handoffs", as: Fixtures.sam).replies[0].body.plainText.contains("H-2"))
        #expect(talk.say("handoffs open", as: Fixtures.sam).replies[0].body.plainText.contains("H-2"))
        #expect(talk.say("handoffs overdue", as: Fixtures.priya).replies[0].body.plainText.contains("none"))
        talk.now += 5 * 3600
        let overdue = talk.say("übergaben überfällig", as: Fixtures.jonas).replies[0].body.plainText
        #expect(overdue.contains("H-1") && overdue.contains("ÜBERFÄLLIG"))
        #expect(talk.say("handoffs campaign spring-launch", as: Fixtures.mia).replies[0].body.plainText.contains("H-2"))
        #expect(talk.say("handoffs @jonas", as: Fixtures.priya).replies[0].body.plainText.contains("H-2"))
    }

    @Test func statsFollowFromTheEvents() {
        var talk = Conversation()
        for _ in 0..<4 { _ = talk.handOff() }
        talk.say("handoff accept H-1", as: Fixtures.sam)
        talk.say("handoff won H-1", as: Fixtures.sam)
        talk.say("handoff reject H-2 no-budget", as: Fixtures.sam)
        talk.now += 10 * 3600
        talk.say("handoff reject H-3 no-budget", as: Fixtures.sam)
        talk.say("handoff accept H-4", as: Fixtures.sam)
        talk.say("handoff lost H-4 competitor", as: Fixtures.sam)
        let stats = HandoffStats(talk.state.handoffs, now: talk.now)
        #expect(stats.handedOff == 4)
        #expect(stats.accepted == 2)
        #expect(stats.rejected == 2)
        #expect(stats.rejectedByReason == ["no-budget": 2])
        #expect(stats.won == 1)
        #expect(stats.lost == 1)
        #expect(stats.slaDecided == 4)
        #expect(stats.slaKept == 2)
        #expect(stats.slaKeptPercent == 50)
        #expect(talk.say("campaign show spring-launch", as: Fixtures.sam).replies[0].body.plainText.contains("4 handed off"))
    }

    @Test func businessHoursMoveTheDeadline() {
        let levels = ServiceLevels(warmMinutes: 240, businessHours: .init(startHour: 9, endHour: 17))
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // Friday 2026-12-04 15:00 Berlin (14:00Z) + 4 business hours → Monday 2026-12-07 11:00 Berlin (10:00Z).
        let friday = Date(timeIntervalSince1970: 1_796_392_800)
        let due = levels.due(from: friday, priority: .warm, zone: berlin)
        #expect(due == Date(timeIntervalSince1970: 1_796_637_600))
        // Saturday evening → Monday 13:00 Berlin.
        let saturday = Date(timeIntervalSince1970: 1_796_497_200)
        #expect(levels.due(from: saturday, priority: .warm, zone: berlin) == Date(timeIntervalSince1970: 1_796_644_800))
    }

    @Test func eventsRoundTripThroughJSONWithAStableShape() throws {
        var talk = Conversation()
        _ = talk.handOff()
        let step = HandoffStep(handoff: "H-1", by: "sam", at: Fixtures.now, reason: "no-budget")
        let events: [DomainEvent] = [
            .leadHandedOff(talk.state.handoffs[0]), .handoffRejected(step),
            .salesNoteAdded(SalesNoteAdded(campaign: "spring-launch", note: .init(author: "Sam", at: Fixtures.now, text: "x"))),
            .campaignArchived(CampaignArchived(campaign: "summer-retail", by: "leo", at: Fixtures.now)),
        ]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for event in events {
            let data = try encoder.encode(event)
            #expect(try decoder.decode(DomainEvent.self, from: data) == event)
        }
        let json = String(decoding: try encoder.encode(DomainEvent.handoffRejected(step)), as: UTF8.self)
        #expect(json == #"{"at":"2026-11-30T10:00:00Z","by":"sam","handoff":"H-1","reason":"no-budget","type":"handoffRejected"}"#)
    }
}

struct RoleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let command: String
        let allowed: Set<String>
        var testDescription: String { command }
    }

    /// Which sample member may run what; everyone else is refused with a message naming who may.
    @Test(arguments: [
        Case(command: "campaign add \"Winter Promo\"", allowed: ["mia", "leo", "alex"]),
        Case(command: "campaign set spring-launch promo=NEW", allowed: ["mia", "leo", "alex"]),
        Case(command: "campaign archive summer-retail", allowed: ["mia", "leo", "alex"]),
        Case(command: "campaign note spring-launch \"heard about SAP\"", allowed: ["mia", "leo", "sam", "jonas", "priya", "alex", "zoe"]),
        Case(command: "handoff Bob to @sam consent=yes", allowed: ["mia", "leo", "alex"]),
        Case(command: "handoff accept H-1", allowed: ["sam", "priya", "alex"]),
        Case(command: "handoff reassign H-1 to @jonas", allowed: ["priya", "alex"]),
        Case(command: "handoff show H-1", allowed: ["mia", "leo", "sam", "jonas", "priya", "alex", "zoe"]),
        Case(command: "campaign list", allowed: ["mia", "leo", "sam", "jonas", "priya", "alex", "zoe"]),
    ])
    func commandsAreAllowedOnlyForTheirRoles(_ c: Case) {
        for member in Fixtures.everyone {
            var talk = Conversation()
            _ = talk.handOff()
            let outcome = talk.say(c.command, as: member)
            let reply = outcome.replies.first?.body.plainText.lowercased() ?? ""
            let refused = reply.contains("only") || reply.contains("nur ")
            if c.allowed.contains(member.id) {
                #expect(!refused, "\(member.id) was refused: \(c.command)")
            } else {
                #expect(refused && outcome.events.isEmpty, "\(member.id) was not refused: \(c.command)")
            }
        }
    }

    @Test func helpHidesWhatTheMemberMayNotRun() {
        let handler = CommandHandler(team: Fixtures.team)
        let forSales = handler.handle("help", state: Fixtures.state, context: Fixtures.context(Fixtures.sam)).replies[0].body.plainText
        #expect(!forSales.contains("campaign add"))
        #expect(forSales.contains("handoff accept"))
        let forMarketing = handler.handle("help", state: Fixtures.state, context: Fixtures.context(Fixtures.leo)).replies[0].body.plainText
        #expect(forMarketing.contains("campaign add"))
        #expect(!forMarketing.contains("handoff reassign"))
    }
}
