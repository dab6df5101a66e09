import Foundation
import TandemCore
@testable import TandemStore
import TandemTesting
import Testing

/// A large document parsed in parts on several threads must give exactly what parsing it in one go gives: the
/// same tokens for the same values, and for a broken document the same error at the same place.
@Suite("JSON tape in parts")
struct JSONTapeTests {
    /// An object like a snapshot: a list of random values one per line (as `StateJSONEncoder.Format.records`
    /// writes the state's lists), between other members.
    static func linedDocument(seed: UInt64, elements: Int = 400) -> String {
        var random = SplitMix64(seed: seed)
        let lines = (0..<elements).map { _ in
            String(decoding: try! JSONEncoder().encode(JSONValue.random(using: &random, depth: 1)), as: UTF8.self)
        }
        return "{\"before\":{\"a\":[1,2]},\"list\":[\n" + lines.joined(separator: ",\n") + "],\"after\":[\n1,\n{\"b\":null}]}"
    }

    /// What parsing `text` in `parts` gives: the tokens reachable from the root in document order (kind, offset
    /// and length of each), or the error's offset and message; and how many runs were adopted.
    static func parse(_ text: String, parts: Int) -> (outcome: [String], adopted: Int) {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { raw in
            do throws(JSONTape.SyntaxError) {
                let tape = try JSONTape(parsing: UnsafeRawBufferPointer(raw), parts: parts, parallelFrom: 0)
                var out: [String] = []
                func walk(_ index: Int) {
                    let token = tape.tokens[index]
                    out.append("\(token.kind) \(token.offset) \(token.length)")
                    guard token.kind == .object || token.kind == .array else { return }
                    var child = index + 1
                    for _ in 0..<(token.kind == .object ? 2 : 1) * Int(token.length) {
                        walk(child)
                        child = Int(tape.tokens[child].next)
                    }
                }
                walk(0)
                return (out, tape.adoptedRuns)
            } catch {
                return (["error at \(error.offset): \(error.message)"], 0)
            }
        }
    }

    @Test(arguments: [2, 3, 8, 33])
    func linedDocumentsParseAsInOneGo(parts: Int) {
        for seed in UInt64(0)..<3 {
            let document = Self.linedDocument(seed: seed)
            let whole = Self.parse(document, parts: 1)
            let inParts = Self.parse(document, parts: parts)
            #expect(inParts.outcome == whole.outcome, "seed \(seed)")
            #expect(whole.adopted == 0)
            #expect(inParts.adopted == parts - 1, "every part after the first was parsed on its own thread")
        }
    }

    /// Newlines elsewhere than between list elements (in objects, after an opening bracket, indentation): the
    /// parts that start there are dropped and their bytes parsed by the first part.
    @Test(arguments: [2, 8, 33])
    func prettyDocumentsParseAsInOneGo(parts: Int) throws {
        var random = SplitMix64(seed: 7)
        let value = JSONValue.array((0..<200).map { _ in .random(using: &random, depth: 0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = String(decoding: try encoder.encode(["state": value]), as: UTF8.self)
        #expect(Self.parse(document, parts: parts).outcome == Self.parse(document, parts: 1).outcome)
    }

    /// Seeded damage anywhere (brackets, commas, quotes, newlines that start parts in odd places): parsing in
    /// parts fails with the same error at the same offset, or reads the same tokens.
    @Test(arguments: UInt64(0)..<6)
    func damagedDocumentsFailOrParseAsInOneGo(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let original = Array(Self.linedDocument(seed: seed, elements: 60).utf8)
        let alphabet = Array("{}[]\",:\\\n\n\n 0123456789.-truefalsn\u{1}é".utf8)
        var failed = 0
        for _ in 0..<120 {
            var bytes = original
            SplitMix64.damage(&bytes, from: alphabet, using: &random)
            let document = String(decoding: bytes, as: UTF8.self)
            let whole = Self.parse(document, parts: 1).outcome
            if whole.first?.hasPrefix("error") == true { failed += 1 }
            for parts in [2, 5, 17] {
                #expect(Self.parse(document, parts: parts).outcome == whole, "seed \(seed), \(parts) parts")
            }
        }
        #expect(failed > 0, "some damage breaks the document")
    }

    /// Nesting counts from the top even inside a part parsed on its own: one level too deep is refused there
    /// as it is in one go.
    @Test(arguments: [JSONTape.maximumDepth - 2, JSONTape.maximumDepth - 1])
    func nestingInsideAPartCountsFromTheTop(elementDepth: Int) {
        let deep = String(repeating: "[", count: elementDepth) + String(repeating: "]", count: elementDepth)
        let document = "{\"list\":[\n" + Array(repeating: "1", count: 50).joined(separator: ",\n") + ",\n" + deep + ",\n2]}"
        let whole = Self.parse(document, parts: 1).outcome
        #expect(Self.parse(document, parts: 4).outcome == whole)
        #expect(whole.first?.contains("nested deeper") == (elementDepth == JSONTape.maximumDepth - 1))
    }

    @Test func aSnapshotWrittenOneRecordPerLineDecodesAsFoundationDecodesIt() throws {
        var state = Samples.state(fraction: 0)
        state.team = TeamState(campaigns: state.team.campaigns, handoffs: StateJSONDecoderTests.manyHandoffs(300))
        let data = try StateJSONEncoder.snapshot.encode(Snapshot(sequence: 5, state: state))
        #expect(data.filter { $0 == UInt8(ascii: "\n") }.count >= 300, "a line per handoff")
        let ours = try StateJSONDecoder.decode(Snapshot.self, from: data, parallelFrom: 0)
        let theirs = try StoreFixtures.decoder.decode(Snapshot.self, from: data)
        #expect(StateJSONDecoderTests.difference(ours, theirs) == nil)
        #expect(ours.state.team.openHandoffs == theirs.state.team.openHandoffs)
        #expect(ours.state.team.campaignSearch == theirs.state.team.campaignSearch)
    }

    /// The records format is the compact one with newlines only between the elements of the outer lists.
    @Test func recordsAreCompactJSONWithNewlinesBetweenListElements() throws {
        let snapshot = Snapshot(sequence: 5, state: Samples.state(fraction: 0))
        let records = try StateJSONEncoder(format: .records).encode(snapshot)
        let compact = try StateJSONEncoder(format: .compact).encode(snapshot)
        #expect(Data(records.filter { $0 != UInt8(ascii: "\n") }) == compact)
        let team = snapshot.state.team
        let lines = records.split(separator: UInt8(ascii: "\n"))
        let lists = [team.campaigns.count, team.handoffs.count, team.meetings.count, team.sentNotices.count, snapshot.state.outbox.count]
        #expect(lines.count == 1 + lists.reduce(0, +), "a line for each element of each list, and the one they start on")
    }
}
