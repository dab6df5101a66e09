import Foundation
import Testing

@testable import TandemCore

/// What loading a snapshot relies on in the core: days read from text, handoff ids checked against positions,
/// and a state rebuilt from its stored parts exactly as the events would build it.
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

    @Test func aStateFromItsPartsIsTheStateItsEventsBuild() throws {
        let built = Self.workedState()
        #expect(Set(built.handoffs.map(\.status)).count >= 3)
        let restored = try TeamState(
            campaigns: built.campaigns, handoffs: built.handoffs, meetings: built.meetings,
            sentNotices: built.sentNotices, search: { CampaignSearchIndex(campaigns: built.campaigns) },
            byCampaign: { handoffs throws(TeamState.MisnumberedHandoff) in try .init(handoffs) })
        #expect(restored == built)
    }

    /// Campaigns with the same id are merged (the last one wins, as on `campaign update`), and the search index
    /// is built from what is left rather than taken from the loader.
    @Test func campaignsWithOneIdAreMergedAndIndexedOnce() throws {
        let first = Campaign(id: "spring", name: "Spring roadshow")
        let second = Campaign(id: "SPRING", name: "Frühling webinar")
        var handedOver = false
        let state = try TeamState(
            campaigns: [first, second], handoffs: [], meetings: [], sentNotices: [],
            search: { handedOver = true; return CampaignSearchIndex(campaigns: [first, second]) },
            byCampaign: { handoffs throws(TeamState.MisnumberedHandoff) in try .init(handoffs) })
        #expect(!handedOver)
        #expect(state.campaigns.map(\.name) == ["Frühling webinar"])
        #expect(state == TeamState(campaigns: [first, second]))
    }

    @Test func aHandoffOutOfPlaceIsNamed() {
        let handoffs = Self.workedState().handoffs
        #expect(throws: TeamState.MisnumberedHandoff.self) {
            try TeamState(
                campaigns: [], handoffs: [handoffs[0], handoffs[2]], meetings: [], sentNotices: [], search: { .init() },
                byCampaign: { handoffs throws(TeamState.MisnumberedHandoff) in try .init(handoffs) })
        }
    }
}
