import Foundation
import TandemCore

/// A message the bot owes, kept until the platform has taken it.
///
/// The key is deterministic (`reply:<message id>:<n>`), so a resend after a crash is recognised as the same
/// message by platforms that take an idempotency key.
public struct OutboxEntry: Codable, Sendable, Equatable {
    public var key: String
    public var channel: String
    public var thread: String?
    public var body: RichText

    public init(key: String, channel: String, thread: String? = nil, body: RichText) {
        self.key = key
        self.channel = channel
        self.thread = thread
        self.body = body
    }
}

/// Everything the bot must remember across restarts.
public struct StoredState: Codable, Sendable, Equatable {
    public var team: TeamState
    /// The transport's position: every message before it has been handled and its outcome recorded.
    public var cursor: String?
    /// Replies recorded but not yet confirmed sent, in order.
    public var outbox: [OutboxEntry]

    public init(team: TeamState = TeamState(), cursor: String? = nil, outbox: [OutboxEntry] = []) {
        self.team = team
        self.cursor = cursor
        self.outbox = outbox
    }

    /// Applies one journal record.
    public mutating func apply(_ record: JournalRecord) {
        team.apply(record.events)
        outbox.append(contentsOf: record.outbox)
        if !record.sent.isEmpty {
            let sent = Set(record.sent)
            outbox.removeAll { sent.contains($0.key) }
        }
        if let cursor = record.cursor { self.cursor = cursor }
    }
}

/// Any key of a JSON object, to find the ones a record does not have.
private struct RecordKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One line of the journal: the outcome of one command or one batch, written whole or not at all.
public struct JournalRecord: Codable, Sendable, Equatable {
    public static let currentVersion = SchemaVersion.current

    /// Schema version of this record, for migration on load.
    public var version: Int
    /// Position in the journal, counting from the first record ever written (snapshots keep counting).
    public var sequence: Int
    public var events: [DomainEvent]
    public var outbox: [OutboxEntry]
    /// Keys of outbox entries the platform has taken.
    public var sent: [String]
    public var cursor: String?

    public init(
        sequence: Int = 0, events: [DomainEvent] = [], outbox: [OutboxEntry] = [], sent: [String] = [],
        cursor: String? = nil
    ) {
        self.version = Self.currentVersion
        self.sequence = sequence
        self.events = events
        self.outbox = outbox
        self.sent = sent
        self.cursor = cursor
    }

    public var isEmpty: Bool { events.isEmpty && outbox.isEmpty && sent.isEmpty && cursor == nil }

    private enum CodingKeys: String, CodingKey { case version, sequence, events, outbox, sent, cursor }

    /// Reads the current version strictly and version 0 by its rule (see `SchemaVersion`): a missing `sequence`
    /// decodes as 0, which the reader replaces by the record's position; missing lists are empty.
    ///
    /// Every key must be a record's, and a version-0 line must have one of them: a line of valid JSON of another
    /// shape (`{"garbage":true}`, `{}`) is corruption, not an empty record whose events quietly went missing.
    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: RecordKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.first(where: { CodingKeys(stringValue: $0) == nil }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "\"\(unknown)\" is not a key of a journal record"))
        }
        if keys.allSatisfy({ $0 == CodingKeys.version.stringValue }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "the line has none of a journal record's keys"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 0
        cursor = try c.decodeIfPresent(String.self, forKey: .cursor)
        if version == 0 {
            sequence = try c.decodeIfPresent(Int.self, forKey: .sequence) ?? 0
            events = try c.decodeIfPresent([DomainEvent].self, forKey: .events) ?? []
            outbox = try c.decodeIfPresent([OutboxEntry].self, forKey: .outbox) ?? []
            sent = try c.decodeIfPresent([String].self, forKey: .sent) ?? []
        } else {
            sequence = try c.decode(Int.self, forKey: .sequence)
            events = try c.decode([DomainEvent].self, forKey: .events)
            outbox = try c.decode([OutboxEntry].self, forKey: .outbox)
            sent = try c.decode([String].self, forKey: .sent)
        }
    }
}

/// The whole state at a journal position: the content of `snapshot.json` and of `tandem state export`.
public struct Snapshot: Codable, Sendable, Equatable {
    public static let currentVersion = SchemaVersion.current
    public var version: Int
    /// The sequence of the last record the snapshot includes; journal records up to it are skipped on load.
    public var sequence: Int
    public var state: StoredState

    public init(sequence: Int, state: StoredState) {
        self.version = Self.currentVersion
        self.sequence = sequence
        self.state = state
    }

    private enum CodingKeys: String, CodingKey { case version, sequence, state }

    /// Version 0 (no `version` key) may also lack `sequence`: it then precedes every journal record.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 0
        sequence = version == 0
            ? try c.decodeIfPresent(Int.self, forKey: .sequence) ?? 0 : try c.decode(Int.self, forKey: .sequence)
        state = try c.decode(StoredState.self, forKey: .state)
    }
}
