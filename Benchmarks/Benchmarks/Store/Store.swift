import Benchmark
import BenchmarkSupport
import Foundation
import TandemCore
import TandemStore

/// The JSON journal + snapshot store on this disk, with real fsync.
///
/// - Journal append: one realistic record (a handoff accepted: event, two replies in the outbox, the cursor)
///   appended durably, with 1,000 vs 100,000 handoffs in the state. Aim: p50 and p99 ratio ≤ 1.5.
/// - Commit: what the bot does per message: handle a new handoff, append the record, apply it to the state.
/// - Load: start-up from the fixture folder (snapshot of 10k campaigns + 99.5k handoffs, 1,000 journal
///   records replayed to 100k handoffs). Aim: < 1 s. Reports peak RSS.
/// - Compact: writing the snapshot of that state and emptying the journal. Reports peak RSS and snapshot size.
///
/// Benchmarks run in alphabetical order, each in its own process: "Compact" builds the fixture folder (kept in
/// the temp dir) before "Load" reads it, so Load's peak RSS is that of a process that only loaded.

final class Lab: @unchecked Sendable {
    var path = ""
    var folder: StateFolder?
    var store: JournalStore?
    var state = StoredState()
    var record = JournalRecord()
    var message = 0

    /// A folder holding `state` as a snapshot, loaded and ready for appends.
    func open(_ name: String, state: StoredState) async throws {
        path = TempFolder.make(name)
        let folder = try StateFolder(path: path)
        let store = JournalStore(folder: folder)
        _ = try await store.load()
        try await store.append(JournalRecord(cursor: "0"))  // compaction skips an empty journal
        try await store.compact(state)
        self.folder = folder
        self.store = store
        self.state = state
    }

    func close() {
        store = nil
        folder = nil
        TempFolder.remove(path)
    }
}

let lab = Lab()
let handler = CommandHandler(team: Sample.team)

enum Metric {
    static let snapshotMB = BenchmarkMetric.custom("snapshot size (MB)", polarity: .prefersSmaller, useScalingFactor: false)
}

/// Setup for the append benchmarks: a state of `handoffs` handoffs and the record of accepting the newest.
func prepareAppend(handoffs: Int) async throws {
    let team = Sample.state(campaigns: 1_000, handoffs: handoffs)
    try await lab.open("append-\(handoffs)", state: StoredState(team: team))
    let id = "H-\(handoffs)"
    let owner = team.handoff(id: id)?.assignee
    let sender = owner == "jonas" ? Sample.jonas : owner == "sam" ? Sample.sam : Sample.priya
    let outcome = handler.handle("handoff accept \(id)", state: team, context: Sample.context(sender, channel: "sales-team"))
    precondition(outcome.events.count == 1, "the accept must produce an event")
    lab.record = Records.record(for: outcome, message: 1)
}

let benchmarks: @Sendable () -> Void = {
    let durable = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .syscalls, .writeSyscalls, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(10),
        maxIterations: 2_000
    )
    let big = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(60),
        maxIterations: 10
    )

    for handoffs in [1_000, 100_000] {
        Benchmark(
            "Journal append+fsync (\(handoffs / 1000)k handoffs)",
            configuration: durable,
            closure: { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try await lab.store!.append(lab.record))
                }
            },
            setup: { try await prepareAppend(handoffs: handoffs) },
            teardown: { lab.close() }
        )

        // Exactly the steps of `BotLoop.handle` for a batch of one message: handle against the state in place
        // (a batch copies the team state only when an earlier command in it changed something), append, apply.
        Benchmark(
            "Commit as BotLoop.handle: new handoff (\(handoffs / 1000)k handoffs)",
            configuration: durable,
            closure: { benchmark in
                for _ in benchmark.scaledIterations {
                    lab.message += 1
                    let outcome = handler.handle(
                        Records.handoffCommand(lab.message, campaign: nil), state: lab.state.team, context: Sample.context(Sample.mia))
                    let written = try await lab.store!.append(Records.record(for: outcome, message: lab.message))
                    lab.state.apply(written)
                }
            },
            setup: {
                try await lab.open("commit-\(handoffs)", state: StoredState(team: Sample.state(campaigns: 1_000, handoffs: handoffs)))
            },
            teardown: { lab.close() }
        )
    }

    var compactConfiguration = big
    compactConfiguration.metrics.append(Metric.snapshotMB)
    Benchmark(
        "Compact (100k handoffs, 10k campaigns)",
        configuration: compactConfiguration,
        closure: { benchmark in
            // A record to compact (compaction skips an empty journal), appended before the measurement starts.
            try await lab.store!.append(JournalRecord(cursor: "c-\(lab.message)"))
            lab.message += 1
            benchmark.startMeasurement()
            try await lab.store!.compact(lab.state)
            benchmark.stopMeasurement()
            let size = (try? FileManager.default.attributesOfItem(atPath: lab.store!.snapshotPath)[.size] as? Int) ?? 0
            benchmark.measurement(Metric.snapshotMB, size / 1_000_000)
        },
        setup: {
            // Builds the load fixture on the way when it is missing (it is kept in the temp dir).
            let state: StoredState
            if let built = try await StoreFixture.prepare() {
                state = built
            } else {
                let folder = try StateFolder(path: StoreFixture.path)
                state = try await JournalStore(folder: folder).load().0
            }
            try await lab.open("compact", state: state)
        },
        teardown: { lab.close() }
    )

    Benchmark(
        "Load (snapshot + 1,000 journal records → 100k handoffs, 10k campaigns)",
        configuration: big,
        closure: { benchmark in
            let folder = try StateFolder(path: StoreFixture.path)
            let store = JournalStore(folder: folder)
            let (state, report) = try await store.load()
            precondition(state.team.handoffs.count == StoreFixture.handoffs && report.records == StoreFixture.journalRecords)
            blackHole(state)
        },
        setup: {
            if !StoreFixture.isReady {
                print("note: building the fixture in this process; its peak RSS includes building it")
                try await StoreFixture.prepare()
            }
        }
    )
}
