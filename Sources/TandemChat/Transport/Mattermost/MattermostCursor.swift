import Foundation

/// Where the bot is in each channel, as the opaque cursor string the bot journals with the outcomes it covers.
///
/// Only server timestamps are used, never the bot's clock, so clock skew between the two cannot skip or repeat a
/// post. Per channel it keeps the newest `create_at` handled and the ids of the handled posts with exactly that
/// `create_at` (several posts can share a millisecond). `since` is the server's time when the channel list was
/// read: a channel that shows up later (a new direct message, a channel the bot was added to) is read from
/// there, so its first post is not skipped.
///
/// Written as compact JSON with sorted keys: the same positions always give the same string, and an unchanged
/// cursor is not journaled again.
struct MattermostCursor: Codable, Equatable {
    struct Position: Codable, Equatable {
        var at: Int64
        var ids: [String]

        init(at: Int64, ids: [String] = []) {
            self.at = at
            self.ids = ids
        }

        /// The `since` query value: posts modified at or after `at` (the server takes strictly greater, and a
        /// `since` of 0 would mean "no since" to it).
        var since: Int64 { max(at - 1, 1) }

        /// Whether `post` is new: created after this position, or in its millisecond but not handled yet. Edits
        /// and deletions of handled posts come back from `since` too; their `create_at` says they are old.
        func isNew(_ post: MattermostPost) -> Bool {
            post.createAt > at || (post.createAt == at && !ids.contains(post.id))
        }

        /// The position after `posts` (all new, as ``isNew(_:)`` says) have been handled.
        func advanced(past posts: [MattermostPost]) -> Position {
            guard let newest = posts.map(\.createAt).max(), newest >= at else { return self }
            let sameMillisecond = posts.filter { $0.createAt == newest }.map(\.id)
            let kept = newest == at ? ids : []
            return Position(at: newest, ids: Array(Set(kept + sameMillisecond)).sorted())
        }
    }

    /// Format version, for a later change of shape.
    var v = 1
    /// The server time (ms) of the channel list this cursor was made from.
    var since: Int64
    /// Channel id → position.
    var channels: [String: Position]

    enum CodingKeys: String, CodingKey {
        case v
        case since = "t"
        case channels = "c"
    }

    init(since: Int64, channels: [String: Position]) {
        self.since = since
        self.channels = channels
    }

    /// The cursor in `text`; nil when it is not one (a cursor of another transport after a config change).
    init?(_ text: String) {
        guard let cursor = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)), cursor.v == 1 else { return nil }
        self = cursor
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Where to start in a channel this cursor has no position for.
    func position(of channel: String) -> Position {
        channels[channel] ?? Position(at: since)
    }
}

/// Server time from an HTTP `Date` header (`Thu, 03 Dec 2026 19:20:27 GMT`), in ms: what the server's clock
/// said, for ``MattermostCursor/since``.
enum HTTPDate {
    static func milliseconds(_ value: String) -> Int64? {
        let parts = value.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day) else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2]
        return Int64(seconds) * 1_000
    }
}
