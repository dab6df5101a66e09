import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A JSON document parsed in one pass into a flat array of tokens that point into its bytes.
///
/// Why not Foundation's `JSONDecoder`: it was nearly all of the time a large snapshot took to load.
/// The tape is the cheap half of a faster path (`StateJSONDecoder` is the other): one strict pass that checks
/// the whole grammar (and UTF-8) up front, so corruption anywhere is found before anything is decoded, and
/// that records where every value starts, so a decoding error can name the line it is on.
///
/// Layout: a container's token is followed by its first child; an object's children are key, value, key, value,
/// …. Every token knows the index of the token after itself and its contents (`next`), so skipping a value is one
/// step, and a container's children are found by following `next` from its first child.
///
/// Large documents are parsed on several cores (see `Runs`): the tokens of a run parsed on another thread sit
/// further on in the same memory, and the element before the run points across the gap to it.
final class JSONTape {
    enum Kind: UInt8 {
        case object, array
        /// A string without backslashes: its bytes are its UTF-8 text.
        case plainString
        /// A string with escapes, decoded when read.
        case escapedString
        /// A number without fraction or exponent.
        case integer
        case number
        case `true`, `false`, null
    }

    /// Twelve bytes: the kind shares a word with the length (a snapshot has millions of tokens, and each byte of
    /// them is written, zeroed by the kernel first, and read again).
    struct Token {
        /// Offset of the value's first byte; for strings, of the first byte after the opening quote.
        var offset: UInt32
        /// Index of the token after this value and everything in it.
        var next: UInt32
        /// The kind in the top four bits, the length in the rest.
        private var kindAndLength: UInt32

        /// Lengths must stay below this (256 MiB); the parser refuses longer values.
        static let lengthLimit = 1 << 28

        init(offset: UInt32, length: UInt32, next: UInt32, kind: Kind) {
            self.offset = offset
            self.next = next
            kindAndLength = UInt32(kind.rawValue) << 28 | length
        }

        /// Only `init` sets the top bits, from a `Kind`: they are always one.
        var kind: Kind { unsafeBitCast(UInt8(kindAndLength >> 28), to: Kind.self) }

        /// Byte length (scalars, strings without their quotes), or the count of members or elements.
        var length: UInt32 {
            get { kindAndLength & 0x0FFF_FFFF }
            set { kindAndLength = kindAndLength & 0xF000_0000 | newValue }
        }
    }

    /// A syntax error: the byte offset where reading stopped and what was expected there.
    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    /// Nesting deeper than this is refused: no state of ours comes near it, and it bounds the recursion.
    static let maximumDepth = 512

    /// Documents at least this large are parsed in parts on several cores.
    static let parallelMinimumSize = 4 << 20

    /// The tokens, the root's first; only those reachable from the root through `next` and first children are
    /// meaningful (gaps between parts hold garbage).
    let tokens: UnsafeBufferPointer<Token>
    /// How many runs parsed on other threads the tape took in (for tests: that parts were parsed at all).
    let adoptedRuns: Int
    private let memory: TokenMemory

    /// Parses `bytes` as exactly one JSON value with optional surrounding whitespace.
    /// - Parameter parts: how many parts to parse a large document in, each on a thread of its own. More parts
    ///   than cores: when one thread is slowed, the others are not all left waiting for it.
    /// - Parameter parallelFrom: the smallest document parsed in parts (tests parse small ones in parts too).
    init(
        parsing bytes: UnsafeRawBufferPointer, parts: Int = Parallel.cores > 1 ? 4 * Parallel.cores : 1,
        parallelFrom: Int = parallelMinimumSize
    ) throws(SyntaxError) {
        guard bytes.count < Int(UInt32.max) else {
            throw SyntaxError(offset: 0, message: "the file is larger than 4 GiB")
        }
        let raw = bytes.bindMemory(to: UInt8.self)
        let starts = parts > 1 && bytes.count >= parallelFrom ? Runs.starts(in: raw, parts: parts) : []
        let runs = Runs(starts: starts, size: bytes.count)
        let memory = TokenMemory(capacity: runs.capacity)
        self.memory = memory
        var result: Result<(count: Int, adopted: Int), SyntaxError>
        if starts.isEmpty {
            result = Result { () throws(SyntaxError) in try Self.parseDocument(raw, into: memory.base, runs: runs) }
        } else {
            // Part 0 parses the document and adopts the runs the others parse from their starts on. Shared safely:
            // each part writes only its own tokens (`Runs` keeps their index ranges apart) and its own result,
            // and the first part reads another's tokens only after that part has signalled it has finished.
            nonisolated(unsafe) let raw = raw
            nonisolated(unsafe) let slots = memory.base
            let outcome = Mutex<Result<(count: Int, adopted: Int), SyntaxError>>(.success((0, 0)))
            Parallel.run(parts: starts.count + 1) { part in
                if part == 0 {
                    let parsed = Result { () throws(SyntaxError) in try Self.parseDocument(raw, into: slots, runs: runs) }
                    outcome.withLock { $0 = parsed }
                } else {
                    runs.parse(part - 1, of: raw, into: slots)
                }
            }
            result = outcome.withLock { $0 }
        }
        let parsed = try result.get()
        tokens = UnsafeBufferPointer(start: memory.base, count: parsed.count)
        adoptedRuns = parsed.adopted
    }

