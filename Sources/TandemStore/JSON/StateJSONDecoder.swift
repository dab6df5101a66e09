import Foundation
import Synchronization
import TandemCore

/// Decodes the store's JSON (journal lines, snapshots) through `Codable`, several times faster than
/// Foundation's `JSONDecoder`: the document is parsed once into a `JSONTape`, and containers look values up in
/// the tape instead of building dictionaries. Dates are ISO 8601 strings, as the store writes them.
///
/// The models' `Codable` conformances stay the one definition of the format; this is only a faster engine.
/// Errors name the line: a syntax error where reading stopped, a decoding error where the offending value is.
enum StateJSONDecoder {
    /// Why a document could not be decoded, and where.
    struct Failure: Error, CustomStringConvertible {
        /// Line in the document (from 1) of the value or byte at fault.
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// Parses `data` once and hands `body` a document to decode types from (e.g. a version probe, then the whole).
    /// - Parameter parallelFrom: see `JSONTape.init(parsing:parts:parallelFrom:)`.
    static func withDocument<R>(
        _ data: Data, parallelFrom: Int = JSONTape.parallelMinimumSize, _ body: (Document) throws -> R
    ) throws -> R {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> R in
            let tape: JSONTape
            do {
                tape = try JSONTape(parsing: bytes, parallelFrom: parallelFrom)
            } catch let error as JSONTape.SyntaxError {
                throw Failure(line: lineNumber(in: bytes, at: error.offset), message: error.message)
            }
            return try withExtendedLifetime(tape) {
                var storage = TapeStorage(bytes: bytes, tape: tape.tokens)
                return try withUnsafePointer(to: &storage) { try body(Document(storage: $0)) }
            }
        }
    }

    static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, parallelFrom: Int = JSONTape.parallelMinimumSize
    ) throws -> T {
        try withDocument(data, parallelFrom: parallelFrom) { try $0.decode(type) }
    }

    /// A parsed document; valid only inside `withDocument`'s closure.
    struct Document {
        let storage: UnsafePointer<TapeStorage>

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try TapeDecoder(storage: storage, index: 0).decode(type)
            } catch let error as DecodingError {
                throw storage.pointee.failure(error)
            }
        }
    }
}

/// The bytes and their tape, shared by every container of one decode.
///
/// Decoders and containers reach it through an `UnsafePointer`, valid for the whole of `withDocument`'s closure,
/// which they never outlive (`Decodable` initialisers consume their decoder and keep no reference to it). A
/// pointer to a struct of pointers has no reference count: a class here was retained and released on every value,
/// a quarter of the time a snapshot took. Nothing in it changes after `init`, so the threads that decode parts of
/// one long array (`SplittableArray`) may share it.
struct TapeStorage {
    let bytes: UnsafeRawBufferPointer
    let tape: UnsafeBufferPointer<JSONTape.Token>

    @inline(__always) func token(_ index: Int) -> JSONTape.Token { tape[index] }

    func string(_ index: Int) -> String { JSONTape.string(tape[index], in: bytes) }

    /// Calls `body(n, key, value)` for each member of the object or element of the array at `index` (`key` is
    /// the key's token in an object, nil in an array) until it returns false. The one walk over a container:
    /// every value's token knows the token after it.
    @inline(__always) func forEachChild(of index: Int, _ body: (_ n: Int, _ key: Int?, _ value: Int) -> Bool) {
        let container = tape[index]
        let isObject = container.kind == .object
        guard isObject || container.kind == .array else { return }
        var child = index + 1
        for n in 0..<Int(container.length) {
            let value = isObject ? child + 1 : child
            guard body(n, isObject ? child : nil, value) else { return }
            child = Int(tape[value].next)
        }
    }

    /// Whether the key token at `index` is the text whose UTF-8 is `utf8`. Plain keys are compared byte by
    /// byte: they are short and mostly differ in length or first byte, where a call to `memcmp` would cost more.
    @inline(__always) func isKey(_ index: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let token = tape[index]
        guard token.kind == .plainString else {
            // Written with escapes (no writer of ours does that): compared as text.
            return token.kind == .escapedString && string(index).utf8.elementsEqual(utf8)
        }
        guard utf8.count == Int(token.length) else { return false }
        let start = Int(token.offset)
        for n in 0..<utf8.count where bytes[start + n] != utf8[n] { return false }
        return true
    }

