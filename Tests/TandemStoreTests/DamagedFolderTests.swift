import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Tandem started on every kind of damaged state folder the README's "Crashes, disk errors, corruption" lists.
///
/// The folder has a history like a bot's: three records compacted into the first snapshot, then three more in the
/// journal. Each damage either starts with a warning and the whole state, or is refused with the file (and the
/// line) named — and then no file is touched, and `tandem state verify`'s reading refuses it the same way.
@Suite("Damaged state folders")
struct DamagedFolderTests {
    enum Outcome: Sendable {
        /// Loads the undamaged state, warning with this text.
        case starts(warning: String)
        /// Refused, naming this file, line (unless nil: where a cut lands decides it) and words.
        case refused(file: String, line: Int?, saying: String)
    }

    struct Damage: Sendable, CustomTestStringConvertible {
        var name: String
        var apply: @Sendable (TemporaryFolder) throws -> Void
        var outcome: Outcome
        var testDescription: String { name }
    }

    static let damages: [Damage] = [
        Damage(
            name: "a last line cut off by a crash",
            apply: { try append("{\"version\":1,\"sequence\":7,\"ev", to: "journal.jsonl", in: $0) },
            outcome: .starts(warning: "was cut off by a crash")),
        Damage(
            name: "a line in the middle that does not parse",
            apply: { try replaceLine(2, with: "{\"version\":1,\"sequence\":5,\"events\":[{", in: $0) },
            outcome: .refused(file: "journal.jsonl", line: 2, saying: "expected a key")),
        Damage(
            name: "a line of valid JSON of another shape",
            apply: { try replaceLine(2, with: "{\"garbage\":true}", in: $0) },
            outcome: .refused(file: "journal.jsonl", line: 2, saying: "\"garbage\" is not a key of a journal record")),
        Damage(
            name: "an empty object as a line",
            apply: { try replaceLine(3, with: "{}", in: $0) },
            outcome: .refused(file: "journal.jsonl", line: 3, saying: "none of a journal record's keys")),
        Damage(
            name: "a line removed from the middle",
            apply: { try replaceLine(2, with: nil, in: $0) },
            outcome: .refused(file: "journal.jsonl", line: 2, saying: "records are missing")),
        Damage(
            name: "a line from a newer Tandem",
            apply: { try replaceLine(3, with: "{\"version\":99,\"sequence\":6}", in: $0) },
            outcome: .refused(file: "journal.jsonl", line: 3, saying: "newer Tandem")),
        Damage(
            name: "a snapshot cut short",
            apply: { folder in
                let whole = try #require(folder.contents()["snapshot.json"])
                try replace("snapshot.json", with: whole.prefix(whole.count / 2), in: folder)
            },
            outcome: .refused(file: "snapshot.json", line: nil, saying: "the JSON ends")),
        Damage(
            name: "the snapshot deleted beside its backup",
            apply: { try FileManager.default.removeItem(atPath: $0.file("snapshot.json")) },
            outcome: .refused(file: "snapshot.json", line: nil, saying: "snapshot.1.json exists")),
        Damage(
            name: "the snapshot and its backup deleted, the journal still holding later records",
            apply: { folder in
                for name in ["snapshot.json", "snapshot.1.json"] { try FileManager.default.removeItem(atPath: folder.file(name)) }
            },
            outcome: .refused(file: "journal.jsonl", line: 1, saying: "records are missing")),
        Damage(
            name: "everything lost but the folder's marker, as after the first compaction",
            apply: { folder in
                for name in ["snapshot.json", "snapshot.1.json"] { try FileManager.default.removeItem(atPath: folder.file(name)) }
                try replace("journal.jsonl", with: Data(), in: folder)
            },
            outcome: .refused(file: "snapshot.json", line: nil, saying: "has held Tandem's state")),
    ]