    /// Parses the whole document; returns the number of token slots used and of runs adopted.
    private static func parseDocument(
        _ bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutablePointer<Token>, runs: Runs
    ) throws(SyntaxError) -> (count: Int, adopted: Int) {
        var parser = Parser(bytes: bytes, at: 0, tokens: tokens, count: 0, limit: runs.limit(beforeRun: 0), runs: runs)
        parser.skipWhitespace()
        try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.i == parser.end else { throw parser.error("unexpected text after the end of the JSON value") }
        parser.finishRuns()
        return (parser.count, parser.adopted)
    }
}

/// Memory for a tape's tokens, reserved once for the most tokens the document could hold, so it never grows
/// (growing a large array copies it and faults in twice the pages). Large tapes are mapped: only the pages
/// written are ever backed, in huge pages where the system offers them.
private final class TokenMemory {
    let base: UnsafeMutablePointer<JSONTape.Token>
    private let mappedBytes: Int

    init(capacity: Int) {
        let bytes = capacity * MemoryLayout<JSONTape.Token>.stride
        if bytes >= 8 << 20,
            let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            address != MAP_FAILED
        {
            HugePages.advise(address, bytes: bytes)
            base = address.bindMemory(to: JSONTape.Token.self, capacity: capacity)
            mappedBytes = bytes
        } else {
            base = .allocate(capacity: capacity)
            mappedBytes = 0
        }
    }

    deinit {
        if mappedBytes > 0 { munmap(base, mappedBytes) } else { base.deallocate() }
    }
}

/// Parsing a large document on several cores.
///
/// A raw newline can only stand between tokens (inside strings it is escaped), and snapshots put one before each
/// element of the state's lists (see `StateJSONEncoder.Format.records`). So from a newline that follows a comma,
/// each extra thread parses a *run*: array elements separated by commas, up to the next run's start or the
/// first element not followed by a comma. When the first part, parsing from the top, reaches a run's start as
/// the next element of an array, it adopts the run's tokens instead of parsing those bytes itself: the same
/// grammar applied to the same bytes, so the result is the same. A run that started somewhere else (a newline
/// in an object, in a file laid out differently) or failed is dropped, and the first part parses its bytes
/// itself, reporting any error as usual.
///
/// Token indices: at byte offset `b` a parser has made at most `b / 2` tokens plus one per open container
/// (each token takes at least two bytes, counting the separator after it). Run `k` writes from index
/// `starts[k] / 2 + (k + 1) * slack`, which no earlier part can reach before passing the run's start.
private final class Runs: Sendable {
    let starts: [Int]
    let capacity: Int
    /// More than the most open containers (`maximumDepth` + 1) a parser can have at any point.
    private static let slack = 1_024
    private let finished: [DispatchSemaphore]
    private let results: Mutex<[Run?]>

    /// The tokens of a finished run.
    struct Run {
        var firstToken: Int
        /// Index after its last token.
        var endToken: Int
        /// Offset after the run: the next run's start (`atElement`), or the byte after its last element.
        var end: Int
        var atElement: Bool
        var elements: Int
        /// Token of the last element, whose `next` must point on past the run when the next run is adopted.
        var lastElement: Int
        /// Nesting of the deepest container, counting its elements as depth 1.
        var deepest: Int
    }

    init(starts: [Int], size: Int) {
        self.starts = starts
        capacity = size / 2 + (starts.count + 1) * Self.slack + 16
        finished = starts.map { _ in DispatchSemaphore(value: 0) }
        results = Mutex(.init(repeating: nil, count: starts.count))
    }

