// tandem-load: one driver process of Benchmarks/Scripts/bench.py, compiled, for rates a Python driver cannot
// generate on 2 cores (`bench.py --driver compiled`). It does exactly what bench.py's `Worker` does, with the
// command mix, texts and checks bench.py passes in the spec (one source of truth):
//
//   tandem-load SPEC.json      prints "ready" once its connections, anchors and long polls are set up, waits for a
//                              line on stdin, runs the phase, prints one JSON line with the figures
//
// Lanes (a member in a channel, one keep-alive connection each, a thread each) post commands, each in the thread of
// the lane's previous command, so a bot message in thread T answers the one command posted with thread T; one
// thread per member long-polls its updates. Blocking sockets, HTTP/1.1 keep-alive, TCP_NODELAY. Depends on
// nothing of Tandem's, so it builds in seconds.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Spec

struct Spec: Decodable {
    struct MemberSpec: Decodable {
        let language: String
        let channels: [String]
        let can: [String]
    }
    struct MixSpec: Decodable {
        let lookupsEn: [String]
        let lookupsDe: [String]
        let questionsEn: [String]
        let questionsDe: [String]
        let peerLookups: [String]
        let members: [String: MemberSpec]
        let assignee: [String: String]
        let weights: [[String]]  // [kind, weight]
        let stepShare: Double
        let createText: [String]
        let stepTexts: [String: [String]]
        let listTexts: [String: [String]]
        let ok: [String: String]
        let okIgnoreCase: [String]
        let errors: String
        let botId: String
    }
    let host: String
    let port: Int
    let members: [String]
    let name: String
    let seed: UInt64
    let window: Int?
    let rate: Double?
    let duration: Double?
    let n: Int?
    let lanesPerChannel: Int
    let lookupsOnly: Bool
    let drain: Double
    let run: String
    let mix: MixSpec
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func cpuSelf() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

// MARK: - HTTP

struct HTTPFailure: Error, CustomStringConvertible {
    let description: String
}

/// One keep-alive HTTP/1.1 connection, used by one thread.
final class Conn {
    let host: String
    let port: Int
    let token: String
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 262_144)

    init(host: String, port: Int, token: String) {
        self.host = host
        self.port = port
        self.token = token
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        buffer = []
        start = 0
    }

    private func connect() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPFailure(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: 90, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close()
            throw HTTPFailure(description: "connect to \(host):\(port): errno \(e)")
        }
    }

    func request(_ method: String, _ path: String, body: [UInt8]? = nil) throws -> (Int, [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nAuthorization: Bearer \(token)\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        var raw = Array(head.utf8)
        if let body { raw += body }
        for attempt in 0..<2 {
            if fd < 0 { try connect() }
            do {
                try sendAll(raw)
                return try readResponse()
            } catch {
                close()
                if attempt == 1 { throw error }
            }
        }
        throw HTTPFailure(description: "unreachable")
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw HTTPFailure(description: "send: errno \(errno)") }
            sent += n
        }
    }

    private func fill() throws {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n <= 0 { throw HTTPFailure(description: n == 0 ? "connection closed by the server" : "recv: errno \(errno)") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard buffer.count - from >= pattern.count else { return nil }
        var i = from
        let last = buffer.count - pattern.count
        while i <= last {
            if buffer[i] == pattern[0] {
                var j = 1
                while j < pattern.count && buffer[i + j] == pattern[j] { j += 1 }
                if j == pattern.count { return i }
            }
            i += 1
        }
        return nil
    }

    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]
    private static let crlf: [UInt8] = [13, 10]

    private func readResponse() throws -> (Int, [UInt8]) {
        var end: Int
        while true {
            if let e = find(Self.crlfcrlf, from: start) { end = e; break }
            try fill()
        }
        let head = String(decoding: buffer[start..<end], as: UTF8.self)
        start = end + 4
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HTTPFailure(description: "not an HTTP response: \(lines[0])")
        }
        var length = 0
        var chunked = false
        var closeAfter = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            if key == "content-length" { length = Int(value) ?? 0 }
            if key == "transfer-encoding" && value == "chunked" { chunked = true }
            if key == "connection" && value == "close" { closeAfter = true }
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                var lineEnd: Int
                while true {
                    if let e = find(Self.crlf, from: start) { lineEnd = e; break }
                    try fill()
                }
                let sizeText = String(decoding: buffer[start..<lineEnd], as: UTF8.self).split(separator: ";")[0]
                let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
                start = lineEnd + 2
                while buffer.count - start < size + 2 { try fill() }
                body += buffer[start..<start + size]
                start += size + 2
                if size == 0 { break }
            }
        } else {
            while buffer.count - start < length { try fill() }
            body = Array(buffer[start..<start + length])
            start += length
        }
        if closeAfter { close() }
        return (status, body)
    }

    func json(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        let data = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let (status, answer) = try request(method, path, body: data)
        guard status == 200 else {
            throw HTTPFailure(description: "\(method) \(path.split(separator: "?")[0]): \(status) \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any] else {
            throw HTTPFailure(description: "\(method) \(path): not a JSON object")
        }
        return object
    }
}

