import Foundation
import TandemProtocol
import TandemStore

/// The relay's durable queue: one JSON line per received update, written and fsynced before the platform is
/// told "received", and one per reply delivered, so a restart neither loses an update nor posts a reply twice.
///
/// Lines (keys sorted):
/// - `{"id":7,"key":"slack:Ev0123","update":{…protocol v1 update…}}`, with `"reply":"https://hooks.slack.com/…"`
///   for a slash command (its `response_url`, where the answer goes)
/// - `{"delivered":"reply:7:0","ids":["1712345678.000100"]}` — the bot's idempotency key and the platform's
///   message ids
///
/// A last line without its newline is a write cut short by a crash, never acknowledged: it is cut off with a
/// warning. Any other line that does not read stops the relay, naming the file and the line; the file is never
/// rewritten then.
final class RelayJournal: Sendable {
    struct Line: Codable {
        var id: Int?
        var key: String?
        var update: Update?
        var delivered: String?
        var ids: [String]?
        /// Where the answer to this update goes instead of a new message: a slash command's `response_url`.
        var reply: String?
    }

    /// What a journal held at start.
    struct Contents {
        var updates: [UpdateFeed.Entry] = []
        /// Update id → the URL its answer goes to (slash commands).
        var replyURLs: [String: String] = [:]
        /// The bot's idempotency key → the platform's message ids, oldest first.
        var delivered: [(key: String, ids: [String])] = []
        var warnings: [String] = []
        var lines = 0
    }

    let path: String
    private let files: any FileSystem
    private let queue = BlockingQueue(label: "tandem.relay.journal")
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(path: String, files: any FileSystem = POSIXFileSystem()) {
        self.path = path
        self.files = files
    }

    /// Reads the journal (a missing one is empty), cutting off a torn last line.
    /// - Throws: ``RelayJournalError`` naming the file and line that does not read.
    func load() async throws -> Contents {
        try await queue.run { [path, files] in
            guard let data = try files.read(path) else { return Contents() }
            var contents = Contents()
            var lineStart = data.startIndex
            var number = 0
            let decoder = JSONDecoder()
            while lineStart < data.endIndex {
                number += 1
                guard let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                    contents.warnings.append("\(path): line \(number) was cut off by a crash before it was acknowledged; removed it")
                    try files.truncate(path, to: lineStart - data.startIndex)
                    try files.fsync(path)
                    break
                }
                let bytes = data[lineStart..<newline]
                lineStart = newline + 1
                let line: Line
                do {
                    line = try decoder.decode(Line.self, from: bytes)
                } catch {
                    throw RelayJournalError(file: path, line: number, problem: "is not a journal line (\(error))")
                }
                if let id = line.id, let key = line.key, let update = line.update {
                    if let last = contents.updates.last, id <= last.id {
                        throw RelayJournalError(file: path, line: number, problem: "update id \(id) does not follow \(last.id)")
                    }
                    contents.updates.append(UpdateFeed.Entry(id: id, key: key, update: update))
                    if let reply = line.reply { contents.replyURLs[update.id] = reply }
                } else if let key = line.delivered, let ids = line.ids {
                    contents.delivered.append((key, ids))
                } else {
                    throw RelayJournalError(file: path, line: number, problem: "is neither an update nor a delivery")
                }
            }
            contents.lines = number
            return contents
        }
    }

    /// Writes and syncs the next update of `feed`, then appends it there. Serial, so ids follow the file's order.
    func record(key: String, update: Update, replyURL: String? = nil, into feed: UpdateFeed) async throws {
        try await queue.run { [self] in
            let line = Line(id: feed.nextID, key: key, update: update, reply: replyURL)
            try files.append(encoder.encode(line) + Data("\n".utf8), to: path)
            try files.fsync(path)
            feed.append(key: key, update: update)
        }
    }

    /// Writes and syncs that the reply with the bot's key `key` went out as the platform messages `ids`.
    func recordDelivery(key: String, ids: [String]) async throws {
        try await queue.run { [self] in
            try files.append(encoder.encode(Line(delivered: key, ids: ids)) + Data("\n".utf8), to: path)
            try files.fsync(path)
        }
    }

    /// Replaces the journal with what is still retained, when it has grown to more than twice that: at start,
    /// before anything else writes. Written beside it, synced, renamed over it.
    func compact(_ contents: Contents, retained: Int) async throws {
        guard contents.lines > 2 * retained + 16 else { return }
        var data = Data()
        for entry in contents.updates.suffix(retained) {
            let line = Line(id: entry.id, key: entry.key, update: entry.update, reply: contents.replyURLs[entry.update.id])
            data += try encoder.encode(line) + Data("\n".utf8)
        }
        for delivery in contents.delivered.suffix(retained) {
            data += try encoder.encode(Line(delivered: delivery.key, ids: delivery.ids)) + Data("\n".utf8)
        }
        try await queue.run { [path, files, data] in try files.replace(path, with: data) }
    }
}

/// A relay journal line that cannot be read: the relay stops and names it, and leaves the file as it is.
public struct RelayJournalError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var problem: String

    public var description: String {
        "\(file), line \(line): \(problem). The relay does not start on a journal it cannot read and leaves it untouched: "
            + "fix or move the file (the updates in it that the bot has handled are safe to lose)"
    }
}
