import Foundation
import TandemCore
import TandemStore
import TandemTesting

/// Records shaped like the bot's: a command's events with its reply and cursor, and the `sent` record after it.
enum StoreFixtures {
    /// 2026-11-30 10:00 UTC, whole seconds so dates survive ISO 8601.
    static let now = Date(timeIntervalSince1970: 1_796_032_800)

    static func campaign(_ id: String) -> Campaign { Campaign(id: id, name: "Campaign \(id)") }

    static func created(_ id: String, cursor: Int) -> JournalRecord {
        JournalRecord(
            events: [.campaignCreated(campaign(id))], outbox: [reply(cursor)], cursor: "\(cursor)")
    }

    static func note(on id: String, _ text: String, cursor: Int) -> JournalRecord {
        JournalRecord(
            events: [.salesNoteAdded(SalesNoteAdded(campaign: id, note: .init(author: "Sam", at: now, text: text)))],
            outbox: [reply(cursor)], cursor: "\(cursor)")
    }

    static func sent(_ cursor: Int) -> JournalRecord { JournalRecord(sent: [reply(cursor).key]) }

    static func reply(_ n: Int) -> OutboxEntry {
        OutboxEntry(key: "reply:m\(n):0", channel: "joint", body: RichText(stringLiteral: "reply to m\(n)"))
    }

    /// Foundation's coders set as the store's files are written (sorted keys, ISO 8601 dates): the reference the
    /// store's own JSON reader and writer are compared with, and the way fixtures are made by hand.
    static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// The bytes of one record as the store writes it (for fixtures that build journals by hand).
    static func line(_ record: JournalRecord, sequence: Int) throws -> Data {
        var record = record
        record.sequence = sequence
        return try encoder().encode(record) + Data("\n".utf8)
    }
}

extension StoredState {
    /// The state as it is persisted (sorted-key JSON). `==` also compares derived search indexes whose internal
    /// order depends on hashing, so two loads of the same files need not be `==`; their content is compared here.
    var content: String {
        String(decoding: (try? StoreFixtures.encoder().encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension TemporaryFolder {
    /// Takes the folder's lock and opens a store on it. Release the store before opening another on the folder.
    func store(
        _ fileSystem: any FileSystem = POSIXFileSystem(), configuration: JournalStore.Configuration = .init()
    ) throws -> JournalStore {
        JournalStore(folder: try StateFolder(path: path), fileSystem: fileSystem, configuration: configuration)
    }

    /// Opens, loads and releases a store: the state a restart would see.
    func reload() async throws -> (StoredState, JournalStore.LoadReport) {
        try await store().load()
    }

    func size(_ name: String) -> Int { contents()[name]?.count ?? 0 }

    func write(_ name: String, _ data: Data) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file(name)))
    }
}