// MARK: - The mix

/// What a command is for and what follows its reply (a handoff's next step).
struct Follow {
    let action: String
    let handoff: String?
    let creator: String
    let by: String
}

struct Entry {
    let reference: Double
    let kind: String
    let text: String
    let channel: String
    let follow: Follow?
}

/// Everything one driver process shares between its threads, behind one lock.
final class Shared: @unchecked Sendable {
    let spec: Spec
    let lock = NSLock()
    var rng: SplitMix64
    var ready: [String: [(action: String, handoff: String, creator: String)]] = [:]
    var outstanding: [String: Entry] = [:]
    var completed = Set<String>()
    var seen = Set<String>()
    var latencies: [Double] = []
    var postMs: [Double] = []
    var samples: [[String]] = []
    var bad: [[String]] = []
    var postErrors: [String] = []
    var duplicates = 0
    var wrongChannel = 0
    var announcements = 0
    var posted = 0
    var nLeft: Int?
    var lastReply = 0.0
    var tStart = 0.0
    var tEnd: Double?
    var windowFree: Int
    let windowCondition = NSCondition()
    var stopPolling = false
    let okPatterns: [String: NSRegularExpression]
    let errors: NSRegularExpression
    let handoffID = try! NSRegularExpression(pattern: "`(H-\\d+)`")
    let kinds: [String]
    let weights: [Double]

    init(spec: Spec) throws {
        self.spec = spec
        rng = SplitMix64(state: spec.seed)
        nLeft = spec.n
        windowFree = spec.window ?? Int.max
        var ok: [String: NSRegularExpression] = [:]
        for (kind, pattern) in spec.mix.ok {
            ok[kind] = try NSRegularExpression(
                pattern: pattern, options: spec.mix.okIgnoreCase.contains(kind) ? [.caseInsensitive] : [])
        }
        okPatterns = ok
        errors = try NSRegularExpression(pattern: spec.mix.errors)
        kinds = spec.mix.weights.map { $0[0] }
        weights = spec.mix.weights.map { Double($0[1]) ?? 0 }
        for m in spec.members { ready[m] = [] }
    }

