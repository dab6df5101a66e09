import Foundation

/// Names a reader knows (an object's keys, an enum's raw values), found from the bytes of a key or string on
/// the tape without making a `String`. Writers sort keys, and so does the table (whatever order `Name` declares
/// them in); each lookup first tries the name after the one found last: reading a sorted object costs one
/// comparison per key.
struct TapeKeyTable<Name: CaseIterable & RawRepresentable<String> & Sendable>: Sendable {
    private let names: [Name]
    private let lengths: [Int]
    /// Every name's UTF-8, one after another, name `i`'s from `starts[i]`.
    private let utf8: [UInt8]
    private let starts: [Int]

    init() {
        names = Name.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
        lengths = names.map { $0.rawValue.utf8.count }
        utf8 = names.flatMap { Array($0.rawValue.utf8) }
        starts = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
    }

    /// The name `bytes` spell, starting the search after `last` (the index found before; updated).
    @inline(__always)
    func name(_ bytes: UnsafeRawBufferPointer, after last: inout Int) -> Name? {
        var i = last
        for _ in 0..<names.count {
            i += 1
            if i == names.count { i = 0 }
            guard lengths[i] == bytes.count else { continue }
            let start = starts[i]
            var n = 0
            while n < bytes.count, utf8[start + n] == bytes[n] { n += 1 }
            if n == bytes.count {
                last = i
                return names[i]
            }
        }
        return nil
    }
}

extension TapeStorage {
    /// Calls `body` with each member's key (nil for a key `keys` does not know) and value token until it returns
    /// false; false then, and false for a value that is not an object or has an escaped key (which the readers
    /// leave to `Codable`).
    /// Inlined so that each reader gets it specialized for its key type: generic, it looked keys up through
    /// witness tables, which cost more than reading the handoff.
    @inline(__always)
    func forEachMember<Key>(of index: Int, _ keys: TapeKeyTable<Key>, _ body: (Key?, Int) -> Bool) -> Bool {
        guard token(index).kind == .object else { return false }
        var complete = true
        var last = -1
        forEachChild(of: index) { _, key, value in
            let name = token(key!)
            guard name.kind == .plainString else { complete = false; return false }
            complete = body(keys.name(self.bytes(of: name), after: &last), value)
            return complete
        }
        return complete
    }

    /// The bytes of a plain string's token.
    @inline(__always) func bytes(of token: JSONTape.Token) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)])
    }

    /// The enum case a string value names; nil for anything else.
    @inline(__always)
    func value<Name>(_ index: Int, _ names: TapeKeyTable<Name>) -> Name? {
        let token = token(index)
        guard token.kind == .plainString else { return text(index).flatMap(Name.init(rawValue:)) }
        var last = -1
        return names.name(bytes(of: token), after: &last)
    }

    /// The string at `index`, nil when it is something else.
    func text(_ index: Int) -> String? {
        let kind = token(index).kind
        return kind == .plainString || kind == .escapedString ? string(index) : nil
    }

    func int(_ index: Int) -> Int? { try? integer(index, as: Int.self) }

    func instant(_ index: Int) -> Date? { try? date(index) }

    /// `.some(nil)` for null, `.some(value)` when `read` reads it, nil when it does not.
    func optional<T>(_ index: Int, _ read: (Int) -> T?) -> T?? {
        token(index).kind == .null ? .some(nil) : read(index).map { .some($0) }
    }

    /// Each element read by `read`; nil when the value is not an array or an element does not read.
    func array<T>(_ index: Int, _ read: (Int) -> T?) -> [T]? {
        guard token(index).kind == .array else { return nil }
        var elements: [T] = []
        elements.reserveCapacity(Int(token(index).length))
        var complete = true
        forEachChild(of: index) { _, _, value in
            guard let element = read(value) else { complete = false; return false }
            elements.append(element)
            return true
        }
        return complete ? elements : nil
    }
}
