import Foundation
import Testing
import TandemStore
import TandemTesting

#if canImport(Glibc)
    import Glibc
#endif

@Suite("State folder: lock and permissions")
final class StateFolderTests {
    let folder = TemporaryFolder("tandem-folder")
    deinit { folder.remove() }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func aSecondStateFolderOnTheSamePathIsRefusedNamingThePID() throws {
        do {
            let first = try StateFolder(path: folder.path)
            let error = try #require(throws: StoreError.self) { try StateFolder(path: self.folder.path) }
            #expect(error.kind == .locked(holderPID: getpid()))
            #expect(error.description.contains("in use by another Tandem (PID \(getpid()))"))
            withExtendedLifetime(first) {}
        }
        // Released with its owner: the next one gets the folder.
        _ = try StateFolder(path: folder.path)
    }

    @Test func filesAreOwnerOnlyAndTheFolderIs0700() async throws {
        let store = try folder.store(configuration: .init(compactAfterRecords: 1))
        _ = try await store.load()
        let record = try await store.append(StoreFixtures.created("spring", cursor: 1))
        var state = StoredState()
        state.apply(record)
        try await store.compact(state)
        try await store.append(StoreFixtures.sent(1))
        try await store.compact(state)

        #expect(mode(folder.path) == 0o700)
        for name in ["journal.jsonl", "snapshot.json", "snapshot.1.json", "lock"] {
            #expect(mode(folder.file(name)) & 0o077 == 0, "\(name) is \(String(mode(folder.file(name)), radix: 8))")
        }
    }

    @Test func aWorldReadableExistingFolderProducesAWarning() async throws {
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        chmod(folder.path, 0o755)
        let (_, report) = try await folder.reload()
        #expect(report.warnings.contains { $0.contains("readable by other users") && $0.contains("chmod 700") })
    }
}