    func matches(_ re: NSRegularExpression, _ text: String) -> Bool {
        re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The next command of a lane: (kind, text, follow-up). Called with the lock held.
    func nextCommand(member: String, channel: String) -> (String, String, Follow?) {
        let mix = spec.mix
        if spec.lookupsOnly { return ("lookup", rng.pick(mix.peerLookups), nil) }
        let m = mix.members[member]!
        let de = m.language == "de" ? 1 : 0
        if m.can.contains("step"), let first = ready[member]?.first, rng.unit() < mix.stepShare {
            ready[member]!.removeFirst()
            let text = mix.stepTexts[first.action]![de].replacingOccurrences(of: "{hid}", with: first.handoff)
            return ("step", text, Follow(action: first.action, handoff: first.handoff, creator: first.creator, by: member))
        }
        var kind: String
        let total = weights.reduce(0, +)
        while true {
            var x = rng.unit() * total
            kind = kinds.last!
            for (k, w) in zip(kinds, weights) {
                if x < w { kind = k; break }
                x -= w
            }
            if !m.can.contains(kind) { continue }
            if kind == "create" && channel == "sales" { continue }
            break
        }
        switch kind {
        case "lookup": return (kind, rng.pick(de == 1 ? mix.lookupsDe : mix.lookupsEn), nil)
        case "question": return (kind, rng.pick(de == 1 ? mix.questionsDe : mix.questionsEn), nil)
        case "create":
            let to = mix.assignee[member]!
            let n = String(rng.next() % 0x1000000, radix: 16)
            let hex = String(repeating: "0", count: max(0, 6 - n.count)) + n
            let text = mix.createText[de].replacingOccurrences(of: "{n}", with: hex)
                .replacingOccurrences(of: "{to}", with: to)
                .replacingOccurrences(of: "{prio}", with: rng.pick(["hot", "warm", "cool"]))
            return (kind, text, Follow(action: "created", handoff: nil, creator: member, by: to))
        default:
            return (kind, mix.listTexts[kind]![de], nil)
        }
    }

    /// Queues a handoff's next step after the reply to its previous one. Called with the lock held.
    func replied(_ follow: Follow, text: String) {
        let r = rng.unit()
        switch follow.action {
        case "created":
            guard let match = handoffID.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: 1), in: text)
            else { return }
            let hid = String(text[range])
            let to = follow.by
            if to == "jonas" && r < 0.2 && ready["priya"] != nil {
                ready["priya"]!.append(("reassign", hid, follow.creator))
            } else if r < 0.25 {
                ready[to]?.append(("reject", hid, follow.creator))
            } else {
                ready[to]?.append(("accept", hid, follow.creator))
            }
        case "reassign": ready[follow.by]?.append(("accept", follow.handoff!, follow.creator))
        case "accept": ready[follow.by]?.append((r < 0.6 ? "won" : "lost", follow.handoff!, follow.creator))
        case "reject": ready[follow.creator]?.append(("recycle", follow.handoff!, follow.creator))
        case "won", "lost", "recycle":
            if r < 0.3 { ready[follow.creator]?.append(("show", follow.handoff!, follow.creator)) }
        default: break
        }
    }

    // MARK: Window

    func acquireWindow(until deadline: Double?) -> Bool {
        windowCondition.lock()
        defer { windowCondition.unlock() }
        while windowFree == 0 {
            if let deadline, now() >= deadline { return false }
            _ = windowCondition.wait(until: Date(timeIntervalSinceNow: 0.5))
        }
        windowFree -= 1
        return true
    }

    func releaseWindow() {
        windowCondition.lock()
        windowFree += 1
        windowCondition.signal()
        windowCondition.unlock()
    }

    /// The scheduled send time of the next command (paced), or now; nil when the phase is over.
    func takeSlot() -> Double? {
        lock.lock()
        defer { lock.unlock() }
        if let left = nLeft {
            if left <= 0 { return nil }
            nLeft = left - 1
        }
        if let rate = spec.rate {
            let t = tStart + Double(posted) / rate
            if let tEnd, t >= tEnd { return nil }
            posted += 1
            return t
        }
        let t = now()
        if let tEnd, t >= tEnd { return nil }
        posted += 1
        return t
    }
}

// MARK: - Lanes and pollers