    /// The value token of the member `name` of the object at `index`, by a linear scan: our objects have a few
    /// dozen keys at most.
    func member(_ name: String, of index: Int) -> Int? {
        var name = name
        return name.withUTF8 { utf8 in
            var found: Int?
            forEachChild(of: index) { _, key, value in
                guard let key, isKey(key, utf8) else { return true }
                found = value
                return false
            }
            return found
        }
    }

    /// The coding path to the value at `target`, found by walking down from the root: kept out of the happy path,
    /// where nobody asks for it.
    func codingPath(to target: Int) -> [any CodingKey] {
        var path: [any CodingKey] = []
        var index = 0
        while index != target {
            var inside: Int?
            forEachChild(of: index) { n, key, value in
                guard value <= target, target < Int(tape[value].next) else { return true }
                path.append(key.map { PathKey(stringValue: string($0)) } ?? PathKey(intValue: n))
                inside = value
                return false
            }
            guard let inside else { break }
            index = inside
        }
        return path
    }

    /// The token a coding path leads to, as far as it leads.
    func index(at path: [any CodingKey]) -> Int {
        var index = 0
        for key in path {
            var next: Int?
            if tape[index].kind == .object {
                next = member(key.stringValue, of: index)
            } else {
                forEachChild(of: index) { n, _, value in
                    if n == key.intValue { next = value }
                    return next == nil
                }
            }
            guard let next else { break }
            index = next
        }
        return index
    }

    func failure(_ error: DecodingError) -> StateJSONDecoder.Failure {
        let context: DecodingError.Context
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return .init(line: 1, message: "\(error)")
        }
        var path = context.codingPath
        if case .keyNotFound(let key, _) = error { path.append(key) }
        let line = lineNumber(in: bytes, at: Int(tape[index(at: context.codingPath)].offset))
        let where_ = path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return .init(line: line, message: (where_.isEmpty ? "" : "at \(where_): ") + context.debugDescription)
    }

    // MARK: Errors

    func mismatch(_ type: Any.Type, at index: Int) -> DecodingError {
        let found: String =
            switch tape[index].kind {
            case .object: "an object"
            case .array: "an array"
            case .plainString, .escapedString: "a string"
            case .integer, .number: "a number"
            case .true, .false: "a boolean"
            case .null: "null"
            }
        return .typeMismatch(
            type, .init(codingPath: codingPath(to: index), debugDescription: "expected \(type), found \(found)"))
    }

    func corrupted(_ message: String, at index: Int) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath(to: index), debugDescription: message))
    }

    // MARK: Scalars

    func bool(_ index: Int) throws -> Bool {
        switch tape[index].kind {
        case .true: true
        case .false: false
        default: throw mismatch(Bool.self, at: index)
        }
    }

    func stringValue(_ index: Int) throws -> String {
        let kind = tape[index].kind
        guard kind == .plainString || kind == .escapedString else { throw mismatch(String.self, at: index) }
        return string(index)
    }

    func integer<T: FixedWidthInteger>(_ index: Int, as type: T.Type) throws -> T {
        let token = tape[index]
        guard token.kind == .integer || token.kind == .number else { throw mismatch(type, at: index) }
        guard token.kind == .integer else { throw corrupted("\(numberText(token)) is not a whole number", at: index) }
        var p = Int(token.offset)
        let end = p + Int(token.length)
        let negative = bytes[p] == UInt8(ascii: "-")
        if negative { p += 1 }
        var value: T = 0
        var overflow = false
        while p < end, !overflow {
            let digit = T(bytes[p] &- UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            value = next
            overflow = o1 || o2
            p += 1
        }
        guard !overflow else { throw corrupted("\(numberText(token)) does not fit in \(type)", at: index) }
        return value
    }

    func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ index: Int, as type: T.Type) throws -> T {
        let token = tape[index]
        guard token.kind == .integer || token.kind == .number else { throw mismatch(type, at: index) }
        guard let value = T(numberText(token)), value.isFinite else {
            throw corrupted("\(numberText(token)) does not fit in \(type)", at: index)
        }
        return value
    }

    private func numberText(_ token: JSONTape.Token) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)]), as: UTF8.self)
    }

    func date(_ index: Int) throws -> Date {
        let token = tape[index]
        guard token.kind == .plainString else { throw mismatch(Date.self, at: index) }
        let text = UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)])
        guard let date = ISO8601Instant.parse(text) else {
            throw corrupted("expected an ISO 8601 date and time, found \(string(index))", at: index)
        }
        return date
    }
}

