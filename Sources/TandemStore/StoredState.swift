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

/// One line of the journal: the outcome of one command or one batch, written whole or not at all.
public struct JournalRecord: Codable, Sendable, Equatable {
    public static let currentVersion = 1

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
}

/// The whole state at a journal position.
struct Snapshot: Codable {
    static let currentVersion = 1
    var version: Int
    /// The sequence of the last record the snapshot includes.
    var sequence: Int
    var state: StoredState
}
