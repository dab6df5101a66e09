import Foundation
import Testing
import TandemCore
import TandemStore
import TandemStoreTesting
import TandemTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A full or failing disk: the append throws, nothing of its record remains, and the store works again after.
@Suite("Disk errors")
final class DiskFaultTests {
    let folder = TemporaryFolder("tandem-disk")
    let disk = FaultyFileSystem()
    deinit { folder.remove() }

    private func loadedStore() async throws -> JournalStore {
        let store = try folder.store(disk)
        _ = try await store.load()
        try await store.append(StoreFixtures.created("spring", cursor: 1))
        return store
    }

    @Test(arguments: [FaultyFileSystem.Step.append, .fsync], [ENOSPC, EIO])
    func aFailedAppendLeavesTheJournalAsItWasAndTheNextOneSucceeds(step: FaultyFileSystem.Step, errno: Int32) async throws {
        let store = try await loadedStore()
        let before = folder.contents()["journal.jsonl"]

        disk.fail(step, errno: errno)
        let error = try await #require(throws: StoreError.self) {
            try await store.append(StoreFixtures.note(on: "spring", "lost", cursor: 2))
        }
        #expect(error.errno == errno)
        #expect(folder.contents()["journal.jsonl"] == before)

        let record = try await store.append(StoreFixtures.note(on: "spring", "kept", cursor: 2))
        #expect(record.sequence == 2)
        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.state.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["kept"])
        #expect(inspection.tornTail == nil)
    }

    @Test func aHalfWrittenRecordThatCannotBeCutBackIsCutBeforeTheNextAppend() async throws {
        let store = try await loadedStore()
        let size = folder.size("journal.jsonl")

        disk.fail(.append, errno: ENOSPC)
        disk.fail(.truncate, errno: EIO)
        await #expect(throws: StoreError.self) { try await store.append(StoreFixtures.note(on: "spring", "lost", cursor: 2)) }
        #expect(folder.size("journal.jsonl") > size, "the injected ENOSPC wrote half a line that could not be cut")

        try await store.append(StoreFixtures.note(on: "spring", "kept", cursor: 2))
        let inspection = try JournalStore.inspect(path: folder.path)
        #expect(inspection.state.team.campaign(id: "spring")?.salesNotes.map(\.text) == ["kept"])
        #expect(inspection.journalRecords == 2)
    }

    @Test func whileTheRepairItselfFailsAppendsKeepFailingWithoutWriting() async throws {
        let store = try await loadedStore()
        disk.fail(.append, errno: ENOSPC)
        disk.failAlways(.truncate, errno: EIO)
        await #expect(throws: StoreError.self) { try await store.append(StoreFixtures.sent(1)) }
        let size = folder.size("journal.jsonl")
        await #expect(throws: StoreError.self) { try await store.append(StoreFixtures.sent(1)) }
        #expect(folder.size("journal.jsonl") == size)

        disk.heal()
        try await store.append(StoreFixtures.sent(1))
        #expect(try JournalStore.inspect(path: folder.path).state.outbox.isEmpty)
    }

    @Test func aFailedCompactionKeepsTheStateReadable() async throws {
        let store = try await loadedStore()
        disk.fail(.rename, errno: EIO)
        let state = try JournalStore.inspect(path: folder.path).state
        await #expect(throws: StoreError.self) { try await store.compact(state) }
        #expect(try JournalStore.inspect(path: folder.path).state.content == state.content)
        try await store.compact(state)
        #expect(folder.size("journal.jsonl") == 0)
        #expect(try JournalStore.inspect(path: folder.path).state.content == state.content)
    }
}
