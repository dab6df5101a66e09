import Foundation
import Testing
import TandemCore
import TandemStore
import TandemTesting

/// `StateJSONEncoder` writes the same bytes as Foundation's `JSONEncoder` set up as the store set it up before
/// (sorted keys, unescaped slashes, ISO 8601 dates; pretty for snapshots), for our state and for odd values.
@Suite("StateJSONEncoder")
struct StateJSONEncoderTests {
    /// The reference: what wrote journal lines (`pretty: false`) and snapshots (`pretty: true`) before.
    static func foundation(pretty: Bool) -> JSONEncoder { StoreFixtures.encoder(pretty: pretty) }

    static func ours(pretty: Bool) -> StateJSONEncoder { StateJSONEncoder(format: pretty ? .pretty : .compact) }

    /// Both formats give Foundation's bytes; returns the compact text for further checks.
    @discardableResult
    func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        for pretty in [false, true] {
            let expected = try Self.foundation(pretty: pretty).encode(value)
            let actual = try Self.ours(pretty: pretty).encode(value)
            #expect(
                String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                "pretty: \(pretty)", sourceLocation: sourceLocation)
            #expect(actual == expected, "pretty: \(pretty)", sourceLocation: sourceLocation)
        }
        return String(decoding: try Self.ours(pretty: false).encode(value), as: UTF8.self)
    }

    // MARK: - Our state

    @Test func aRealisticStoredState() throws {
        try expectSameBytes(Samples.state(fraction: 0.75))
        try expectSameBytes(Snapshot(sequence: 42, state: Samples.state(fraction: 0)))
    }

    @Test(arguments: Samples.events(fraction: 0.5))
    func everyDomainEvent(_ event: DomainEvent) throws {
        try expectSameBytes(event)
        try expectSameBytes(JournalRecord(sequence: 7, events: [event], outbox: [Samples.outbox[0]], sent: ["k"], cursor: "c"))
    }

    @Test func theEventsCoverEveryCase() {
        let types = Set(Samples.events(fraction: 0).map { String(describing: $0).prefix { $0 != "(" } })
        #expect(types.count == 17)
    }

    @Test func whatItWritesDecodesToTheSameState() throws {
        let state = Samples.state(fraction: 0)
        for pretty in [false, true] {
            let data = try Self.ours(pretty: pretty).encode(Snapshot(sequence: 3, state: state))
            let decoder = StoreFixtures.decoder
            let decoded = try decoder.decode(Snapshot.self, from: data)
            #expect(decoded.sequence == 3)
            #expect(decoded.state.team.campaigns == state.team.campaigns)
            #expect(decoded.state.team.handoffs == state.team.handoffs)
            #expect(decoded.state.team.meetings == state.team.meetings)
            #expect(decoded.state.team.sentNotices == state.team.sentNotices)
            #expect(decoded.state.outbox == state.outbox)
            #expect(decoded.state.cursor == state.cursor)
            #expect(try Self.ours(pretty: pretty).encode(decoded) == data)
        }
        let events = Samples.events(fraction: 0)
        let decoder = StoreFixtures.decoder
        #expect(try decoder.decode([DomainEvent].self, from: Self.ours(pretty: false).encode(events)) == events)
    }

    // MARK: - Strings

    static let someStrings: [String] = [
        "", "plain", String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }), "quote \" backslash \\ slash /",
        "https://example.com/a/b?c=d&e=f#g", "\u{7F} DEL, \u{2028} \u{2029} separators", "emoji 😀 👩‍👩‍👧 🇩🇪",
        "combining e\u{301} a\u{308}\u{304}", "non-BMP 𝄞 𐀀 \u{10FFFF}", "umlauts äöüß Größe", "tab\tnewline\nreturn\r",
        "\\u0041 is not unescaped", "\u{0}", "ends with backslash \\",
    ]

    @Test(arguments: someStrings)
    func strings(_ string: String) throws {
        try expectSameBytes(string)
        try expectSameBytes([string])
        try expectSameBytes([string: string])
    }

    /// Strings are scanned eight bytes at a time: an escaped character at every position of short and long ones.
    @Test func escapesAtEveryPosition() throws {
        var strings: [String] = []
        for length in 1...19 {
            for position in 0..<length {
                for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "😀"] {
                    var characters = Array(repeating: "a", count: length)
                    characters[position] = special
                    strings.append(characters.joined())
                }
            }
        }
        try expectSameBytes(strings)
    }

    @Test func keysAreSortedByTheirUTF8Bytes() throws {
        let keys = ["b", "B", "a", "é", "e", "f", "a10", "a9", "_", "Z", "aa", "ä", "ｚ", "😀", "\u{FFFF}", "𐀀", "", "a b", "a\"", "a\\", "a/", "\u{1}"]
        let text = try expectSameBytes(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }))
        #expect(text.hasPrefix(#"{"":16,"\u0001":21,"B":1,"Z":9,"_":8,"a":2,"#))
    }

    // MARK: - Numbers and dates

    static let someDoubles: [Double] = [
        0, -0.0, 0.1, 1.0 / 3, -2.5, 3, 1e15, 1e16, 1e21, 1e-7, 0.0001, 0.00001, 123456789.125, 1e100, -1e-100,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, .pi,
        9_007_199_254_740_992, 0.1 + 0.2,
    ]

    @Test(arguments: someDoubles)
    func doubles(_ value: Double) throws {
        try expectSameBytes(value)
        try expectSameBytes(["x": value])
        if Float(value).isFinite { try expectSameBytes([Float(value)]) }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteDoublesThrowLikeFoundation(_ value: Double) throws {
        for pretty in [false, true] {
            #expect(throws: EncodingError.self) { try Self.foundation(pretty: pretty).encode(["x": [value]]) }
            let error = #expect(throws: EncodingError.self) { try Self.ours(pretty: pretty).encode(["x": [value]]) }
            guard case .invalidValue(_, let context) = error else {
                Issue.record("not invalidValue: \(String(describing: error))")
                continue
            }
            #expect(context.codingPath.first?.stringValue == "x")
            #expect(context.debugDescription == "Unable to encode Double.\(value) directly in JSON.")
        }
    }

    @Test func integers() throws {
        try expectSameBytes([Int.min, Int.max, 0, -1, 1, 9, 10, 99, 100, -100])
        try expectSameBytes(Samples.Integers())
    }

    static let someDates: [Double] = [
        0, 0.5, 0.999_999, -0.5, -0.001, -1, -86_400.5, 1_000_000_000.999_9, 1_796_032_800.25, 951_782_400,
        -2_208_988_800, -12_219_292_800, -12_219_292_801, -62_135_596_800, 253_402_300_799.9, 253_402_300_800,
        1e12, -1e12, Date.distantPast.timeIntervalSince1970, Date.distantFuture.timeIntervalSince1970,
    ]

    @Test(arguments: someDates)
    func dates(_ secondsSince1970: Double) throws {
        try expectSameBytes(Date(timeIntervalSince1970: secondsSince1970))
        try expectSameBytes(["at": Date(timeIntervalSince1970: secondsSince1970)])
    }

    @Test func randomDates() throws {
        var random = SplitMix64(seed: 8601)
        let dates = (0..<2_000).map { _ in
            Date(timeIntervalSinceReferenceDate: Double.random(in: -14_000_000_000...260_000_000_000, using: &random))
        }
        try expectSameBytes(dates)
    }

    @Test func dataAndURLAsFoundationWritesThem() throws {
        try expectSameBytes(["data": Data([0, 1, 2, 250, 255])])
        try expectSameBytes([URL(string: "https://example.com/a b/ä?q=1")!])
        try expectSameBytes([Decimal(string: "12.50")!])
    }

    // MARK: - Shapes

    @Test func emptyContainersNestedAtEveryDepth() throws {
        try expectSameBytes(Samples.Empties())
        try expectSameBytes([[[String: [Int]]]]([[[:], ["x": []]], []]))
        try expectSameBytes([Samples.NothingEncoded(), Samples.NothingEncoded()])
        try expectSameBytes(Recurrence(.none))
        try expectSameBytes(RichText([]))
    }

    @Test func aValueThatEncodesNothingAtTheTopThrows() {
        #expect(throws: EncodingError.self) { try Self.foundation(pretty: false).encode(Samples.NothingEncoded()) }
        #expect(throws: EncodingError.self) { try Self.ours(pretty: false).encode(Samples.NothingEncoded()) }
    }

    @Test func nilOptionalsAreLeftOutAndExplicitNilsAreNull() throws {
        let text = try expectSameBytes(Samples.Optionals())
        #expect(text == #"{"explicit":null,"nested":[null,1],"present":1}"#)
    }

    @Test func containersOfEveryKind() throws {
        try expectSameBytes(Samples.AllContainers())
    }

    @Test func aContainerUsedOutOfOrderThrows() {
        #expect(throws: EncodingError.self) { try Self.ours(pretty: false).encode(Samples.OutOfOrder()) }
    }

    @Test func aKeyWrittenTwiceKeepsItsLastValue() throws {
        try expectSameBytes(Samples.TwiceKeyed())
    }

    /// Random trees of objects, arrays and scalars: objects of many keys (as `[String: …]` dictionaries give
    /// them), deep nesting, empty containers, values that encode nothing.
    @Test(arguments: 0..<40)
    func randomValues(_ seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9)
        try expectSameBytes(RandomValue.make(depth: 5, using: &random))
    }
}