    func firstToken(_ k: Int) -> Int { starts[k] / 2 + (k + 1) * Self.slack }

    /// The first index that the parts before run `k` must not write: run `k`'s first token, or the end of the
    /// memory when there is no run `k`.
    func limit(beforeRun k: Int) -> Int { k < starts.count ? firstToken(k) : capacity }

    /// Where runs begin: after a newline that follows a comma (and the whitespace after it), near the `parts`
    /// equal shares of the document. Empty when the document has no such newlines (compact JSON).
    static func starts(in bytes: UnsafeBufferPointer<UInt8>, parts: Int) -> [Int] {
        var starts: [Int] = []
        for k in 1..<parts {
            var p = max(bytes.count * k / parts, (starts.last ?? 0) + 1)
            while p < bytes.count, let newline = memchr(bytes.baseAddress! + p, 0x0A, bytes.count - p) {
                let at = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                p = at + 1
                var before = at - 1
                while before > 0, bytes[before] == 0x20 || bytes[before] == 0x0D || bytes[before] == 0x09 { before -= 1 }
                guard before >= 0, bytes[before] == UInt8(ascii: ",") else { continue }
                while p < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[p]) { p += 1 }
                if p < bytes.count { starts.append(p) }
                break
            }
        }
        return starts
    }

    /// Parses run `k` on the calling thread and signals it has finished.
    func parse(_ k: Int, of bytes: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutablePointer<JSONTape.Token>) {
        var parser = Parser(bytes: bytes, at: starts[k], tokens: tokens, count: firstToken(k), limit: limit(beforeRun: k + 1), runs: nil)
        let run = parser.parseRun(until: k + 1 < starts.count ? starts[k + 1] : Int.max)
        results.withLock { $0[k] = run }
        finished[k].signal()
    }

    /// Run `k` once it has finished; nil if it failed. Called once per run, by the first part only.
    func wait(_ k: Int) -> Run? {
        finished[k].wait()
        return results.withLock { $0[k] }
    }
}

/// Line (from 1) of the byte at `offset`, for messages that must name where a file went wrong.
func lineNumber(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
    var line = 1
    for byte in bytes[..<min(offset, bytes.count)] where byte == UInt8(ascii: "\n") { line += 1 }
    return line
}

