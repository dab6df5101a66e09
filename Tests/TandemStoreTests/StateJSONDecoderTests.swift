import Foundation
import TandemCore
@testable import TandemStore
import TandemTesting
import Testing

/// The store's own JSON decoder must read exactly what Foundation's reads, and refuse what it refuses.
@Suite("State JSON decoder")
struct StateJSONDecoderTests {

    @Test(arguments: [false, true])
    func aWholeStateDecodesAsFoundationDecodesIt(pretty: Bool) throws {
        let snapshot = Snapshot(sequence: 77, state: Samples.state(fraction: 0))
        let data = try StoreFixtures.encoder(pretty: pretty).encode(snapshot)
        let ours = try StateJSONDecoder.decode(Snapshot.self, from: data)
        let theirs = try StoreFixtures.decoder.decode(Snapshot.self, from: data)
        // Everything encoded, compared as Foundation writes it; then what is derived from it on load.
        #expect(Self.difference(ours, theirs) == nil)
        #expect(ours.state.team.openHandoffs == theirs.state.team.openHandoffs)
        #expect(ours.state.team.campaignSearch.search("fruhling") == theirs.state.team.campaignSearch.search("fruhling"))
        // Dates lose their fraction of a second in ISO 8601: compare the rest with the original.
        #expect(ours.state.team.handoffs.map(\.contact) == snapshot.state.team.handoffs.map(\.contact))
        #expect(ours.state.outbox == snapshot.state.outbox)
        #expect(ours.state.team.campaigns.map(\.name) == snapshot.state.team.campaigns.map(\.name))
    }

