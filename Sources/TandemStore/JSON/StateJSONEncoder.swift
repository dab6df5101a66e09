import Foundation

/// Encodes `Encodable` values as JSON, byte for byte as Foundation's `JSONEncoder` does with
/// `outputFormatting = [.sortedKeys, .withoutEscapingSlashes]` (`.compact`) or
/// `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]` (`.pretty`) and `dateEncodingStrategy = .iso8601`;
/// `.records` is `.compact` with newlines between the elements of the outer lists.
///
/// Why not `JSONEncoder`: it first builds a tree of every value (dictionaries of enums of strings), then writes
/// it, which for a big state takes seconds and much memory. This encoder writes bytes into one
/// growing buffer as values arrive. Only an object's members need reordering (their keys come in declaration
/// order, the output is sorted): each object is written where it stands and, when it ends, its members (whole
/// byte ranges) are put in key order in place.
///
/// Foundation's behaviours kept: keys sorted by their UTF-8 bytes; `"`, `\` and control characters escaped
/// (`\b \f \n \r \t`, else `\u00xx` in lowercase hex), `/` and non-ASCII not; numbers as their `description`
/// (Double drops a trailing `.0`); NaN and infinities throw `EncodingError.invalidValue`; dates as
/// `yyyy-MM-ddTHH:mm:ssZ` in UTC, fractional seconds cut off (rounded down); `Data` as Base64, `URL` as its
/// absolute string; a value that encodes nothing as `{}`; a key written twice keeps its last value.
///
/// Limits (our types never hit them; each is an `EncodingError`, never wrong output): a container must be
/// finished before its parent is written to again, as synthesized and hand-written `encode(to:)` do; a value
/// encoded through a single-value container cannot be extended through another container afterwards. Not
/// kept: keys that differ in bytes but are equal as `String` (canonically equivalent) are not merged, and
/// nesting has no depth limit (Foundation stops at 512).
public struct StateJSONEncoder: Sendable {
    public enum Format: Sendable {
        case compact, pretty
        /// Compact, but each element of the arrays in the outer four levels of nesting on a line of its own: a
        /// snapshot's campaigns, handoffs, meetings and outbox, one per line (as `[\n` first, then `,\n`
        /// between elements). Readers can then split the file between cores at newlines (see `JSONTape`),
        /// and people can page and grep it.
        case records
    }

    public var format: Format

    public init(format: Format = .compact) {
        self.format = format
    }

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        let writer = Writer(pretty: format == .pretty, lineDepth: format == .records ? 3 : -1)
        try writer.encodeTopLevel(value)
        return writer.takeData()
    }
}

// MARK: - Encoders

/// What the writer (the encoder of the value being written) and a super encoder share: a slot that takes one
/// value, through a container or as a single value.
protocol StateJSONEncoderSlot: Encoder, SingleValueEncodingContainer {
    var writer: StateJSONEncoder.Writer { get }
    /// Where this encoder's value goes; throws when that place is gone (the encoder was kept too long).
    func slot() throws -> StateJSONEncoder.Slot
}

extension StateJSONEncoderSlot {
    var codingPath: [any CodingKey] { (try? slot()).map { writer.codingPath(upTo: $0.level) } ?? [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (frame, id) = writer.container(at: Result(catching: { try slot() }), object: true)
        return KeyedEncodingContainer(StateJSONEncoder.KeyedContainer<Key>(writer: writer, frame: frame, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (frame, id) = writer.container(at: Result(catching: { try slot() }), object: false)
        return StateJSONEncoder.UnkeyedContainer(writer: writer, frame: frame, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { try writer.claim(slot()); writer.literal("null") }
    func encode(_ value: Bool) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: String) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: Double) throws {
        let s = try slot()
        try writer.claim(s)
        try writer.write(value, level: s.level)
    }
    func encode(_ value: Float) throws {
        let s = try slot()
        try writer.claim(s)
        try writer.write(value, level: s.level)
    }
    func encode(_ value: Int) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: Int8) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: Int16) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: Int32) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: Int64) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: UInt) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: UInt8) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: UInt16) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: UInt32) throws { try writer.claim(slot()); writer.write(value) }
    func encode(_ value: UInt64) throws { try writer.claim(slot()); writer.write(value) }
    func encode<T: Encodable>(_ value: T) throws {
        let s = try slot()
        try writer.claim(s)
        try writer.writeValue(value, level: s.level)
    }
}