func lane(_ shared: Shared, member: String, channel: String, conn: Conn, anchor: String, index: Int) {
    let spec = shared.spec
    var thread = anchor
    var seq = 0
    let windowed = spec.window != nil
    while true {
        if windowed && !shared.acquireWindow(until: shared.tEnd) { return }
        guard let slot = shared.takeSlot() else {
            if windowed { shared.releaseWindow() }
            return
        }
        if spec.rate != nil {
            let delay = slot - now()
            if delay > 0 { usleep(useconds_t(delay * 1e6)) }
        }
        shared.lock.lock()
        let (kind, text, follow) = shared.nextCommand(member: member, channel: channel)
        let body = channel.hasPrefix("dm-") ? text : "@tandem " + text
        seq += 1
        let sent = now()
        shared.outstanding[thread] = Entry(
            reference: spec.rate != nil ? slot : sent, kind: kind, text: body, channel: channel, follow: follow)
        shared.lock.unlock()
        do {
            let answer = try conn.json("POST", "/messages", [
                "channel": channel, "text": body, "thread": thread,
                "idempotency_key": "\(spec.run)-\(spec.name)-\(member)-\(channel)-\(index)-\(seq)",
            ])
            guard let id = answer["id"] as? String else { throw HTTPFailure(description: "POST /messages: no id") }
            let took = (now() - sent) * 1000
            shared.lock.lock()
            if shared.postMs.count < 20_000 { shared.postMs.append(took) }
            shared.lock.unlock()
            thread = id
        } catch {
            shared.lock.lock()
            shared.outstanding[thread] = nil
            shared.postErrors.append("\(error)")
            let tooMany = shared.postErrors.count > 20
            shared.lock.unlock()
            if windowed { shared.releaseWindow() }
            if tooMany { return }
            conn.close()
        }
    }
}

func poll(_ shared: Shared, member: String, conn: Conn, cursor start: String) {
    var cursor = start
    let bot = shared.spec.mix.botId
    while true {
        shared.lock.lock()
        let stop = shared.stopPolling
        shared.lock.unlock()
        if stop { return }
        let page: [String: Any]
        do {
            page = try conn.json("GET", "/updates?after=\(cursor)&timeout=1&limit=1000")
        } catch {
            shared.lock.lock()
            let stopping = shared.stopPolling
            if !stopping { shared.postErrors.append("poll: \(error)") }
            shared.lock.unlock()
            if stopping { return }
            conn.close()
            usleep(50_000)
            continue
        }
        let t = now()
        if let c = page["cursor"] as? String { cursor = c }
        guard let updates = page["updates"] as? [[String: Any]] else { continue }
        var followUps: [(Follow, String)] = []
        var released = 0
        shared.lock.lock()
        for u in updates {
            guard let user = u["user"] as? [String: Any], user["id"] as? String == bot, let id = u["id"] as? String
            else { continue }
            if !shared.seen.insert(id).inserted { continue }
            guard let thread = u["thread"] as? String else {
                shared.announcements += 1
                continue
            }
            guard let entry = shared.outstanding.removeValue(forKey: thread) else {
                if shared.completed.contains(thread) { shared.duplicates += 1 }
                continue
            }
            shared.completed.insert(thread)
            if u["channel"] as? String != entry.channel { shared.wrongChannel += 1 }
            shared.latencies.append(t - entry.reference)
            shared.lastReply = t
            let reply = u["text"] as? String ?? ""
            if shared.samples.count < 40 && shared.latencies.count % 7 == 1 {
                shared.samples.append([entry.kind, entry.text, String(reply.prefix(160))])
            }
            let ok = shared.okPatterns[entry.kind].map { shared.matches($0, reply) } ?? true
            if shared.matches(shared.errors, reply) || !ok {
                if shared.bad.count < 20 { shared.bad.append([entry.kind, entry.text, String(reply.prefix(400))]) }
            }
            if let follow = entry.follow { followUps.append((follow, reply)) }
            released += 1
        }
        for (follow, reply) in followUps { shared.replied(follow, text: reply) }
        shared.lock.unlock()
        if shared.spec.window != nil {
            for _ in 0..<released { shared.releaseWindow() }
        }
    }
}

// MARK: - Main

func runThreads(_ bodies: [@Sendable () -> Void]) -> [Thread] {
    bodies.map { body in
        let t = Thread { body() }
        t.stackSize = 512 * 1024
        t.start()
        return t
    }
}