/// A random JSON-shaped value, encoded through the keyed, unkeyed and single-value containers.
indirect enum RandomValue: Encodable {
    case object([String: RandomValue])
    case array([RandomValue])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case date(Date)
    case null
    case nothing

    static let keyParts = ["id", "name", "a", "B", "zeta", "é", "ä", "😀", "a/b", "q\"", "", "_x", "10", "9", "Größe"]
    static let stringParts = ["x", "\n", "\u{1}", "\"", "\\", "/", "ü", "😀", "e\u{301}", " ", "\u{1F}", "𝄞"]

    static func make(depth: Int, using random: inout SplitMix64) -> RandomValue {
        let roll = Int.random(in: 0..<(depth > 0 ? 12 : 8), using: &random)
        switch roll {
        case 0: return .string((0..<Int.random(in: 0...6, using: &random)).map { _ in stringParts.randomElement(using: &random)! }.joined())
        case 1: return .int(Int.random(in: Int.min...Int.max, using: &random) >> Int.random(in: 0...63, using: &random))
        case 2:
            let bits = Double(bitPattern: random.next())
            return .double(bits.isFinite ? bits : 0.5)
        case 3: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 64)
        case 4: return .bool(Bool.random(using: &random))
        case 5: return .date(Date(timeIntervalSince1970: Double.random(in: -3e9...5e9, using: &random)))
        case 6: return .null
        case 7: return Int.random(in: 0..<4, using: &random) == 0 ? .nothing : .int(0)
        case 8, 9:
            var members: [String: RandomValue] = [:]
            for _ in 0..<Int.random(in: 0...(roll == 8 ? 6 : 40), using: &random) {
                let key = (0..<Int.random(in: 1...3, using: &random)).map { _ in keyParts.randomElement(using: &random)! }.joined()
                members[key] = make(depth: depth - 1, using: &random)
            }
            return .object(members)
        default:
            return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in make(depth: depth - 1, using: &random) })
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for (key, value) in members {
                switch value {
                case .array(let elements) where elements.count == 2:  // through a nested container
                    var nested = c.nestedUnkeyedContainer(forKey: Key(stringValue: key))
                    for element in elements { try nested.encode(element) }
                case .string(let s): try c.encode(s, forKey: Key(stringValue: key))
                case .null: try c.encodeNil(forKey: Key(stringValue: key))
                default: try c.encode(value, forKey: Key(stringValue: key))
                }
            }
        case .array(let elements):
            var c = encoder.unkeyedContainer()
            for element in elements {
                if case .int(let n) = element { try c.encode(n) } else { try c.encode(element) }
            }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .int(let n):
            var c = encoder.singleValueContainer()
            try c.encode(n)
        case .double(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .date(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .nothing:
            break
        }
    }
}
