import Foundation
import Testing

@testable import TandemCore

/// What loading a snapshot relies on in the core: days read from text, handoff ids checked against positions,
/// and a state rebuilt from its stored records exactly as the events would build it.
struct StoredPartsTests {
    @Test(arguments: [
        ("2026-11-30", Day(year: 2026, month: 11, day: 30)),
        ("2028-02-29", Day(year: 2028, month: 2, day: 29)),
        ("0001-01-01", Day(year: 1, month: 1, day: 1)),
        ("2026-02-29", nil), ("2026-13-01", nil), ("2026-00-10", nil), ("2026-04-31", nil),
        ("2026-1-05", nil), ("2026-+1-05", nil), ("+202-01-05", nil), ("2026-01-05 ", nil), ("2026/01/05", nil),
        ("", nil), ("2026-01-0x", nil),
    ] as [(String, Day?)])
    func daysAreReadFromTenCharacters(text: String, day: Day?) {
        #expect(Day(iso: text) == day)
        #expect(Day(iso: text[...]) == day, "and from a substring")
    }

    @Test(arguments: [
        ("H-1", 0, true), ("H-10", 9, true), ("H-100000", 99_999, true), ("H-10", 0, false), ("H-01", 0, false),
        ("H-", 0, false), ("h-1", 0, false), ("H1", 0, false), ("H-1x", 0, false), ("H-2", 0, false), ("", 0, false),
    ])
    func handoffIDsAreCheckedAgainstTheirPosition(id: String, position: Int, matches: Bool) {
        #expect(TeamState.isHandoffID(id, position: position) == matches)
        #expect((id == TeamState.handoffID(position: position)) == matches, "the same as comparing the made id")
    }

    /// Handoffs in every status, made through the handlers.
    static func workedState() -> TeamState {
        var talk = Conversation()
        let ids = (0..<12).map { n in talk.handOff(to: n % 3 == 0 ? "queue" : "@sam") }
        talk.say("handoff accept \(ids[1])", as: Fixtures.sam)
        talk.say("handoff reject \(ids[2]) no-budget", as: Fixtures.sam)
        talk.say("handoff accept \(ids[4])", as: Fixtures.sam)
        talk.say("handoff won \(ids[4]) signed", as: Fixtures.sam)
        return talk.state
    }

    @Test func aStateFromItsRecordsIsTheStateItsEventsBuild() throws {
        let built = Self.workedState()
        #expect(Set(built.handoffs.map(\.status)).count >= 3)
        #expect(try TeamState(built.records) == built)
    }

    /// Campaigns with the same id are merged (the last one wins, as on `campaign update`), and the search index
    /// is built from what is left rather than taken from the loader.
    @Test func campaignsWithOneIdAreMergedAndIndexedOnce() throws {
        let first = Campaign(id: "spring", name: "Spring roadshow")
        let second = Campaign(id: "SPRING", name: "Frühling webinar")
        let records = TeamState.Records(campaigns: [first, second])
        let indexes = TeamState.Indexes(
            search: CampaignSearchIndex(campaigns: [first, second]), byCampaign: try .init([]), open: .init([]))
        let state = TeamState(records, indexes: indexes)
        #expect(state.campaigns.map(\.name) == ["Frühling webinar"])
        #expect(state == TeamState(campaigns: [first, second]))
        #expect(try TeamState(records) == state)
    }

    @Test func aHandoffOutOfPlaceIsNamed() {
        let handoffs = Self.workedState().handoffs
        let error = #expect(throws: TeamState.MisnumberedHandoff.self) {
            try TeamState(TeamState.Records(handoffs: [handoffs[0], handoffs[2]]))
        }
        #expect(error?.description == "handoff 2 has the id H-3, not H-2")
    }
}
