import Foundation
import Testing
import TandemCore
import TandemStore
import TandemStoreTesting
import TandemTesting

/// A script of commands (appends) and compactions, some with appends while their snapshot is written, cut by a
/// crash after every possible number of file steps.
/// Recovery must load the state from before or after the interrupted operation, never one in between, and the
/// recovered store must carry on to the script's final state.
@Suite("Crash at every step")
struct CrashAtEveryStepTests {
    enum Operation: Sendable {
        case append(JournalRecord)
        case compact
        /// `compaction(of:)`: the snapshot's position is fixed; appends may follow before …
        case beginCompaction
        /// … its `run()` writes it and cuts the journal.
        case finishCompaction
    }

    static let script: [Operation] = [
        .append(StoreFixtures.created("spring", cursor: 1)),
        .append(StoreFixtures.sent(1)),
        .append(StoreFixtures.note(on: "spring", "a", cursor: 2)),
        .compact,
        .append(StoreFixtures.sent(2)),
        .append(StoreFixtures.note(on: "spring", "b", cursor: 3)),
        .append(StoreFixtures.created("autumn", cursor: 4)),
        .compact,
        .append(StoreFixtures.sent(3)),
        .compact,
        .append(StoreFixtures.note(on: "autumn", "c", cursor: 5)),
        .compact,
        .append(StoreFixtures.sent(4)),
        .append(StoreFixtures.note(on: "spring", "d", cursor: 6)),
        .beginCompaction,
        .append(StoreFixtures.sent(5)),
        .append(StoreFixtures.note(on: "autumn", "e", cursor: 7)),
        .finishCompaction,
        .append(StoreFixtures.created("winter", cursor: 8)),
        .beginCompaction,
        .finishCompaction,
        .append(StoreFixtures.sent(6)),
    ]

    /// `expected[i]`: the state after the first i operations.
    static let expected: [StoredState] = script.reduce(into: [StoredState()]) { states, operation in
        var next = states.last!
        if case .append(let record) = operation { next.apply(record) }
        states.append(next)
    }

    /// Runs `script[from...]`; returns the index of the operation a crash interrupted, if one did.
    /// A compaction begun before the crash is gone with the process: resuming skips its `finishCompaction`.
    static func run(_ store: JournalStore, from start: Int) async throws -> Int? {
        var compaction: JournalStore.Compaction?
        for index in script.indices.dropFirst(start) {
            do {
                switch script[index] {
                case .append(let record): try await store.append(record)
                case .compact: try await store.compact(expected[index])
                case .beginCompaction: compaction = try await store.compaction(of: expected[index])
                case .finishCompaction: try await compaction?.run()
                }
            } catch is FaultyFileSystem.SimulatedCrash {
                return index
            }
        }
        return nil
    }

    /// Every crash point: 0 … the number of writing steps of an uninterrupted run (that last one never crashes).
    static func crashPoints() async throws -> [Int] {
        let folder = TemporaryFolder("tandem-crash-count")
        defer { folder.remove() }
        let disk = FaultyFileSystem()
        let store = try folder.store(disk)
        _ = try await store.load()
        _ = try await run(store, from: 0)
        return Array(0...disk.stepCount)
    }

    @Test(arguments: try await crashPoints())
    func recoveryLoadsTheStateBeforeOrAfterTheInterruptedOperation(crashAfterSteps k: Int) async throws {
        let folder = TemporaryFolder("tandem-crash")
        defer { folder.remove() }
        let disk = FaultyFileSystem()
        let interrupted: Int?
        do {
            let store = try folder.store(disk)
            _ = try await store.load()
            disk.crash(afterSteps: k)
            interrupted = try await Self.run(store, from: 0)
        }
        guard let interrupted else {
            #expect(k == (try await Self.crashPoints()).last, "only the last crash point lets the script finish")
            return
        }

        // A fresh store on the real disk, as after a restart. Loading must succeed.
        let store = try folder.store()
        let (state, report) = try await store.load()
        let before = Self.expected[interrupted].content
        let after = Self.expected[interrupted + 1].content
        #expect(state.content == before || state.content == after, "crash in operation \(interrupted) at \(disk.cutStep ?? "?")")
        #expect(Set(state.outbox.map(\.key)).count == state.outbox.count, "the outbox holds each reply once")
        let torn = report.warnings.contains { $0.contains("cut off by a crash") }
        #expect(!torn || disk.cutStep == "append journal.jsonl", "only a cut append leaves a torn line")

        // The recovered store carries on: redo the interrupted operation unless it took effect.
        let resume = state.content == after ? interrupted + 1 : interrupted
        #expect(try await Self.run(store, from: resume) == nil)
        #expect(try JournalStore.inspect(path: folder.path).state.content == Self.expected.last!.content)
    }

    /// Setting a torn line aside is itself five writing steps: a crash at any of them leaves a folder that the
    /// next start loads to the same state, with the line kept in `journal.jsonl.torn`.
    @Test(arguments: 0...5)
    func aCrashWhileSettingATornLineAsideIsRecoveredByTheNextStart(crashAfterSteps k: Int) async throws {
        let folder = TemporaryFolder("tandem-crash-torn")
        defer { folder.remove() }
        do {
            let store = try folder.store()
            _ = try await store.load()
            try await store.append(StoreFixtures.created("spring", cursor: 1))
        }
        let torn = try StoreFixtures.line(StoreFixtures.note(on: "spring", "lost", cursor: 2), sequence: 2).prefix(30)
        try POSIXFileSystem().append(torn, to: folder.file("journal.jsonl"))
        let expected = try JournalStore.inspect(path: folder.path).state.content

        let disk = FaultyFileSystem()
        disk.crash(afterSteps: k)
        do {
            _ = try? await folder.store(disk).load()
        }
        let store = try folder.store()
        let (state, _) = try await store.load()
        #expect(state.content == expected)
        #expect(folder.contents()["journal.jsonl.torn"]?.range(of: torn) != nil)
        #expect(try await store.append(StoreFixtures.sent(1)).sequence == 2)
        #expect(try JournalStore.inspect(path: folder.path).state.outbox.isEmpty)
    }
}