private struct Parser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var i: Int
    let tokens: UnsafeMutablePointer<JSONTape.Token>
    /// Index of the next token.
    var count: Int
    /// The index this parser must not write: where the next run's tokens begin, or the end of the memory.
    private var limit: Int
    /// The runs the first part may adopt (none when the document is parsed on one thread; nil in a run's own parser).
    let runs: Runs?
    /// The first part: the next run neither adopted nor given up, and where it starts (`Int.max`: none).
    private var run = 0
    private var nextRunStart = Int.max
    /// The deepest container opened, for a run's depth check.
    private(set) var deepest = 0
    /// Runs adopted so far.
    private(set) var adopted = 0

    init(
        bytes: UnsafeBufferPointer<UInt8>, at start: Int, tokens: UnsafeMutablePointer<JSONTape.Token>, count: Int,
        limit: Int, runs: Runs?
    ) {
        // An empty buffer may have no base address; one byte of nothing stands in (never read: end is 0).
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = bytes.count
        i = start
        self.tokens = tokens
        self.count = count
        self.runs = runs
        self.limit = limit
        nextRunStart = runs?.starts.first ?? Int.max
    }

    func error(_ message: String) -> JSONTape.SyntaxError { .init(offset: i, message: message) }

    @inline(__always)
    private mutating func append(_ token: JSONTape.Token) throws(JSONTape.SyntaxError) {
        if count == limit { try reachedLimit() }
        tokens[count] = token
        count += 1
    }

    /// The next token would be the next run's first: the first part has passed that run's start without adopting
    /// it, so it waits for the run to end and parses on over it; a run's parser has overrun its share and fails.
    private mutating func reachedLimit() throws(JSONTape.SyntaxError) {
        guard let runs, run < runs.starts.count else { throw error("the run is longer than its share") }
        _ = runs.wait(run)
        advanceRun()
    }

    private mutating func advanceRun() {
        guard let runs else { return }
        run += 1
        limit = runs.limit(beforeRun: run)
        nextRunStart = run < runs.starts.count ? runs.starts[run] : Int.max
    }

    /// Waits for the runs not adopted (their threads must end before the tape is used).
    mutating func finishRuns() {
        while let runs, run < runs.starts.count {
            _ = runs.wait(run)
            advanceRun()
        }
    }

    mutating func skipWhitespace() {
        // Indentation of pretty files comes in runs of spaces: eight at a time.
        while i + 8 <= end, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 { i += 8 }
        while i < end {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private var peek: UInt8? { i < end ? base[i] : nil }

    mutating func parseValue(depth: Int) throws(JSONTape.SyntaxError) {
        guard let byte = peek else { throw error("the JSON ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw error("unexpected character '\(Self.describe(byte))' where a value should be")
        }
    }

    private mutating func open(_ kind: JSONTape.Kind, depth: Int) throws(JSONTape.SyntaxError) -> Int {
        guard depth <= JSONTape.maximumDepth else { throw error("nested deeper than \(JSONTape.maximumDepth) levels") }
        if depth > deepest { deepest = depth }
        try append(.init(offset: UInt32(i), length: 0, next: 0, kind: kind))
        i += 1
        skipWhitespace()
        return count - 1
    }

    private mutating func close(_ token: Int, count children: Int) throws(JSONTape.SyntaxError) {
        tokens[token].length = try length(children)
        tokens[token].next = UInt32(count)
    }

    /// `n` as a token's length; a longer value (past 256 MiB, or as many elements) is refused.
    private func length(_ n: Int) throws(JSONTape.SyntaxError) -> UInt32 {
        guard n < JSONTape.Token.lengthLimit else { throw error("a value longer than 256 MiB (or with as many elements)") }
        return UInt32(n)
    }

    private mutating func parseObject(depth: Int) throws(JSONTape.SyntaxError) {
        let token = try open(.object, depth: depth)
        var count = 0
        if peek == UInt8(ascii: "}") {
            i += 1
            return try close(token, count: 0)
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
            i += 1
            skipWhitespace()
            try parseValue(depth: depth)
            count += 1
            if try endOfItems(closedBy: UInt8(ascii: "}"), in: "an object") { return try close(token, count: count) }
        }
    }

    /// After a member or element: true at the closing bracket, false after a comma (both consumed).
    private mutating func endOfItems(closedBy bracket: UInt8, in container: String) throws(JSONTape.SyntaxError) -> Bool {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: ","):
            i += 1
            skipWhitespace()
            return false
        case bracket:
            i += 1
            return true
        default:
            throw error("expected ',' or '\(Character(UnicodeScalar(bracket)))' in \(container)")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONTape.SyntaxError) {
        let token = try open(.array, depth: depth)
        var count = 0
        if peek == UInt8(ascii: "]") {
            i += 1
            return try close(token, count: 0)
        }
        var previous = -1
        while true {
            if i >= nextRunStart, previous >= 0, let adopted = adoptRun(after: previous, depth: depth) {
                count += adopted.elements
                previous = adopted.lastElement
                if adopted.atElement { continue }
            } else {
                previous = self.count
                try parseValue(depth: depth)
                count += 1
            }
            if try endOfItems(closedBy: UInt8(ascii: "]"), in: "an array") { return try close(token, count: count) }
        }
    }

    /// At the start of an element after `previous` of an array at `depth`: adopts the run starting here, if one
    /// does and it parsed; gives up the runs this part has passed.
    private mutating func adoptRun(after previous: Int, depth: Int) -> Runs.Run? {
        guard let runs else { return nil }
        while i > nextRunStart {
            _ = runs.wait(run)
            advanceRun()
        }
        guard i == nextRunStart else { return nil }
        let adopted = runs.wait(run)
        advanceRun()
        guard let adopted, depth + adopted.deepest <= JSONTape.maximumDepth else { return nil }
        tokens[previous].next = UInt32(adopted.firstToken)
        count = adopted.endToken
        i = adopted.end
        self.adopted += 1
        return adopted
    }

    /// A run's own parse, from its start: elements separated by commas, until `nextStart` is reached after a comma
    /// or an element is not followed by one. Nil when the bytes do not parse that way.
    mutating func parseRun(until nextStart: Int) -> Runs.Run? {
        var run = Runs.Run(firstToken: count, endToken: count, end: i, atElement: false, elements: 0, lastElement: count, deepest: 0)
        do throws(JSONTape.SyntaxError) {
            while true {
                run.lastElement = count
                try parseValue(depth: 0)
                run.elements += 1
                skipWhitespace()
                guard peek == UInt8(ascii: ",") else { break }
                i += 1
                skipWhitespace()
                if i == nextStart {
                    run.atElement = true
                    break
                }
            }
        } catch {
            return nil
        }
        run.endToken = count
        run.end = i
        run.deepest = deepest
        return run
    }

    /// Checks escapes and UTF-8 as it goes, so decoding a string later cannot fail.
    private mutating func parseString() throws(JSONTape.SyntaxError) {
        i += 1  // the opening quote
        let start = i
        var escaped = false
        while true {
            // Plain ASCII is the common case: eight bytes at a time, up to the first that is not.
            while i + 8 <= end {
                let special = Self.specialBytes(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                if special == 0 {
                    i += 8
                } else {
                    i += special.trailingZeroBitCount >> 3  // little-endian: the first byte is the lowest
                    break
                }
            }
            guard i < end else { throw error("the JSON ends inside a string") }
            let byte = base[i]
            switch byte {
            case UInt8(ascii: "\""):
                try append(
                    .init(
                        offset: UInt32(start), length: try length(i - start), next: UInt32(count + 1),
                        kind: escaped ? .escapedString : .plainString))
                i += 1
                return
            case UInt8(ascii: "\\"):
                escaped = true
                try skipEscape()
            case 0..<0x20:
                throw error("a control character (\(byte)) inside a string must be escaped")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                i += 1
            }
        }
    }

    /// The high bit of each byte of `word` that is a quote, a backslash, a control character or non-ASCII; the
    /// lowest one set is exact (the borrow tricks can flag bytes above a true one, never below).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let quotes = (quote &- ones) & ~quote
        let backslashes = (backslash &- ones) & ~backslash
        let controls = (word &- ones &* 0x20) & ~word
        return (quotes | backslashes | controls | word) & highs
    }

    private mutating func skipEscape() throws(JSONTape.SyntaxError) {
        guard i + 1 < end else { throw error("the JSON ends inside an escape") }
        switch base[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            guard i + 6 <= end, (2..<6).allSatisfy({ Self.hexValue(base[i + $0]) != nil }) else {
                throw error("\\u must be followed by four hexadecimal digits")
            }
            i += 6
        default:
            throw error("unknown escape '\\\(Self.describe(base[i + 1]))'")
        }
    }

    /// One well-formed UTF-8 sequence (no overlongs, no surrogates, nothing above U+10FFFF).
    private mutating func skipUTF8Sequence() throws(JSONTape.SyntaxError) {
        let lead = base[i]
        let (length, low, high): (Int, UInt8, UInt8) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            default: (0, 0, 0)
            }
        guard length > 0, i + length <= end, (low...high).contains(base[i + 1]),
            (2..<length).allSatisfy({ (0x80...0xBF).contains(base[i + $0]) })
        else { throw error("invalid UTF-8 inside a string") }
        i += length
    }

    private mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONTape.SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= end, (0..<n).allSatisfy({ base[i + $0] == word.utf8Start[$0] }) else {
            throw error("unexpected word where a value should be")
        }
        try append(.init(offset: UInt32(i), length: UInt32(n), next: UInt32(count + 1), kind: kind))
        i += n
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func parseNumber() throws(JSONTape.SyntaxError) {
        let start = i
        var integer = true
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits") }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, Self.isDigit(base[i]) { throw error("a number must not start with 0") }
        } else {
            skipDigits()
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits after '.'") }
            skipDigits()
        }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            integer = false
            i += 1
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, Self.isDigit(base[i]) else { throw error("a number needs digits in its exponent") }
            skipDigits()
        }
        try append(
            .init(
                offset: UInt32(start), length: try length(i - start), next: UInt32(count + 1),
                kind: integer ? .integer : .number))
    }

    private mutating func skipDigits() {
        while i < end, Self.isDigit(base[i]) { i += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}

extension JSONTape {
    /// The text of a string token, escapes decoded. The tape checked its UTF-8 and escapes.
    static func string(_ token: Token, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)])
        guard token.kind == .escapedString else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"  // a lone surrogate, as Foundation reads it
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | Parser.hexValue(raw[at + $1])! }
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"),
                    raw[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        i += 6
                        appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        continue
                    }
                }
                appendScalar(unit)
            default: out.append(escape)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
