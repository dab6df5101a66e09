import Foundation
import TandemCore
@testable import TandemStore
import Testing

/// The direct handoff reader must read what `Codable` reads, and leave everything else to it.
struct HandoffTapeReaderTests {
    /// Reads each element of a JSON array of handoffs directly; nil where the reader declined.
    static func readDirectly(_ data: Data) throws -> [Handoff?] {
        try StateJSONDecoder.withDocument(data) { document in
            let tape = document.storage.pointee
            var out: [Handoff?] = []
            tape.forEachChild(of: 0) { _, _, element in
                out.append(HandoffTapeReader.read(tape, at: element))
                return true
            }
            return out
        }
    }

    static let encoder = StoreFixtures.encoder()

    /// Every optional field of a handoff, its contact, company and transitions, set or not, in many combinations.
    static func variedHandoffs() -> [Handoff] {
        let base = Samples.state(fraction: 0).team.handoffs
        return (0..<64).map { n in
            var h = base[n % base.count]
            func on(_ bit: Int) -> Bool { (n >> bit) & 1 == 1 }
            h.score = on(0) ? n * 7 - 100 : nil
            h.trigger = on(1) ? "webinar \"Q\(n)\" attended\n" : nil
            h.campaign = on(2) ? "spring-launch" : nil
            h.note = on(3) ? "ruft zurück 🏭" : nil
            h.assignee = on(4) ? "sam" : nil
            h.revisit = on(5) ? Day(iso: "2027-03-01") : nil
            h.contact.title = on(0) ? "CFO" : nil
            h.contact.email = on(1) ? nil : "a@b.example"
            h.contact.phone = on(2) ? "+49 30 1234" : nil
            h.contact.language = on(3) ? "de" : nil
            h.contact.consent = [.yes, .no, .unknown][n % 3]
            h.company = on(4) ? Handoff.Company() : Handoff.Company(
                name: "Kessler\\GmbH", domain: on(0) ? "kessler.example" : nil, industry: on(1) ? "Maschinenbau" : nil,
                size: on(2) ? "200-500" : nil, region: on(3) ? "DACH" : nil, fitGrade: on(5) ? "A" : nil)
            h.priority = Handoff.Priority.allCases[n % 3]
            h.declinedBy = on(5) ? ["jonas", "sam"] : []
            if on(1) {
                h.history.append(.init(status: .rejected, actor: "sam", at: Samples.now, reason: "no-budget", note: "Q3", assignee: nil))
                h.history.append(.init(status: .pending, actor: "priya", at: Samples.now, assignee: "jonas"))
            }
            return h
        }
    }

    @Test func everyCombinationOfFieldsReadsAsCodableReadsIt() throws {
        let data = try Self.encoder.encode(Self.variedHandoffs())
        let direct = try Self.readDirectly(data)
        let codable = try StateJSONDecoder.decode([Handoff].self, from: data)
        #expect(direct.allSatisfy { $0 != nil }, "the reader took every handoff the store writes")
        #expect(direct.compactMap { $0 } == codable)
        #expect(codable == (try StoreFixtures.decoder.decode([Handoff].self, from: data)))
    }

    /// What the store never writes is left to Codable (which reads it or names the problem), keys the model does
    /// not know among them; nulls read as absent. Either way, a long array (read by the reader where it can) reads
    /// as Foundation reads it, or fails where it fails.
    @Test(arguments: [
        (#"{"id":"H-1"}"#, false),
        (#""H-1""#, false),
        (#"REPLACE{"status":"maybe"}"#, false),
        (#"REPLACE{"score":"12"}"#, false),
        (#"REPLACE{"createdAt":"yesterday"}"#, false),
        (#"REPLACE{"history":[{"status":"pending"}]}"#, false),
        (#"REPLACE{"unknownKey":[1,{"x":2}]}"#, false),
        (#"REPLACE{"trigger":null,"note":null}"#, true),
        (#"REPLACE{"n\u006fte":"escaped key"}"#, false),
    ])
    func unexpectedShapesAreLeftToCodable(json: String, reads: Bool) throws {
        let handoff = Self.variedHandoffs()[5]
        var text = json
        if json.hasPrefix("REPLACE") {
            // Merge the given members into a real handoff's object.
            var object = try JSONSerialization.jsonObject(with: Self.encoder.encode(handoff)) as! [String: Any]
            let patch = try JSONSerialization.jsonObject(with: Data(json.dropFirst("REPLACE".count).utf8)) as! [String: Any]
            object.merge(patch) { $1 }
            text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            if json.contains("\\u006f") { text = text.replacingOccurrences(of: "\"note\"", with: "\"n\\u006fte\"") }
        }
        let direct = try Self.readDirectly(Data("[\(text)]".utf8))
        #expect((direct[0] != nil) == reads)
        let long = Data(("[" + Array(repeating: text, count: 4_096).joined(separator: ",") + "]").utf8)
        let foundation = try? StoreFixtures.decoder.decode([Handoff].self, from: long)
        #expect((try? StateJSONDecoder.decode([Handoff].self, from: long)) == foundation)
        if reads { #expect(direct[0] == foundation?[0]) }
    }
}
