import Foundation
import TandemTesting
import Testing

@testable import TandemCore

/// `overdueHandoffPositions(at:)` reads an index kept in step with every event; it must always say what a scan
/// of every handoff says.
struct OverdueIndexTests {
    static func scan(_ state: TeamState, at now: Date) -> Set<Int> {
        Set(state.handoffs.indices.filter { state.handoffs[$0].isOverdue(at: now) })
    }

    @Test(arguments: 0..<3)
    func theIndexAgreesWithAScanThroughEveryKindOfStep(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var talk = Conversation()
        let reps = ["@sam", "@jonas"]
        for _ in 0..<250 {
            talk.now += Double(Int.random(in: 0...7_200, using: &random))
            let open = talk.state.openHandoffs.sorted()
            switch Int.random(in: 0..<10, using: &random) {
            case _ where open.isEmpty, 0...3:
                let priority = ["hot", "warm", "cool"].randomElement(using: &random)!
                _ = talk.handOff(to: reps.randomElement(using: &random)!, extra: "priority=\(priority)")
            default:
                let handoff = talk.state.handoffs[open.randomElement(using: &random)!]
                let owner = handoff.assignee.flatMap { id in Fixtures.everyone.first { $0.id == id } } ?? Fixtures.sam
                let step = [
                    "handoff accept \(handoff.id)", "handoff reject \(handoff.id) no-budget",
                    "handoff reassign \(handoff.id) to \(reps.randomElement(using: &random)!)", "handoff won \(handoff.id)",
                ].randomElement(using: &random)!
                talk.say(step, as: step.contains("reassign") ? Fixtures.priya : owner)
            }
            for later in [0.0, 3_600, 86_400] {
                #expect(Set(talk.state.overdueHandoffPositions(at: talk.now + later)) == Self.scan(talk.state, at: talk.now + later))
            }
        }
        #expect(!Self.scan(talk.state, at: talk.now).isEmpty, "the walk made some overdue handoffs")
        #expect(Set(talk.state.handoffs.map(\.status)).isSuperset(of: [.pending, .accepted, .rejected, .won]))
        #expect(talk.state.handoffs.contains { $0.history.contains { $0.assignee != nil && $0.actor == "priya" } }, "some were reassigned")

        // Built in one pass on decoding: the same answers.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let decoded = try decoder.decode(TeamState.self, from: encoder.encode(talk.state))
        for later in stride(from: -86_400.0, through: 86_400, by: 1_800) {
            #expect(Array(decoded.overdueHandoffPositions(at: talk.now + later)) == Array(talk.state.overdueHandoffPositions(at: talk.now + later)))
        }
    }
}

/// `CommandHandler.largest` picks the newest handoffs of a list in any order they come.
struct LargestTests {
    @Test(arguments: [0, 1, 29, 30, 31, 100, 4_125])
    func itAgreesWithSortingInEveryOrder(count: Int) {
        var random = SplitMix64(seed: UInt64(count))
        let ascending = Array(0..<count).map { $0 * 3 }
        for values in [ascending, ascending.reversed(), ascending.shuffled(using: &random), ascending.map { $0 % 7 }] {
            #expect(CommandHandler.largest(30, of: values) == Array(values.sorted(by: >).prefix(30)))
        }
    }
}