/// A key of a coding path rebuilt from the tape.
private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

// MARK: - Decoder

/// A decoder positioned on one token; also its own single-value container.
///
private struct TapeDecoder: Decoder, SingleValueDecodingContainer {
    let storage: UnsafePointer<TapeStorage>
    let index: Int

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: index) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard storage.pointee.token(index).kind == .object else { throw storage.pointee.mismatch([String: Any].self, at: index) }
        return KeyedDecodingContainer(KeyedContainer<Key>(storage: storage, object: index))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard storage.pointee.token(index).kind == .array else { throw storage.pointee.mismatch([Any].self, at: index) }
        return UnkeyedContainer(storage: storage, array: index)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { storage.pointee.token(index).kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try storage.pointee.bool(index) }
    func decode(_ type: String.Type) throws -> String { try storage.pointee.stringValue(index) }
    func decode(_ type: Double.Type) throws -> Double { try storage.pointee.floatingPoint(index, as: type) }
    func decode(_ type: Float.Type) throws -> Float { try storage.pointee.floatingPoint(index, as: type) }
    func decode(_ type: Int.Type) throws -> Int { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try storage.pointee.integer(index, as: type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // The types Foundation's JSONDecoder also treats specially; the rest decode themselves.
        if type == String.self { return try storage.pointee.stringValue(index) as! T }
        if type == Date.self { return try storage.pointee.date(index) as! T }
        if type == Int.self { return try storage.pointee.integer(index, as: Int.self) as! T }
        if type == TeamState.self { return try decodeTeamState() as! T }
        // Lists of text (a campaign has seven) without `Array`'s generic path: an existential container and a
        // dynamic call per element.
        if type == [String].self { return try stringArray() as! T }
        // The cast looks up a conformance: ask it only of long arrays.
        if storage.pointee.token(index).kind == .array, storage.pointee.token(index).length >= splittableMinimumCount,
            let splittable = type as? any SplittableArray.Type
        {
            return try splittable.decode(inParts: self) as! T
        }
        if type == URL.self {
            let text = try storage.pointee.stringValue(index)
            guard let url = URL(string: text) else { throw storage.pointee.corrupted("not a URL: \(text)", at: index) }
            return url as! T
        }
        return try T(from: self)
    }
}

extension TapeDecoder {
    fileprivate func stringArray() throws -> [String] {
        let tape = storage.pointee
        guard tape.token(index).kind == .array else { throw tape.mismatch([String].self, at: index) }
        var strings: [String] = []
        strings.reserveCapacity(Int(tape.token(index).length))
        var failure: (any Error)?
        tape.forEachChild(of: index) { _, _, element in
            do {
                strings.append(try tape.stringValue(element))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return strings
    }

    /// The members of `TeamState`'s `Codable` form.
    private enum TeamStateKey: String, CodingKey { case campaigns, handoffs, meetings, sentNotices }

    /// `TeamState.init(from:)`, but with the slow indexes built on threads of their own: the campaign search
    /// index while the handoffs are decoded, the handoffs by campaign while the open ones are indexed.
    /// `StateJSONDecoderTests` checks that both read the same state.
    fileprivate func decodeTeamState() throws -> TeamState {
        let c = try container(keyedBy: TeamStateKey.self)
        let campaigns = try c.decode([Campaign].self, forKey: .campaigns)
        let search = Background { CampaignSearchIndex(campaigns: campaigns) }
        defer { _ = search.value }  // never leaves the thread running
        let handoffs = try c.decodeIfPresent([Handoff].self, forKey: .handoffs) ?? []
        do {
            // The thread reads the handoffs through a pointer, not a copy of the array: a reference left with it
            // would make the first handoff the journal adds copy all of them. It is joined before this returns.
            return try handoffs.withUnsafeBufferPointer { stored in
                nonisolated(unsafe) let stored = stored
                let byCampaign = Background {
                    Result { () throws(TeamState.MisnumberedHandoff) in try TeamState.HandoffsByCampaign(stored) }
                }
                defer { _ = byCampaign.value }
                return try TeamState(
                    campaigns: campaigns, handoffs: handoffs,
                    meetings: try c.decodeIfPresent([Meeting].self, forKey: .meetings) ?? [],
                    sentNotices: try c.decodeIfPresent(Set<String>.self, forKey: .sentNotices) ?? [],
                    search: { search.value },
                    byCampaign: { _ throws(TeamState.MisnumberedHandoff) in try byCampaign.value.get() })
            }
        } catch let error as TeamState.MisnumberedHandoff {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [TeamStateKey.handoffs], debugDescription: error.description))
        }
    }
}

