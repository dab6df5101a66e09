import Foundation
import Testing
import TandemCore

/// What the handlers show must not depend on how they avoid copying a big state.
struct LargeStateTests {
    /// `handoff(after:)` is exactly what `apply` leaves, for every kind of handoff step.
    @Test func handoffAfterAnEventIsWhatApplyLeaves() {
        var talk = Conversation()
        let first = talk.handOff()
        let second = talk.handOff(to: "queue")
        talk.say("handoff accept \(first)", as: Fixtures.sam)
        talk.say("handoff reject \(second) no-budget frozen", as: Fixtures.priya)
        let at = Fixtures.now.addingTimeInterval(600)
        let events: [(String, DomainEvent)] = [
            (first, .handoffWon(HandoffStep(handoff: first, by: "sam", at: at, note: "signed"))),
            (first, .handoffLost(HandoffStep(handoff: first, by: "sam", at: at, reason: "competitor"))),
            (first, .handoffReassigned(HandoffStep(handoff: first, by: "priya", at: at, assignee: "jonas"))),
            (second, .handoffReassigned(HandoffStep(handoff: second, by: "priya", at: at, assignee: nil))),
            (second, .handoffRecycled(HandoffStep(handoff: second, by: "leo", at: at, reason: "bad-timing", revisit: Day(iso: "2027-03-01")))),
            (second, .handoffAccepted(HandoffStep(handoff: second, by: "jonas", at: at))),
        ]
        for (id, event) in events {
            var applied = talk.state
            applied.apply(event)
            #expect(applied.handoff(id: id) != talk.state.handoff(id: id))
            #expect(talk.state.handoff(after: event) == applied.handoff(id: id), "\(event)")
        }
        #expect(talk.state.handoff(after: .handoffAccepted(HandoffStep(handoff: "H-99", by: "sam", at: at))) == nil)
        #expect(talk.state.handoff(after: .noticeSent(NoticeSent(key: "k", at: at))) == nil)
    }

    /// Lists show the count of all matches and the newest 30, newest first.
    @Test func listsShowTheNewestThirtyNewestFirst() {
        var talk = Conversation()
        for _ in 1...45 { _ = talk.handOff() }
        talk.say("handoff accept H-7", as: Fixtures.sam)
        talk.say("handoff reject H-44 no-budget", as: Fixtures.sam)
        let text = talk.say("handoffs mine", as: Fixtures.sam).replies[0].body.plainText
        #expect(text.contains("(44)"))
        #expect(text.contains("Showing the newest 30."))
        let shown = text.matches(of: /H-(\d+)/).compactMap { Int($0.output.1) }
        #expect(shown == Array((15...45).reversed()).filter { $0 != 44 })
        let campaign = talk.say("handoffs campaign spring-launch", as: Fixtures.mia).replies[0].body.plainText
        #expect(campaign.contains("(45)"))
        #expect(campaign.matches(of: /H-(\d+)/).compactMap { Int($0.output.1) } == Array((16...45).reversed()))
    }

    /// The per-campaign positions are what a scan finds, also after the state went through JSON.
    @Test func handoffPositionsPerCampaign() throws {
        var talk = Conversation()
        for n in 1...12 {
            _ = talk.handOff()
            if n % 4 == 0 { talk.say("handoff \"Lead \(n)\" to queue consent=yes campaign=year-end-upgrade", as: Fixtures.leo) }
            if n % 5 == 0 { talk.say("handoff \"Lead \(n)\" to queue consent=yes", as: Fixtures.leo) }
        }
        let decoded = try JSONDecoder().decode(TeamState.self, from: JSONEncoder().encode(talk.state))
        for state in [talk.state, decoded] {
            for id in ["spring-launch", "year-end-upgrade", "summer-retail", "SPRING-LAUNCH"] {
                #expect(state.handoffPositions(campaign: id) == state.handoffs.indices.filter { state.handoffs[$0].campaign == id })
            }
        }
        #expect(talk.state.handoffPositions(campaign: "year-end-upgrade").count == 3)
    }

    /// The open handoffs per assignee and per marketer are what a scan of the open ones finds, through
    /// accepts, rejects, reassignments, recycling and a JSON round trip.
    @Test func openHandoffsPerAssigneeAndMarketer() throws {
        var talk = Conversation()
        for n in 1...16 { _ = talk.handOff(to: n % 3 == 0 ? "queue" : n % 3 == 1 ? "@sam" : "@jonas") }
        talk.say("handoff accept H-1", as: Fixtures.sam)
        talk.say("handoff reject H-4 no-budget", as: Fixtures.sam)
        talk.say("handoff reassign H-2 to @sam", as: Fixtures.priya)
        talk.say("handoff reassign H-5 to queue", as: Fixtures.priya)
        talk.say("handoff accept H-3", as: Fixtures.priya)
        talk.say("handoff won H-1", as: Fixtures.sam)
        talk.say("handoff recycle H-4 bad-timing", as: Fixtures.leo)
        talk.say("handoff \"Mia's lead\" to @jonas consent=yes", as: Fixtures.mia)
        let decoded = try JSONDecoder().decode(TeamState.self, from: JSONEncoder().encode(talk.state))
        for state in [talk.state, decoded] {
            for assignee in ["sam", "jonas", "priya", nil] as [String?] {
                #expect(state.openHandoffPositions(assignee: assignee) == state.openHandoffs.filter { state.handoffs[$0].assignee == assignee })
            }
            for marketer in ["leo", "mia", "sam"] {
                #expect(state.openHandoffPositions(from: marketer) == state.openHandoffs.filter { state.handoffs[$0].from == marketer })
            }
        }
        #expect(talk.state.openHandoffPositions(from: "mia").count == 1)
        let mine = talk.say("handoffs mine", as: Fixtures.mia).replies[0].body.plainText
        #expect(mine.contains("H-17") && !mine.contains("H-16"))
    }
}
