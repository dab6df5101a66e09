import BenchmarkSupport
import Foundation
import TandemCore
import TandemStore

// Runs one benchmark scenario in a plain loop, for profilers (valgrind --tool=callgrind, perf), which cannot
// follow the benchmark tool's child processes. The data is built before the loop; profile with
// `--toggle-collect='*scenario*'` or subtract the setup.
//
//   swift build --package-path Benchmarks -c release --product tandem-profile
//   valgrind --tool=callgrind Benchmarks/.build/release/tandem-profile search roadhsow 20

let args = CommandLine.arguments.dropFirst()
guard let scenario = args.first else {
    print("usage: tandem-profile search <query> [n] | index [campaigns] [n] | handle <command> [n] | next [n] | due [n]")
    exit(2)
}

@inline(never)
func scenarioLoop(_ n: Int, _ body: () -> Void) {
    let start = ContinuousClock.now
    let startCPU = threadCPUTime()
    for _ in 0..<n { body() }
    let elapsed = ContinuousClock.now - start
    // CPU time as well: on a shared machine other processes stretch the wall time, much less this thread's time.
    print("\(n) runs, \(elapsed / n) each, CPU \((threadCPUTime() - startCPU) / n) each")
}

func threadCPUTime() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}

extension StoredState {
    func applying(_ record: JournalRecord) -> StoredState {
        var state = self
        state.apply(record)
        return state
    }
}

func count(_ i: Int, default d: Int) -> Int { args.count > i ? Int(args[args.startIndex + i]) ?? d : d }

switch scenario {
case "search":
    let state = Sample.state(campaigns: 10_000, handoffs: 0)
    let query = args.count > 1 ? args[args.startIndex + 1] : "roadhsow"
    print("hits: \(state.campaignSearch.search(query).count)")
    scenarioLoop(count(2, default: 100)) { _ = state.campaignSearch.search(query) }
case "index":
    // tandem-profile index [campaigns] [n]: start-up's indexing, `TeamState(campaigns:)` of the sample campaigns.
    let campaigns = Sample.campaigns(count: count(1, default: 10_000), seed: 8)
    print("campaigns: \(campaigns.count), spring hits: \(TeamState(campaigns: campaigns).campaignSearch.search("spring").count)")
    scenarioLoop(count(2, default: 10)) { _ = TeamState(campaigns: campaigns) }
case "handle":
    let state = Sample.state(campaigns: 10_000, handoffs: 100_000)
    let handler = CommandHandler(team: Sample.team)
    let text = args.count > 1 ? args[args.startIndex + 1] : "handoff accept H-99999"
    let context = Sample.context(Sample.priya)
    print(handler.handle(text, state: state, context: context).replies.first.map { "\($0.body)".prefix(300) } ?? "")
    scenarioLoop(count(2, default: 100)) { _ = handler.handle(text, state: state, context: context) }
case "next", "due":
    let state = Sample.withMeetings(10_000)
    let planner = NoticePlanner(team: Sample.team, settings: NoticeSettings())
    print("next: \(String(describing: planner.next(in: state, after: Sample.now)))")
    print("due: \(planner.due(in: state, from: Sample.now, through: Sample.now + 60).count) in a minute")
    // `cold` as the third argument: a new planner each time (no timeline yet).
    let cold = args.count > 2 && args[args.startIndex + 2] == "cold"
    var now = Sample.now
    func planned() -> NoticePlanner { cold ? NoticePlanner(team: Sample.team, settings: NoticeSettings()) : planner }
    if scenario == "next" {
        scenarioLoop(count(1, default: 10)) { now += 1; _ = planned().next(in: state, after: now) }
    } else {
        scenarioLoop(count(1, default: 10)) { now += 1; _ = planned().due(in: state, from: now, through: now + 60) }
    }
case "stats":
    // What the big benchmark state holds: open handoffs, per assignee, overdue, campaign search hits.
    let state = Sample.state(campaigns: 10_000, handoffs: 100_000)
    let open = state.openHandoffs
    print("handoffs \(state.handoffs.count), open \(open.count), pending \(open.filter { state.handoffs[$0].status == .pending }.count)")
    for who in ["sam", "jonas", nil] as [String?] { print("open for \(who ?? "queue"): \(state.openHandoffPositions(assignee: who).count)") }
    print("overdue at now: \(open.filter { state.handoffs[$0].isOverdue(at: Sample.now) }.count)")
    for q in ["spring", "webinar", "maint", "roadhsow"] { print("search '\(q)': \(state.campaignSearch.search(q).count) hits") }
case "fixture":
    // tandem-profile fixture <folder> <handoffs> <campaigns>: a state folder holding that state as a snapshot.
    let path = args.count > 1 ? args[args.startIndex + 1] : "/tmp/tandem-profile-state"
    let state = StoredState(team: Sample.state(campaigns: count(3, default: 1_000), handoffs: count(2, default: 10_000)))
    let store = JournalStore(folder: try StateFolder(path: path))
    _ = try await store.load()
    // `compact` writes nothing while the journal is empty: one record first, so the snapshot is written.
    try await store.compact(state.applying(try await store.append(JournalRecord(cursor: "fixture"))))
    print("wrote \(path)/snapshot.json")
case "load":
    // tandem-profile load <folder> [n]
    let path = args.count > 1 ? args[args.startIndex + 1] : "/tmp/tandem-profile-state"
    let n = count(2, default: 1)
    let start = ContinuousClock.now
    for _ in 0..<n {
        let store = JournalStore(folder: try StateFolder(path: path))
        _ = try await store.load()
    }
    print("\(n) runs, \((ContinuousClock.now - start) / n) each")
case "compact":
    // tandem-profile compact <folder> [n]: each run loads, appends one record (an empty journal is not
    // compacted) and compacts; only the compaction is timed.
    let path = args.count > 1 ? args[args.startIndex + 1] : "/tmp/tandem-profile-state"
    let n = count(2, default: 1)
    func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
    var total = Duration.zero
    var peakAfterLoad = 0
    for run in 0..<n {
        let store = JournalStore(folder: try StateFolder(path: path))
        let (loaded, _) = try await store.load()
        let state = loaded.applying(try await store.append(JournalRecord(cursor: "profile-\(run)")))
        peakAfterLoad = peakRSS()
        let start = ContinuousClock.now
        try await store.compact(state)
        total += ContinuousClock.now - start
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path + "/snapshot.json")[.size] as? Int) ?? 0
    print("\(n) runs, compaction \(total / n) each; snapshot.json \(size) bytes")
    print("peak RSS \(peakAfterLoad) MB after loading, \(peakRSS()) MB after compacting")
