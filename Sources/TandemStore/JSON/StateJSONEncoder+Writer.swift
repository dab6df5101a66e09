import Foundation

extension StateJSONEncoder {
    /// Where a value goes: `level` is the depth of its container if it opens one (the number of containers
    /// around it), `start` the offset its bytes begin at.
    struct Slot {
        var level: Int
        var start: Int
    }

    /// An open object or array. Its depth (for indentation) is its index in `Writer.frames`.
    ///
    /// Every member or element is written with a leading separator (`,` and, pretty, a newline and indent), so
    /// members can be reordered as whole byte ranges; when the container ends, its first byte (the first
    /// member's comma) becomes `{` or `[`.
    struct Frame {
        var isObject: Bool
        /// Offset of the container's first byte.
        var start: Int
        /// Members or elements so far.
        var count = 0
        /// Index in `Writer.members` of this object's first member (for arrays: where a nested object's would go).
        var firstMember: Int
        /// Tells a container value from a later one at the same depth, so a stale container is caught.
        var id: Int
        /// Offset of the value of the member a `superEncoder` was made for, while that member is the last one.
        var superValueStart = -1
    }

    /// The keys an object has, in written order, as a hash of their prefixes and lengths.
    struct KeyShape: Hashable {
        var hash: UInt64
        var count: Int
    }

    /// A member of an open object: its key, the offset of its separator and where the key's bytes are.
    struct Member {
        var key: String
        var start: Int
        var keyStart: Int
        var keyEnd: Int
        /// The key's first eight bytes, big-endian (zeros after a shorter key): most keys compare by it alone.
        var prefix: UInt64
        /// The key holds characters written escaped: its bytes in the output are not its UTF-8 bytes.
        var escaped: Bool
    }

    /// The encoder's state: the output bytes, the containers open around the value being written, and the
    /// members of the open objects. It is also the `Encoder` handed to each value's `encode(to:)`.
    ///
    /// Its hot properties skip Swift's run-time exclusivity checks (they are paid on every byte written). Safe
    /// because a writer lives within one `encode` call on one thread, and no access to one of them stays open
    /// while code runs that could touch the same one: none is passed `inout`, and the closures that sort and
    /// move members read other properties than the one being modified.
    final class Writer {
        let pretty: Bool
        /// Elements of arrays opened at most this deep (0: the top level) start on a new line (`.records`).
        let lineDepth: Int
        /// The output: `count` bytes written of `capacity` allocated. A `malloc` block, so that `realloc` can
        /// grow it without copying and `takeData()` can hand it to `Data` as it is. Written by the extension in
        /// `StateJSONEncoder+Bytes.swift`.
        @exclusivity(unchecked) var base: UnsafeMutablePointer<UInt8>
        @exclusivity(unchecked) var count = 0
        @exclusivity(unchecked) var capacity: Int

        @exclusivity(unchecked) private(set) var frames: [Frame] = []
        @exclusivity(unchecked) private var members: [Member] = []
        /// The slot the value being encoded fills; saved and restored around each nested value.
        private(set) var current = Slot(level: 0, start: 0)
        private var nextID = 1
        /// A misuse found where the protocol cannot throw (creating a container); thrown at the end.
        private var failure: (any Error)?
        /// Scratch for reordering members: the bytes of all but the largest member.
        private var scratch: UnsafeMutablePointer<UInt8>
        private var scratchCapacity = 4096
        /// The order last found for each shape of object (see `sortMembers`), as offsets from its first member.
        @exclusivity(unchecked) private var knownOrders: [KeyShape: [Int8]] = [:]

        init(pretty: Bool, lineDepth: Int = -1) {
            self.pretty = pretty
            self.lineDepth = lineDepth
            capacity = 4096
            base = malloc(capacity)!.bindMemory(to: UInt8.self, capacity: capacity)
            scratch = malloc(scratchCapacity)!.bindMemory(to: UInt8.self, capacity: scratchCapacity)
        }

        deinit {
            free(base)
            free(scratch)
        }

        /// The bytes written, without copying them; the writer is empty afterwards.
        func takeData() -> Data {
            let data = Data(bytesNoCopy: base, count: count, deallocator: .free)
            capacity = 16
            base = malloc(capacity)!.bindMemory(to: UInt8.self, capacity: capacity)
            count = 0
            return data
        }

        // MARK: Values