/// Elements of the arrays long enough to be worth decoding on several cores: a snapshot's handoffs and
/// campaigns. Sendable, because each part is decoded on a thread of its own.
protocol ConcurrentlyDecodable: Decodable, Sendable {}

extension Handoff: ConcurrentlyDecodable {}
extension Campaign: ConcurrentlyDecodable {}

private protocol SplittableArray {
    static func decode(inParts decoder: TapeDecoder) throws -> Self
}

/// Arrays shorter than this decode on one thread: splitting costs more than it saves.
private let splittableMinimumCount = 4_096

extension Array: SplittableArray where Element: ConcurrentlyDecodable {
    /// Decodes chunks of the array on all cores (`Parallel.forEach`). The first chunk with an error throws it,
    /// so errors are the ones a sequential decode would report.
    fileprivate static func decode(inParts decoder: TapeDecoder) throws -> [Element] {
        // Shared by the threads below: the storage is immutable and outlives them (they are joined before return).
        nonisolated(unsafe) let storage = decoder.storage
        let count = Int(storage.pointee.token(decoder.index).length)
        // Small enough to balance the cores, large enough that taking one costs nothing.
        let size = 1_024
        let starts = {
            var starts: [Int] = []
            storage.pointee.forEachChild(of: decoder.index) { n, _, element in
                if n % size == 0 { starts.append(element) }
                return true
            }
            return starts
        }()
        // Handoffs are most of a snapshot: read directly when they can be (see `HandoffTapeReader`).
        let readsHandoffs = Element.self == Handoff.self
        @Sendable func initializeElement(_ slot: UnsafeMutablePointer<Element>, from token: Int) throws {
            // Not through a generic `Element` value: copying a handoff that way retained each of its strings.
            if readsHandoffs, HandoffTapeReader.read(storage.pointee, at: token, into: UnsafeMutableRawPointer(slot)) {
                return
            }
            slot.initialize(to: try TapeDecoder(storage: storage, index: token).decode(Element.self))
        }
        // Each chunk decodes straight into its slice of the result: joining part arrays copied (and retained)
        // every element once more. Room to grow: replaying the journal appends handoffs, and the first append
        // to a full array of 100,000 copied all of them.
        return try [Element](unsafeUninitializedCapacity: count + count / 8 + 16) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: buffer.count * MemoryLayout<Element>.stride)
            // Each chunk initializes only its own slice, and all are done before the buffer is used.
            nonisolated(unsafe) let buffer = buffer
            let outcomes = Mutex<[(done: Int, error: (any Error)?)]>(.init(repeating: (0, nil), count: starts.count))
            Parallel.forEach(chunks: starts.count) { chunk in
                let first = chunk * size
                var token = starts[chunk]
                var done = 0
                var failure: (any Error)?
                do {
                    for n in first..<Swift.min(first + size, count) {
                        try initializeElement(buffer.baseAddress! + n, from: token)
                        done += 1
                        token = Int(storage.pointee.token(token).next)
                    }
                } catch {
                    failure = error
                }
                outcomes.withLock { $0[chunk] = (done, failure) }
            }
            let chunks = outcomes.withLock { $0 }
            if let failure = chunks.lazy.compactMap(\.error).first {
                for (chunk, outcome) in chunks.enumerated() {
                    (buffer.baseAddress! + chunk * size).deinitialize(count: outcome.done)
                }
                throw failure
            }
            initialized = count
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let storage: UnsafePointer<TapeStorage>
    let object: Int

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: object) }

    var allKeys: [Key] {
        var keys: [Key] = []
        storage.pointee.forEachChild(of: object) { _, key, _ in
            if let key, let codingKey = Key(stringValue: storage.pointee.string(key)) { keys.append(codingKey) }
            return true
        }
        return keys
    }

    private func find(_ key: Key) -> Int? { storage.pointee.member(key.stringValue, of: object) }

    private func value(_ key: Key) throws -> Int {
        guard let index = find(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for the key \"\(key.stringValue)\""))
        }
        return index
    }

    private func decoder(_ key: Key) throws -> TapeDecoder { TapeDecoder(storage: storage, index: try value(key)) }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(type) }

    // One lookup instead of the default's three (contains, decodeNil, decode): most optional fields are absent.
    private func present(_ key: Key) -> TapeDecoder? {
        guard let index = find(key), storage.pointee.token(index).kind != .null else { return nil }
        return TapeDecoder(storage: storage, index: index)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key)?.decode(type) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(key)?.decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try decoder(Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(key) }
}