case "encode":
    // tandem-profile encode <folder> [n] [foundation]: the snapshot of the folder's state encoded in memory, pretty
    // and compact, by StateJSONEncoder (and by Foundation's JSONEncoder too when asked), without the disk.
    let path = args.count > 1 ? args[args.startIndex + 1] : "/tmp/tandem-profile-state"
    let n = count(2, default: 1)
    // `sample:<handoffs>` encodes a generated state instead (no loading: callgrind crashes on the async load).
    let state = path.hasPrefix("sample:")
        ? StoredState(team: Sample.state(campaigns: (Int(path.dropFirst(7)) ?? 1_000) / 10, handoffs: Int(path.dropFirst(7)) ?? 1_000))
        : try await JournalStore(folder: try StateFolder(path: path)).load().0
    let snapshot = Snapshot(sequence: 1, state: state)
    func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    func time(_ label: String, _ encode: () throws -> Data) rethrows {
        var size = 0
        let start = ContinuousClock.now
        let cpu = cpuSeconds()
        for _ in 0..<n { size = try encode().count }
        let cpuEach = (cpuSeconds() - cpu) / Double(n)
        print("\(label): \((ContinuousClock.now - start) / n) each (CPU \(String(format: "%.2f", cpuEach)) s), \(size) bytes")
    }
    try time("StateJSONEncoder pretty") { try StateJSONEncoder(format: .pretty).encode(snapshot) }
    try time("StateJSONEncoder compact") { try StateJSONEncoder(format: .compact).encode(snapshot) }
    // One journal line as the Store benchmark appends it: a handoff accepted (event, two replies, the cursor).
    let id = state.team.handoffs.last?.id ?? "H-1"
    let owner = state.team.handoff(id: id)?.assignee
    let sender = owner == "jonas" ? Sample.jonas : owner == "sam" ? Sample.sam : Sample.priya
    let accepted = CommandHandler(team: Sample.team).handle("handoff accept \(id)", state: state.team, context: Sample.context(sender))
    var record = Records.record(for: accepted, message: 1)
    record.sequence = 12_345
    func timeLine(_ label: String, _ encode: () throws -> Data) rethrows {
        let lines = 20_000
        var size = 0
        let start = ContinuousClock.now
        for _ in 0..<lines { size = try encode().count }
        print("\(label): \((ContinuousClock.now - start) / lines) each, \(size) bytes")
    }
    try timeLine("journal line, StateJSONEncoder") { try StateJSONEncoder(format: .compact).encode(record) }
    if args.count > 3 && args[args.startIndex + 3] == "foundation" {
        let line = JSONEncoder()
        line.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        line.dateEncodingStrategy = .iso8601
        try timeLine("journal line, JSONEncoder") { try line.encode(record) }
        for pretty in [true, false] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try time("JSONEncoder \(pretty ? "pretty" : "compact")") { try encoder.encode(snapshot) }
        }
    }
default:
    print("unknown scenario \(scenario)")
    exit(2)
}
