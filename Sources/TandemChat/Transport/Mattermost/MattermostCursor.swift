import Foundation

/// Where the bot is in each channel, as the opaque cursor string the bot journals with the outcomes it covers.
///
/// Only the server's own timestamps are used (the posts' `create_at`, the channels' `last_post_at`), never the
/// bot's clock nor an HTTP `Date` (a proxy may set that from another clock), so clock skew cannot skip or repeat
/// a post. Per channel it keeps the newest `create_at` handled and the ids of the handled posts with exactly that
/// `create_at` (several posts can share a millisecond). `since` is the newest `last_post_at` among the bot's
/// channels when the cursor was made: a channel the bot was added to later is read from there, so the message
/// that made someone add the bot is not skipped. (A new direct or group message channel is read from its start.)
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
    /// The newest `last_post_at` (server ms) of the channel list this cursor was made from.
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

    /// Where to start in a channel this cursor has no position for: a direct or group message channel (`D`, `G`)
    /// did not exist at the last look, so all of it is new; a channel the bot was added to is read from `since`.
    func position(of channel: String, type: String) -> Position {
        channels[channel] ?? Position(at: type == "D" || type == "G" ? 0 : since)
    }

    /// "From now on": each channel after its newest post.
    static func startingAt(_ channels: [MattermostChannel]) -> MattermostCursor {
        MattermostCursor(
            since: channels.map(\.lastPostAt).max() ?? 0,
            channels: Dictionary(channels.map { ($0.id, Position(at: $0.lastPostAt + 1)) }, uniquingKeysWith: { a, _ in a }))
    }
}