    /// The first line where two values' pretty JSON differs, nil when none does: `==` of whole states prints
    /// megabytes, and compares derived indexes whose dictionaries' order differs between equal states.
    static func difference(_ a: some Encodable, _ b: some Encodable) -> String? {
        let e = StoreFixtures.encoder(pretty: true)
        let left = String(decoding: (try? e.encode(a)) ?? Data(), as: UTF8.self).split(separator: "\n")
        let right = String(decoding: (try? e.encode(b)) ?? Data(), as: UTF8.self).split(separator: "\n")
        guard let n = zip(left, right).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return left.count == right.count ? nil : "lengths differ"
        }
        return "line \(n + 1): \(left[n]) vs \(right[n])"
    }

    /// Handoffs enough that the decoder splits the array across threads.
    static func manyHandoffs(_ count: Int = 5_000) -> [Handoff] {
        let base = Samples.state(fraction: 0).team.handoffs
        return (0..<count).map { n in
            var handoff = base[n % base.count]
            handoff.id = "H-\(n + 1)"
            handoff.contact.name = "Contact \(n)"
            return handoff
        }
    }

    /// Each of `manyHandoffs()` as one line of JSON, made once for all the tests that break some.
    static let manyHandoffLines: [String] = {
        let compact = StoreFixtures.encoder(pretty: false)
        return manyHandoffs().map { String(decoding: try! compact.encode($0), as: UTF8.self) }
    }()

    @Test func aLongArrayDecodedInPartsKeepsItsOrder() throws {
        let handoffs = Self.manyHandoffs()
        let data = try StoreFixtures.encoder(pretty: false).encode(handoffs)
        let ours = try StateJSONDecoder.decode([Handoff].self, from: data)
        #expect(ours == (try StoreFixtures.decoder.decode([Handoff].self, from: data)))
        #expect(ours.map(\.id) == handoffs.map(\.id))
    }

    /// With bad elements in several parts, the error is the first one, as decoding in one go would report.
    @Test(arguments: [[4_500], [100, 4_500], [2_600, 4_999]])
    func anErrorInALongArrayIsTheFirstOne(bad: [Int]) throws {
        let broken = Self.manyHandoffLines.enumerated().map { n, line in
            bad.contains(n) ? line.replacingOccurrences(of: "\"priority\":\"", with: "\"priority\":\"lukewarm-") : line
        }
        let json = "[\n" + broken.joined(separator: ",\n") + "\n]"
        let failure = #expect(throws: StateJSONDecoder.Failure.self) {
            try StateJSONDecoder.decode([Handoff].self, from: Data(json.utf8))
        }
        #expect(failure?.line == bad[0] + 2)
        #expect(failure?.message.contains("at [\(bad[0])].priority") == true, "\(failure?.message ?? "")")
    }

    @Test func everyEventDecodesAsFoundationDecodesIt() throws {
        let record = JournalRecord(
            sequence: 3, events: Samples.events(fraction: 0), outbox: Samples.outbox, sent: ["reply:m-1:0"], cursor: "c-9")
        let data = try StoreFixtures.encoder(pretty: false).encode(record)
        #expect(try StateJSONDecoder.decode(JournalRecord.self, from: data) == StoreFixtures.decoder.decode(JournalRecord.self, from: data))
    }

    /// Random documents of every JSON shape, written by Foundation, read back by both.
    @Test(arguments: 0..<4)
    func randomDocumentsReadAsFoundationReadsThem(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<50 {
            let value = JSONValue.random(using: &random, depth: 0)
            let data = try JSONEncoder().encode(value)
            let ours = try StateJSONDecoder.decode(JSONValue.self, from: data)
            #expect(ours == (try JSONDecoder().decode(JSONValue.self, from: data)))
            #expect(ours == value)
        }
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""tab\there""#, "tab\there"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00C9 \u20ac""#, "éÉ €"),
        (#""\ud83c\udfed""#, "🏭"),
        (#""Fr\u00fchling 🏭 — ü""#, "Frühling 🏭 — ü"),
        (#""""#, ""),
        (#""\u0000""#, "\u{0}"),
    ])
    func stringsAreUnescaped(json: String, expected: String) throws {
        #expect(try StateJSONDecoder.decode(String.self, from: Data(json.utf8)) == expected)
        #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)) == expected)
    }

    @Test(arguments: [
        ("9223372036854775807", Int.max),
        ("-9223372036854775808", Int.min),
        ("0", 0),
        ("-0", 0),
        ("42", 42),
    ])
    func integers(json: String, expected: Int) throws {
        #expect(try StateJSONDecoder.decode(Int.self, from: Data(json.utf8)) == expected)
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "1.5", "1e3", "\"1\"", "true", "null"])
    func notAnInt(json: String) {
        #expect(throws: StateJSONDecoder.Failure.self) { try StateJSONDecoder.decode(Int.self, from: Data(json.utf8)) }
    }

    @Test(arguments: ["0.1", "-2.5e-3", "1E21", "123456789.125", "1.7976931348623157e308", "5e-324", "3"])
    func doubles(json: String) throws {
        #expect(try StateJSONDecoder.decode(Double.self, from: Data(json.utf8)) == Double(json)!)
    }

    @Test(arguments: [
        "2026-11-30T10:00:00Z", "1969-07-20T20:17:40Z", "2028-02-29T23:59:59Z", "1583-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
        "2026-03-29T01:30:00+02:00", "2026-11-30T10:00:00-05:30", "2026-11-30T10:00:00.250Z",
    ])
    func datesAreReadAsISO8601(text: String) throws {
        let json = Data("\"\(text)\"".utf8)
        let expected = try Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains(".")).parse(text)
        #expect(try StateJSONDecoder.decode(Date.self, from: json) == expected)
    }

    @Test(arguments: ["2026-11-30", "2026-13-01T00:00:00Z", "2026-11-30T10:00:00", "2026-11-30 10:00:00Z", "1796032800"])
    func notADate(text: String) {
        let json = Data((text.first?.isNumber == true && !text.contains("-") ? text : "\"\(text)\"").utf8)
        #expect(throws: StateJSONDecoder.Failure.self) { try StateJSONDecoder.decode(Date.self, from: json) }
    }

    /// Broken documents: refused with the line where reading stopped, never read as something else.
    @Test(arguments: [
        ("", 1, "ends"),
        ("{\n\"a\": 1,\n}", 3, "key in double quotes"),
        ("[1,\n2,\n3", 3, "',' or ']'"),
        ("{\"a\" 1}", 1, "':'"),
        ("\"unterminated", 1, "ends inside a string"),
        ("\"a\u{1}b\"", 1, "control character"),
        ("\"\\x\"", 1, "unknown escape"),
        ("\"\\u12G4\"", 1, "four hexadecimal"),
        ("[01]", 1, "start with 0"),
        ("[1.]", 1, "after '.'"),
        ("[1e]", 1, "exponent"),
        ("[-]", 1, "needs digits"),
        ("[tru]", 1, "unexpected word"),
        ("{}\n{}", 2, "after the end"),
        ("[1]\n\n  x", 3, "after the end"),
        ("{\"a\": @}", 1, "unexpected character '@'"),
    ])
    func syntaxErrorsNameTheirLine(json: String, line: Int, message: String) {
        let failure = #expect(throws: StateJSONDecoder.Failure.self) {
            try StateJSONDecoder.decode(JSONValue.self, from: Data(json.utf8))
        }
        #expect(failure?.line == line)
        #expect(failure?.message.contains(message) == true, "\(failure?.message ?? "")")
    }

    @Test(arguments: [
        [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF5, 0x80, 0x80, 0x80], [0xFF],
    ] as [[UInt8]])
    func invalidUTF8InAStringIsRefused(bytes: [UInt8]) {
        let data = Data([UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")])
        #expect(throws: StateJSONDecoder.Failure.self) { try StateJSONDecoder.decode(String.self, from: data) }
    }

    @Test func nestingBeyondTheLimitIsRefusedWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let failure = #expect(throws: StateJSONDecoder.Failure.self) {
            try StateJSONDecoder.decode(JSONValue.self, from: Data(deep.utf8))
        }
        #expect(failure?.message.contains("nested deeper") == true)
    }

    @Test func aMissingKeyIsNamedWithItsPathAndLine() throws {
        let json = "{\n  \"sequence\": 1,\n  \"state\": {\n    \"outbox\": []\n  }\n}"
        let failure = #expect(throws: StateJSONDecoder.Failure.self) {
            try StateJSONDecoder.decode(Snapshot.self, from: Data(json.utf8))
        }
        #expect(failure?.line == 3)
        #expect(failure?.message.contains("at .state.team") == true, "\(failure?.message ?? "")")
    }

    @Test func aWrongTypeInAnArrayNamesTheElement() throws {
        let json = "[\n\"a\",\n\"b\",\n3\n]"
        let failure = #expect(throws: StateJSONDecoder.Failure.self) {
            try StateJSONDecoder.decode([String].self, from: Data(json.utf8))
        }
        #expect(failure?.line == 4)
        #expect(failure?.message.contains("[2]") == true, "\(failure?.message ?? "")")
    }
}