        func encodeTopLevel<T: Encodable>(_ value: T) throws {
            if try !writeScalar(value, level: 0) { try writeComposite(value, level: 0) }
            if let failure { throw failure }
            if count == 0 {
                throw EncodingError.invalidValue(
                    value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
            }
        }

        /// Writes `value`, whose container (if it opens one) is at depth `level`; a value that writes nothing
        /// becomes `{}`, as with Foundation.
        func writeValue<T: Encodable>(_ value: T, level: Int) throws {
            if try writeScalar(value, level: level) { return }
            let start = count
            try writeComposite(value, level: level)
            if count == start { writeEmpty(object: true, depth: level) }
        }

        /// The types `JSONEncoder` writes itself instead of asking them to encode themselves, and the common
        /// scalars (cheap to test: a metatype comparison each).
        private func writeScalar<T: Encodable>(_ value: T, level: Int) throws -> Bool {
            // `unsafeBitCast` only where `T` is that very type (checked just before): it skips `as!`'s run-time
            // cast, paid on every scalar.
            if T.self == String.self {
                write(unsafeBitCast(value, to: String.self))
            } else if T.self == Int.self {
                write(unsafeBitCast(value, to: Int.self))
            } else if T.self == Date.self {
                write(unsafeBitCast(value, to: Date.self))
            } else if T.self == Bool.self {
                write(unsafeBitCast(value, to: Bool.self))
            } else if T.self == Double.self {
                try write(unsafeBitCast(value, to: Double.self), level: level)
            } else if T.self == Data.self {
                write((value as! Data).base64EncodedString())
            } else if T.self == URL.self {
                write((value as! URL).absoluteString)
            } else if T.self == Decimal.self {
                ascii((value as! Decimal).description)
            } else {
                return false
            }
            return true
        }

        /// Lets `value` encode itself into the slot at `level`, then ends the containers it opened.
        private func writeComposite<T: Encodable>(_ value: T, level: Int) throws {
            let saved = current
            current = Slot(level: level, start: count)
            defer { current = saved }
            try value.encode(to: self)
            while frames.count > level { closeTop() }
        }

        // MARK: Containers

        func isOpen(_ frame: Int, _ id: Int) -> Bool {
            frame >= 0 && frame < frames.count && frames[frame].id == id
        }

        /// The keyed or unkeyed container of the value in `slot`: a new one, or the one it opened already (a
        /// value may ask its encoder for its container more than once, as `DomainEvent` does).
        func container(at slot: Result<Slot, any Error>, object: Bool) -> (frame: Int, id: Int) {
            do {
                let slot = try slot.get()
                if frames.count > slot.level {
                    let frame = frames[slot.level]
                    guard frame.start == slot.start, frame.isObject == object else { throw misuse() }
                    return (slot.level, frame.id)
                }
                guard count == slot.start else { throw misuse() }
                return openFrame(object: object)
            } catch {
                if failure == nil { failure = error }
                return (-1, 0)
            }
        }

        /// A container as a member (`key`) or element (`key == nil`) of the open container `frame`.
        func openNested(in frame: Int, _ id: Int, key: String?, object: Bool) -> (frame: Int, id: Int) {
            do {
                if let key { try beginMember(key, of: frame, id) } else { try beginElement(of: frame, id) }
                return openFrame(object: object)
            } catch {
                if failure == nil { failure = error }
                return (-1, 0)
            }
        }

        func superEncoder(in frame: Int, _ id: Int, key: String?) -> any Encoder {
            do {
                if let key { try beginMember(key, of: frame, id) } else { try beginElement(of: frame, id) }
                frames[frame].superValueStart = count
                return SuperEncoder(writer: self, parent: frame, parentID: id, valueStart: count)
            } catch {
                if failure == nil { failure = error }
                return SuperEncoder(writer: self, parent: -1, parentID: 0, valueStart: -1)
            }
        }

        /// Checks that a single value may go into `slot`: nothing written there yet.
        func claim(_ slot: Slot) throws {
            guard frames.count == slot.level, count == slot.start else { throw misuse() }
        }

        private func openFrame(object: Bool) -> (frame: Int, id: Int) {
            let id = nextID
            nextID += 1
            frames.append(Frame(isObject: object, start: count, firstMember: members.count, id: id))
            return (frames.count - 1, id)
        }

        /// Makes `frame` the innermost open container (ending the ones opened in it) before it is written to.
        private func prepare(_ frame: Int, _ id: Int) throws {
            guard isOpen(frame, id) else { throw outOfOrder() }
            while frames.count > frame + 1 { closeTop() }
            if frames[frame].superValueStart >= 0 { finishSuperMember(of: frame) }
        }

        /// A super encoder that wrote nothing leaves `{}`, as with Foundation.
        private func finishSuperMember(of frame: Int) {
            let start = frames[frame].superValueStart
            guard start >= 0 else { return }
            if count == start { writeEmpty(object: true, depth: frame + 1) }
            frames[frame].superValueStart = -1
        }

        func beginMember(_ key: String, of frame: Int, _ id: Int) throws {
            try prepare(frame, id)
            let start = count
            frames[frame].count += 1
            separator(depth: frame + 1)
            let keyStart = count + 1
            write(key)
            let escaped = count - keyStart - 1 != key.utf8.count
            var prefix: UInt64 = 0
            withUnsafeMutableBytes(of: &prefix) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: base + keyStart, count: min(8, count - 1 - keyStart)))
            }
            prefix = UInt64(bigEndian: prefix)
            members.append(
                Member(key: key, start: start, keyStart: keyStart, keyEnd: count - 1, prefix: prefix, escaped: escaped))
            if pretty { literal(" : ") } else { byte(UInt8(ascii: ":")) }
        }

        func beginElement(of frame: Int, _ id: Int) throws {
            try prepare(frame, id)
            frames[frame].count += 1
            if frame <= lineDepth { return literal(",\n") }
            separator(depth: frame + 1)
        }

        private func separator(depth: Int) {
            guard pretty else { return byte(UInt8(ascii: ",")) }
            reserve(2 + 2 * depth)
            base[count] = UInt8(ascii: ",")
            base[count + 1] = UInt8(ascii: "\n")
            (base + count + 2).initialize(repeating: UInt8(ascii: " "), count: 2 * depth)
            count += 2 + 2 * depth
        }

        /// Ends the innermost open container: sorts an object's members, then brackets.
        private func closeTop() {
            let depth = frames.count - 1
            finishSuperMember(of: depth)
            let frame = frames.removeLast()
            guard frame.count > 0 else { return writeEmpty(object: frame.isObject, depth: depth) }
            if frame.isObject {
                sortMembers(from: frame.firstMember)
                members.removeLast(members.count - frame.firstMember)
            }
            base[frame.start] = frame.isObject ? UInt8(ascii: "{") : UInt8(ascii: "[")
            if pretty {
                byte(UInt8(ascii: "\n"))
                indent(depth)
            }
            byte(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }

        /// `{}` or, pretty, `{` newline newline indent `}` (Foundation's form); same for arrays.
        private func writeEmpty(object: Bool, depth: Int) {
            byte(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            if pretty {
                literal("\n\n")
                indent(depth)
            }
            byte(object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }

        /// Puts the members from `first` on (those of the innermost object, up to the end of the output) in key
        /// order, keeping the last of equal keys.
        private func sortMembers(from first: Int) {
            let n = members.count - first
            guard n > 1 else { return }
            if (first..<members.count - 1).allSatisfy({ compareKeys($0, $0 + 1) < 0 }) { return }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { order in
                let kept = sortedOrder(of: first, n, into: order)
                move(from: first, in: UnsafeBufferPointer(rebasing: order[..<kept]))
            }
        }

        /// Fills `order` with the indices of the members from `first` on in key order, the last of equal keys
        /// only; returns how many.
        private func sortedOrder(of first: Int, _ n: Int, into order: UnsafeMutableBufferPointer<Int>) -> Int {
            // Objects of one type come with the same keys in the same order: reuse the order found for the last
            // such object once n - 1 comparisons confirm it (a hash can collide; the check cannot be fooled).
            var shape = KeyShape(hash: 0, count: n)
            if n <= 32 {
                for m in first..<members.count {
                    let length = UInt64(members[m].keyEnd - members[m].keyStart)
                    shape.hash = (shape.hash ^ members[m].prefix) &* 0x100_0000_01B3 &+ length
                }
                if let known = knownOrders[shape] {
                    for i in 0..<n { order[i] = first + Int(known[i]) }
                    if (1..<n).allSatisfy({ compareKeys(order[$0 - 1], order[$0]) < 0 }) { return n }
                }
            }
            for i in 0..<n { order[i] = first + i }
            if n <= 32 {  // insertion sort: stable, and no closure calls for the few members of a struct
                for i in 1..<n {
                    let m = order[i]
                    var j = i
                    while j > 0, compareKeys(order[j - 1], m) > 0 {
                        order[j] = order[j - 1]
                        j -= 1
                    }
                    order[j] = m
                }
            } else {
                var order = order
                order.sort { a, b in
                    let c = compareKeys(a, b)
                    return c != 0 ? c < 0 : a < b
                }
            }
            // Of equal keys, only the last written stays (it sorts last among them).
            var kept = 0
            for i in 0..<n where i + 1 == n || compareKeys(order[i], order[i + 1]) != 0 {
                order[kept] = order[i]
                kept += 1
            }
            if n <= 32, kept == n { knownOrders[shape] = order.map { Int8($0 - first) } }
            return kept
        }

        /// Puts the members from `first` on (up to the end of the output) in the order `order` gives, which may
        /// leave some out.
        ///
        /// Moves as little as it can: the largest member (often the only large one, such as the list of all
        /// handoffs) is moved once with `memmove`, the others through the scratch buffer.
        private func move(from first: Int, in order: UnsafeBufferPointer<Int>) {
            let regionStart = members[first].start
            func end(_ m: Int) -> Int { m + 1 < members.count ? members[m + 1].start : count }
            var largest = order[0]
            var total = 0
            for m in order {
                total += end(m) - members[m].start
                if end(m) - members[m].start > end(largest) - members[largest].start { largest = m }
            }
            let largestSize = end(largest) - members[largest].start
            if scratchCapacity < total - largestSize {
                scratchCapacity = max(2 * scratchCapacity, total - largestSize)
                scratch = realloc(scratch, scratchCapacity)!.bindMemory(to: UInt8.self, capacity: scratchCapacity)
            }
            var largestOffset = 0
            var offset = 0
            for m in order {
                if m == largest {
                    largestOffset = offset
                } else {
                    let size = end(m) - members[m].start
                    (scratch + offset).update(from: base + members[m].start, count: size)
                    offset += size
                }
            }
            memmove(base + regionStart + largestOffset, base + members[largest].start, largestSize)
            (base + regionStart).update(from: scratch, count: largestOffset)
            let afterLargest = base + regionStart + largestOffset + largestSize
            afterLargest.update(from: scratch + largestOffset, count: offset - largestOffset)
            count = regionStart + total
        }

        /// Orders the keys of members `a` and `b` by their UTF-8 bytes, as `JSONEncoder` does: -1, 0 or 1. Reads
        /// them from the output, where they stand unless escaped.
        private func compareKeys(_ a: Int, _ b: Int) -> Int {
            if members[a].escaped || members[b].escaped { return Self.compare(members[a].key, members[b].key) }
            if members[a].prefix != members[b].prefix { return members[a].prefix < members[b].prefix ? -1 : 1 }
            let xStart = members[a].keyStart
            let yStart = members[b].keyStart
            let xCount = members[a].keyEnd - xStart
            let yCount = members[b].keyEnd - yStart
            let c = memcmp(base + xStart, base + yStart, min(xCount, yCount))
            if c != 0 { return c < 0 ? -1 : 1 }
            return xCount < yCount ? -1 : xCount > yCount ? 1 : 0
        }

        /// Orders strings by their UTF-8 bytes: -1, 0 or 1.
        static func compare(_ a: String, _ b: String) -> Int {
            var a = a
            var b = b
            return a.withUTF8 { x in
                b.withUTF8 { y in
                    let common = min(x.count, y.count)
                    if common > 0, let xs = x.baseAddress, let ys = y.baseAddress {
                        let c = memcmp(xs, ys, common)
                        if c != 0 { return c < 0 ? -1 : 1 }
                    }
                    return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
                }
            }
        }

        // MARK: Errors

        func codingPath(upTo level: Int) -> [any CodingKey] {
            var path: [any CodingKey] = []
            for i in 0..<min(level, frames.count) {
                let frame = frames[i]
                if frame.isObject {
                    let last = (i + 1 < frames.count ? frames[i + 1].firstMember : members.count) - 1
                    if last >= frame.firstMember { path.append(PathKey(stringValue: members[last].key)) }
                } else if frame.count > 0 {
                    path.append(PathKey(intValue: frame.count - 1))
                }
            }
            return path
        }

        func outOfOrder() -> EncodingError {
            EncodingError.invalidValue(
                "container", .init(
                    codingPath: codingPath(upTo: current.level),
                    debugDescription: "StateJSONEncoder writes containers one after another: a container (or super "
                        + "encoder) was used after a later one was started or after its value had ended"))
        }

        func misuse() -> EncodingError {
            EncodingError.invalidValue(
                "value", .init(
                    codingPath: codingPath(upTo: current.level),
                    debugDescription: "a value was already encoded at this place (a single value, or another kind of "
                        + "container)"))
        }
    }
}
