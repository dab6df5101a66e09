import Foundation

/// Where the bot is in Zulip: its event queue and the last event read from it, and, independent of any queue, the
/// newest message it has been given. The bot journals it (as JSON text) with the outcome of the messages it covers.
///
/// A queue lives on the server only: it expires after about ten minutes without a poll, and an event is gone once a
/// poll acknowledged it. The message ids are what survive both: a new queue starts "from now", and what was said
/// between `lastMessageID` and that "now" is fetched through `GET /messages`, so nothing is lost or repeated.
struct ZulipCursor: Codable, Equatable {
    /// The event queue's id (`queue_id`).
    var queue: String
    /// The last event of the queue read (and acknowledged by the next poll's `last_event_id`).
    var lastEventID: Int
    /// The newest message id handed to the bot (its own and ignored ones too): a backfill starts after it.
    var lastMessageID: Int
    /// The newest message id the queue's registration covered: the queue's events for messages up to it are
    /// history (a first start) or were fetched through `GET /messages` (a new queue), and are skipped.
    var floor: Int

    enum CodingKeys: String, CodingKey {
        case queue
        case lastEventID = "event"
        case lastMessageID = "message"
        case floor
    }

    init(queue: String, lastEventID: Int, lastMessageID: Int, floor: Int) {
        self.queue = queue
        self.lastEventID = lastEventID
        self.lastMessageID = lastMessageID
        self.floor = floor
    }

    /// The cursor in `text`, or nil when it is not a Zulip cursor (a state folder used with another chat before).
    init?(_ text: String) {
        guard let cursor = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) else { return nil }
        self = cursor
    }

    /// Compact JSON with sorted keys: the same position is always the same text.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