/// Any JSON value, for documents of random shape.
enum JSONValue: Codable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    static func random(using random: inout SplitMix64, depth: Int) -> JSONValue {
        let pieces = ["a", "Z", "ü", "€", "🏭", "\"", "\\", "/", "\n", "\t", "\u{1}", " ", "é", "key", "\u{7F}"]
        func string() -> String { (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int.random(in: Int.min...Int.max, using: &random) >> Int.random(in: 0...63, using: &random))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &random).rounded(.down) + 0.5)
        case 4: return .string(string())
        case 5: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in .random(using: &random, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { object[string()] = .random(using: &random, depth: depth + 1) }
            return .object(object)
        }
    }
}

/// Seeded mutations of real store files: the decoder never crashes, and whatever it accepts, Foundation's
/// decoder accepts too and reads the same (it is stricter, never looser).
@Suite("State JSON decoder, mutated input")
struct StateJSONDecoderMutationTests {
    static let line: Data = {
        let state = Samples.state(fraction: 0)
        let record = JournalRecord(
            sequence: 9, events: state.team.handoffs.prefix(3).map { .leadHandedOff($0) }, outbox: state.outbox, cursor: "c-9")
        return try! StoreFixtures.encoder().encode(record)
    }()

    @Test(arguments: 0..<8)
    func mutatedRecordsAreReadAsFoundationReadsThemOrRefused(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("{}[]\",:\\0123456789.-+eEtrufalsn \n\u{1}aé".utf8)
        var accepted = 0
        for _ in 0..<300 {
            var bytes = [UInt8](Self.line)
            SplitMix64.damage(&bytes, from: alphabet, using: &random)
            let data = Data(bytes)
            guard let ours = try? StateJSONDecoder.decode(JournalRecord.self, from: data) else { continue }
            accepted += 1
            let theirs = try StoreFixtures.decoder.decode(JournalRecord.self, from: data)
            #expect(ours == theirs, "seed \(seed): \(String(decoding: data, as: UTF8.self))")
        }
        #expect(accepted > 0, "some mutations (inside strings, digits) still read")
    }
}

extension SplitMix64 {
    /// One to three random edits of `bytes`: a byte replaced, removed or inserted (from `alphabet`).
    static func damage(_ bytes: inout [UInt8], from alphabet: [UInt8], using random: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[at] = alphabet.randomElement(using: &random)!
            case 1: bytes.remove(at: at)
            default: bytes.insert(alphabet.randomElement(using: &random)!, at: at)
            }
        }
    }
}