extension StateJSONEncoder.Writer: StateJSONEncoderSlot {
    var writer: StateJSONEncoder.Writer { self }
    func slot() throws -> StateJSONEncoder.Slot { current }
}

extension StateJSONEncoder {
    /// The encoder `superEncoder()` returns: its value is the member it was made for, written while that member
    /// is the last one of its container.
    final class SuperEncoder: StateJSONEncoderSlot {
        let writer: Writer
        let parent: Int
        let parentID: Int
        let valueStart: Int

        init(writer: Writer, parent: Int, parentID: Int, valueStart: Int) {
            self.writer = writer
            self.parent = parent
            self.parentID = parentID
            self.valueStart = valueStart
        }

        func slot() throws -> Slot {
            guard writer.isOpen(parent, parentID), writer.frames[parent].superValueStart == valueStart else {
                throw writer.outOfOrder()
            }
            return Slot(level: parent + 1, start: valueStart)
        }
    }
}

// MARK: - Containers

extension StateJSONEncoder {
    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        let frame: Int
        let id: Int

        var codingPath: [any CodingKey] { writer.codingPath(upTo: frame) }

        private func member(_ key: Key) throws { try writer.beginMember(key.stringValue, of: frame, id) }

        mutating func encodeNil(forKey key: Key) throws { try member(key); writer.literal("null") }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            try member(key)
            try writer.write(value, level: frame + 1)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            try member(key)
            try writer.write(value, level: frame + 1)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try member(key); writer.write(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try member(key)
            try writer.writeValue(value, level: frame + 1)
        }

        // Optional members directly, not through the protocol's generic default (a call less per member).
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }

        mutating func nestedContainer<NestedKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let (nested, nestedID) = writer.openNested(in: frame, id, key: key.stringValue, object: true)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, frame: nested, id: nestedID))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let (nested, nestedID) = writer.openNested(in: frame, id, key: key.stringValue, object: false)
            return UnkeyedContainer(writer: writer, frame: nested, id: nestedID)
        }

        mutating func superEncoder() -> any Encoder { writer.superEncoder(in: frame, id, key: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            writer.superEncoder(in: frame, id, key: key.stringValue)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let writer: Writer
        let frame: Int
        let id: Int

        var codingPath: [any CodingKey] { writer.codingPath(upTo: frame) }
        var count: Int { writer.isOpen(frame, id) ? writer.frames[frame].count : 0 }

        private func element() throws { try writer.beginElement(of: frame, id) }

        mutating func encodeNil() throws { try element(); writer.literal("null") }
        mutating func encode(_ value: Bool) throws { try element(); writer.write(value) }
        mutating func encode(_ value: String) throws { try element(); writer.write(value) }
        mutating func encode(_ value: Double) throws { try element(); try writer.write(value, level: frame + 1) }
        mutating func encode(_ value: Float) throws { try element(); try writer.write(value, level: frame + 1) }
        mutating func encode(_ value: Int) throws { try element(); writer.write(value) }
        mutating func encode(_ value: Int8) throws { try element(); writer.write(value) }
        mutating func encode(_ value: Int16) throws { try element(); writer.write(value) }
        mutating func encode(_ value: Int32) throws { try element(); writer.write(value) }
        mutating func encode(_ value: Int64) throws { try element(); writer.write(value) }
        mutating func encode(_ value: UInt) throws { try element(); writer.write(value) }
        mutating func encode(_ value: UInt8) throws { try element(); writer.write(value) }
        mutating func encode(_ value: UInt16) throws { try element(); writer.write(value) }
        mutating func encode(_ value: UInt32) throws { try element(); writer.write(value) }
        mutating func encode(_ value: UInt64) throws { try element(); writer.write(value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try element()
            try writer.writeValue(value, level: frame + 1)
        }

        mutating func nestedContainer<NestedKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let (nested, nestedID) = writer.openNested(in: frame, id, key: nil, object: true)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, frame: nested, id: nestedID))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let (nested, nestedID) = writer.openNested(in: frame, id, key: nil, object: false)
            return UnkeyedContainer(writer: writer, frame: nested, id: nestedID)
        }

        mutating func superEncoder() -> any Encoder { writer.superEncoder(in: frame, id, key: nil) }
    }

    /// A key of an error's coding path: the encoder keeps keys as strings (and positions), not as the caller's types.
    struct PathKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init(intValue: Int) {
            self.stringValue = "Index \(intValue)"
            self.intValue = intValue
        }
    }
}