    @Test(arguments: damages)
    func tandemStartsOnlyOnAFolderItCanReadWhole(_ damage: Damage) async throws {
        let folder = TemporaryFolder("tandem-damaged")
        defer { folder.remove() }
        let whole = try await Self.makeHistory(in: folder)
        try damage.apply(folder)
        let before = folder.contents().filter { $0.key != "lock" }

        switch damage.outcome {
        case .starts(let warning):
            let (state, report) = try await folder.reload()
            #expect(state.content == whole.content)
            #expect(report.warnings.contains { $0.contains(warning) }, "\(report.warnings)")
        case .refused(let file, let line, let saying):
            let error = try await #require(throws: StoreError.self) { try await folder.reload() }
            #expect(error.path == folder.file(file))
            if let line, case .corrupt(let at) = error.kind { #expect(at == line) }
            if let line, case .unsupportedVersion(_, let at) = error.kind { #expect(at == line) }
            #expect(error.description.contains(saying), "\(error)")
            #expect(folder.contents().filter { $0.key != "lock" } == before, "a refused folder is left untouched")
            let verified = #expect(throws: StoreError.self) { try JournalStore.inspect(path: folder.path) }
            #expect(verified == error)
        }
    }

    /// A new folder gets its marker with its first durable record, not before: a crash before that leaves a
    /// folder that is rightly taken for a new one.
    @Test func theMarkerComesWithTheFirstRecord() async throws {
        let folder = TemporaryFolder("tandem-marker")
        defer { folder.remove() }
        let store = try folder.store()
        _ = try await store.load()
        #expect(folder.contents()["initialized"] == nil)
        try await store.append(StoreFixtures.created("c1", cursor: 1))
        #expect(folder.contents()["initialized"] != nil)
    }

    /// A folder that held records before Tandem wrote markers gets one when it is loaded.
    @Test func aFolderWithRecordsButNoMarkerGetsOneOnLoad() async throws {
        let folder = TemporaryFolder("tandem-marker")
        defer { folder.remove() }
        try folder.write("journal.jsonl", try StoreFixtures.line(StoreFixtures.created("c1", cursor: 1), sequence: 1))
        _ = try await folder.reload()
        #expect(folder.contents()["initialized"] != nil)
    }

    // MARK: - Helpers

    /// Records 1–3 in the first snapshot (which is also its backup), 4–6 in the journal; returns the whole state.
    static func makeHistory(in folder: TemporaryFolder) async throws -> StoredState {
        let store = try folder.store()
        var (state, _) = try await store.load()
        for n in 1...3 { state.apply(try await store.append(StoreFixtures.created("c\(n)", cursor: n))) }
        try await store.compact(state)
        state.apply(try await store.append(StoreFixtures.note(on: "c1", "first call went well", cursor: 4)))
        state.apply(try await store.append(StoreFixtures.created("c5", cursor: 5)))
        state.apply(try await store.append(StoreFixtures.sent(5)))
        store.folder.release()
        return state
    }

    /// Writes under a new inode: the first snapshot shares its file with its backup, which damage by hand through
    /// an editor that saves by renaming would not touch either.
    static func replace(_ name: String, with data: Data, in folder: TemporaryFolder) throws {
        try data.write(to: URL(fileURLWithPath: folder.file(name)), options: .atomic)
    }

    static func append(_ text: String, to name: String, in folder: TemporaryFolder) throws {
        let data = try #require(folder.contents()[name])
        try replace(name, with: data + Data(text.utf8), in: folder)
    }

    /// Replaces journal line `number` (1-based) with `text`, or removes it when `text` is nil.
    static func replaceLine(_ number: Int, with text: String?, in folder: TemporaryFolder) throws {
        let journal = try #require(folder.contents()["journal.jsonl"])
        var lines = String(decoding: journal, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let text { lines[number - 1] = text } else { lines.remove(at: number - 1) }
        try replace("journal.jsonl", with: Data(lines.joined(separator: "\n").utf8), in: folder)
    }
}