/// Three words, so that `any UnkeyedDecodingContainer` holds it inline: a fourth made every array decoded
/// allocate a box for its container (tape indices fit in 32 bits).
private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let storage: UnsafePointer<TapeStorage>
    private let array: UInt32
    /// The token of the next element.
    private var next: UInt32
    private(set) var currentIndex = 0

    init(storage: UnsafePointer<TapeStorage>, array: Int) {
        self.storage = storage
        self.array = UInt32(array)
        self.next = UInt32(array + 1)
    }

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: Int(array)) }
    var count: Int? { Int(storage.pointee.token(Int(array)).length) }
    var isAtEnd: Bool { currentIndex >= count! }

    /// The decoder of the next element, moving past it.
    private mutating func advance(_ type: Any.Type) throws -> TapeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [PathKey(intValue: currentIndex)], debugDescription: "the array has ended"))
        }
        let decoder = TapeDecoder(storage: storage, index: Int(next))
        next = storage.pointee.token(Int(next)).next
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, storage.pointee.token(Int(next)).kind == .null else { return false }
        _ = try advance(Never.self)
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try advance(type).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try advance(type).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try advance(type).decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try advance(type).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try advance(type).decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try advance(type).decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try advance(type).decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try advance(type).decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try advance(type).decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try advance(type).decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try advance(type).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try advance(type).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try advance([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try advance(Any.self) }
}

/// `yyyy-MM-ddTHH:mm:ss[.fff](Z|±hh:mm)` read straight from bytes: Foundation's ISO 8601 parser cost about a
/// microsecond per date, and a snapshot holds hundreds of thousands.
enum ISO8601Instant {
    static func parse(_ text: UnsafeRawBufferPointer) -> Date? {
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= text.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < text.count, text[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), (1...12).contains(month),
            expect(UInt8(ascii: "-")), let day = number(2), (1...31).contains(day),
            expect(UInt8(ascii: "T")), let hour = number(2), hour < 24, expect(UInt8(ascii: ":")),
            let minute = number(2), minute < 60, expect(UInt8(ascii: ":")), let second = number(2), second < 61
        else { return nil }
        var fraction = 0.0
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < text.count, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if expect(UInt8(ascii: "Z")) {
        } else if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            let sign = text[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let h = number(2), expect(UInt8(ascii: ":")), let m = number(2) else { return nil }
            offset = sign * (h * 3600 + m * 60)
        } else {
            return nil
        }
        guard i == text.count else { return nil }
        // Foundation's calendar switches to Julian dates before 1583; no date of ours is that old, but a file
        // that holds one must read as Foundation reads it.
        if year < 1583 {
            return try? Date.ISO8601FormatStyle(includingFractionalSeconds: fraction != 0)
                .parse(String(decoding: text, as: UTF8.self))
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
