import Foundation
import TandemCore

/// Values of the stored model types with every field set, generated from the types themselves: a decoder that
/// answers every question a type's `init(from:)` asks with a value. Every key is present and nothing is null,
/// every list has two elements, every Bool is true, numbers are not zero, and strings hold characters JSON must
/// escape. A property added to a model is set here without anyone listing it; one its `Codable` form leaves out
/// stays at its default, which `unsetFields` names.
///
/// `variant` varies the values and picks the case of each enum (`variant % count`), so variants `0..<n` hold
/// every case of every enum with up to n cases. Enums with payloads have no `CaseIterable` to pick from and
/// are the only values listed by hand (`payloadEnums`).
enum EveryFieldSamples {
    static func make<T: Decodable>(_ type: T.Type, variant: Int) throws -> T {
        try SampleDecoder(variant: variant, codingPath: []).value(type)
    }

    /// The number of variants that holds every case of every enum with a payload below.
    static let payloadEnumCases = 5

    /// Enums whose synthesized `Codable` form keys the payload by the case's name: the generator cannot name
    /// cases it cannot list, so their values are given, one per case.
    fileprivate static func payloadEnum(_ type: Any.Type, variant: Int, text: String) -> Any? {
        func pick<T>(_ cases: [T]) -> T { cases[variant % cases.count] }
        switch type {
        case is Inline.Type:
            return pick([
                Inline.text(text), .bold([.text(text), .code(text)]), .code(text), .link(title: text, url: "https://x.example/\(variant)"),
                .mention(id: "id-\(variant)", name: text),
            ])
        case is Block.Type:
            return pick([Block.paragraph([.text(text), .bold([.text(text)])]), .bullets([[.text(text)], [.code(text)]])])
        case is Recurrence.Rule.Type:
            return pick([
                Recurrence.Rule.weekly(interval: 2, weekdays: [1, 4]), .monthlyOnDay(interval: 1, day: 31),
                .monthlyOnWeekday(interval: 3, ordinal: -1, weekday: 5), Recurrence.Rule.none,
            ])
        default:
            return nil
        }
    }

    /// The paths of the properties in `value` (recursively) that hold their type's default: nil, an empty
    /// collection, false, zero or an empty string. Empty for a value of `make`, unless a property is not stored.
    static func unsetFields(_ value: Any, path: String = "") -> [String] {
        func isZero<N: BinaryInteger>(_ n: N) -> Bool { n == 0 }
        switch value {
        case let b as Bool: return b ? [] : [path]
        case let n as any BinaryInteger: return isZero(n) ? [path] : []
        case let s as String: return s.isEmpty ? [path] : []
        case is Date, is Day: return []
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return [path] }
            return unsetFields(wrapped.value, path: path)
        case .collection, .set, .dictionary:
            guard !mirror.children.isEmpty else { return [path] }
            return mirror.children.enumerated().flatMap { unsetFields($0.element.value, path: "\(path)[\($0.offset)]") }
        default:
            return mirror.children.enumerated().flatMap { n, child in
                unsetFields(child.value, path: path + "." + (child.label ?? "\(n)"))
            }
        }
    }
}

/// A decoder positioned on one value of the sample being made; also its own single-value container.
private struct SampleDecoder: Decoder, SingleValueDecodingContainer {
    let variant: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Text of the key and variant (unique among values of one field), with what JSON escapes: a quote, a
    /// backslash, a newline; and a slash and non-ASCII, which it does not.
    private var text: String {
        (codingPath.last.map { $0.intValue.map(String.init) ?? $0.stringValue } ?? "") + "\(variant)\"ü\\/\n"
    }

    func child(_ key: any CodingKey, variant: Int? = nil) -> SampleDecoder {
        SampleDecoder(variant: variant ?? self.variant, codingPath: codingPath + [key])
    }

    func value<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = EveryFieldSamples.payloadEnum(type, variant: variant, text: text) { return value as! T }
        if let cases = type as? any CaseIterable.Type { return pick(cases) as! T }
        switch type {
        // Whole seconds: the store writes dates to the second, as Foundation's `.iso8601` does.
        case is Date.Type: return Date(timeIntervalSince1970: 1_800_000_000 + Double(variant * 3_607 + codingPath.count)) as! T
        case is Day.Type: return Day(year: 2026 + variant % 3, month: 1 + variant % 12, day: 1 + (variant * 7 + codingPath.count) % 28) as! T
        default: return try T(from: self)
        }
    }

    private func pick<E: CaseIterable>(_ type: E.Type) -> E {
        let cases = Array(type.allCases)
        return cases[variant % cases.count]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedSample<Key>(decoder: self))
    }

    func unkeyedContainer() -> any UnkeyedDecodingContainer { UnkeyedSample(decoder: self) }
    func singleValueContainer() -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) -> Bool { true }
    func decode(_ type: String.Type) -> String { text }
    func decode(_ type: Double.Type) -> Double { Double(variant) + 0.5 }
    func decode(_ type: Float.Type) -> Float { Float(variant) + 0.5 }
    func decode(_ type: Int.Type) -> Int { variant * 7 + codingPath.count + 1 }
    func decode(_ type: Int8.Type) -> Int8 { Int8(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: Int16.Type) -> Int16 { Int16(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: Int32.Type) -> Int32 { Int32(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: Int64.Type) -> Int64 { Int64(variant) | 1 }
    func decode(_ type: UInt.Type) -> UInt { UInt(variant) | 1 }
    func decode(_ type: UInt8.Type) -> UInt8 { UInt8(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: UInt16.Type) -> UInt16 { UInt16(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: UInt32.Type) -> UInt32 { UInt32(truncatingIfNeeded: variant) | 1 }
    func decode(_ type: UInt64.Type) -> UInt64 { UInt64(variant) | 1 }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }
}

/// Every key is there, and none is null.
private struct KeyedSample<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: SampleDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    /// Nothing to list: the generator knows no keys until asked for one (enums with payloads are given whole).
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.child(key).value(type) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedDecodingContainer<NestedKey> {
        decoder.child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer { decoder.child(key).unkeyedContainer() }
    func superDecoder() -> any Decoder { decoder }
    func superDecoder(forKey key: Key) -> any Decoder { decoder.child(key) }
}

/// Two elements, each its own variant (so a set of two keeps two).
private struct UnkeyedSample: UnkeyedDecodingContainer {
    let decoder: SampleDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    let count: Int? = 2
    private(set) var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= count! }

    init(decoder: SampleDecoder) { self.decoder = decoder }

    private mutating func next() -> SampleDecoder {
        defer { currentIndex += 1 }
        return decoder.child(IndexKey(intValue: currentIndex), variant: decoder.variant * 2 + currentIndex)
    }

    mutating func decodeNil() -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().value(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedDecodingContainer<NestedKey> {
        next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer { next().unkeyedContainer() }
    mutating func superDecoder() -> any Decoder { next() }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "\(intValue!)" }
    var intValue: Int?
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