func main() throws {
    guard CommandLine.arguments.count == 2 else {
        FileHandle.standardError.write("usage: tandem-load SPEC.json (bench.py writes the spec)\n".data(using: .utf8)!)
        exit(2)
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let spec = try decoder.decode(Spec.self, from: Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[1])))
    let shared = try Shared(spec: spec)

    // Long polls first, each from now on; then the lanes and their anchors.
    var pollers: [(String, Conn, String)] = []
    for m in spec.members {
        let c = Conn(host: spec.host, port: spec.port, token: "local-" + m)
        let page = try c.json("GET", "/updates?timeout=0&limit=1")
        pollers.append((m, c, page["cursor"] as? String ?? "0"))
    }
    var lanes: [(String, String, Conn, String, Int)] = []
    for m in spec.members {
        for ch in spec.mix.members[m]!.channels {
            let channel = ch == "dm" ? "dm-\(m)-\(spec.mix.botId)" : ch
            for i in 0..<spec.lanesPerChannel {
                let c = Conn(host: spec.host, port: spec.port, token: "local-" + m)
                // In the lane's own channel: a thread is a message of the same channel (protocol v1). In a direct
                // channel the bot answers the anchor too, outside any thread: counted as a further message.
                let anchor = try c.json("POST", "/messages", [
                    "channel": channel, "text": "(benchmark lane \(spec.name)/\(m)/\(ch)/\(i))",
                    "idempotency_key": "\(spec.run)-\(spec.name)-anchor-\(m)-\(ch)-\(i)",
                ])
                lanes.append((m, channel, c, anchor["id"] as? String ?? "", i))
            }
        }
    }
    let done = DispatchGroup()
    final class Box<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
    let pollerThreads = pollers.map { p in
        let box = Box(p)
        done.enter()
        return { @Sendable in poll(shared, member: box.value.0, conn: box.value.1, cursor: box.value.2); done.leave() }
    }
    _ = runThreads(pollerThreads)
    print("ready")
    fflush(nil)
    _ = readLine()

    let cpu0 = cpuSelf()
    let wallStart = Date().timeIntervalSince1970
    shared.lock.lock()
    shared.tStart = now()
    shared.tEnd = spec.duration.map { shared.tStart + $0 }
    shared.lock.unlock()
    let laneGroup = DispatchGroup()
    let laneBodies = lanes.map { l in
        let box = Box(l)
        laneGroup.enter()
        return { @Sendable in
            lane(shared, member: box.value.0, channel: box.value.1, conn: box.value.2, anchor: box.value.3, index: box.value.4)
            laneGroup.leave()
        }
    }
    _ = runThreads(laneBodies)
    laneGroup.wait()
    let postedUntil = now()
    // Until every command is answered, or no reply came for `drain` seconds.
    while true {
        shared.lock.lock()
        let open = shared.outstanding.count
        let last = max(postedUntil, shared.lastReply)
        shared.lock.unlock()
        if open == 0 || now() - last >= spec.drain { break }
        usleep(5_000)
    }
    let finished = now()
    shared.lock.lock()
    shared.stopPolling = true
    shared.lock.unlock()
    _ = done.wait(timeout: .now() + 10)
    let cpu1 = cpuSelf()
    shared.lock.lock()
    let result: [String: Any] = [
        "name": spec.name, "t0": wallStart, "posted": shared.posted, "answered": shared.latencies.count,
        "missing": shared.outstanding.count, "missing_samples": shared.outstanding.values.prefix(5).map { $0.text },
        "duplicates": shared.duplicates, "wrong_channel": shared.wrongChannel, "announcements": shared.announcements,
        "latencies": shared.latencies, "bad": shared.bad, "samples": shared.samples,
        "post_errors": Array(shared.postErrors.prefix(5)), "post_seconds": postedUntil - shared.tStart,
        "post_ms": shared.postMs,
        "seconds": (shared.latencies.isEmpty ? finished : shared.lastReply) - shared.tStart, "cpu": cpu1 - cpu0,
    ]
    shared.lock.unlock()
    let data = try JSONSerialization.data(withJSONObject: result)
    FileHandle.standardOutput.write(data)
    print("")
    fflush(nil)
    exit(0)
}

do {
    try main()
} catch {
    FileHandle.standardError.write("tandem-load: \(error)\n".data(using: .utf8)!)
    exit(1)
}
