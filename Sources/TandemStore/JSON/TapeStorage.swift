import Foundation

/// The bytes and their tape, shared by every container of one decode.
///
/// Decoders and containers reach it through an `UnsafePointer`, valid for the whole of `withDocument`'s closure,
/// which they never outlive (`Decodable` initialisers consume their decoder and keep no reference to it). A
/// pointer to a struct of pointers has no reference count: a class here was retained and released on every value,
/// a large part of the time a snapshot took. Nothing in it changes after `init`, so the threads that decode parts of
/// one long array (`SplittableArray`) may share it.
struct TapeStorage {
    let bytes: UnsafeRawBufferPointer
    let tape: UnsafeBufferPointer<JSONTape.Token>
    /// The caller's `DecodingOverrides`, nil when it gave none. A pointer, like the rest: a struct without
    /// reference counts is copied for free, and readers pass it by value on every value they read.
    let overrides: UnsafePointer<DecodingOverrides>?

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
                path.append(key.map { TapePathKey(stringValue: string($0)) } ?? TapePathKey(intValue: n))
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
struct TapePathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

