import Foundation
import Synchronization

/// Everything the fake server knows, behind one lock; the routes (``MattermostFakeState/respond(to:)``) and the
/// test-facing ``MattermostFake`` both change it.
final class MattermostFakeState: Sendable {
    struct Mutable {
        var users: [String: MattermostFakeUser] = [:]
        var channels: [String: FakeChannel] = [:]
        var posts: [String: MattermostFakePost] = [:]
        /// `pending_post_id` → the post made with it (nil while it is being saved), and when the entry expires.
        var pendingPostIDs: [String: (postID: String?, expiresAt: Int64)] = [:]
        /// `pending_post_id`s whose first request is "still being saved": a request with one answers 500
        /// `api.post.deduplicate_create_post.pending` this many more times, then the post is made.
        var inFlight: [String: Int] = [:]
        var faults: [(route: MattermostFakeRoute, fault: FakeFault)] = []
        /// Server time = the test machine's time + this (ms): a server whose clock is far off the bot's.
        var skew: Int64 = 0
        var lastMillis: Int64 = 0
        /// Each post gets a millisecond of its own, as at a human pace; off, a burst shares milliseconds.
        var distinctMilliseconds = true
        /// A token bucket per user when the automatic rate limit is on (`perSecond`, `burst`).
        var rateLimit: (perSecond: Double, burst: Int)?
        var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
        var requestCount = 0
        /// `POST /posts` answered with the post an earlier request with the same `pending_post_id` made.
        var deduplicated = 0
        /// Posts made under the lock, recorded (``created``) once it is released.
        var pendingCreated: [MattermostFakePost] = []
    }

    static let pendingPostIDsTTL: Int64 = 30_000
    static let maxRunes = 16_383
    static let sinceCap = 1_000

    let mutable = Mutex(Mutable())
    let requests = Recording<MattermostFakeRequest>()
    let created = Recording<MattermostFakePost>()

    init() {}

    /// The server's clock in ms: never goes back, may repeat a millisecond (as a busy server's does).
    static func now(_ m: inout Mutable) -> Int64 {
        let wall = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + m.skew
        m.lastMillis = max(m.lastMillis, wall)
        return m.lastMillis
    }

    // MARK: - Changes

    /// Makes a post as `userID` (the server stamps `from_bot` for bots); nil with a reason when it would be
    /// refused. The caller holds the lock.
    static func createPost(
        _ m: inout Mutable, userID: String, channelID: String, message: String, rootID: String, pendingPostID: String,
        props: [String: String] = [:], type: String = "", createAt: Int64? = nil
    ) -> Result<MattermostFakePost, FakeRefusal> {
        guard var channel = m.channels[channelID] else {
            return .failure(FakeRefusal(404, "app.channel.get.existing.app_error", "Unable to find the existing channel."))
        }
        guard channel.members.contains(userID) else {
            return .failure(FakeRefusal(403, "api.context.permissions.app_error", "You do not have the appropriate permissions."))
        }
        guard message.unicodeScalars.count <= maxRunes else {
            return .failure(FakeRefusal(400, "model.post.is_valid.message_length.app_error", "Invalid Message property length."))
        }
        if !rootID.isEmpty {
            guard let root = m.posts[rootID], root.deleteAt == 0 else {
                return .failure(FakeRefusal(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter."))
            }
            guard root.channelID == channelID else {
                return .failure(FakeRefusal(500, "api.post.create_post.channel_root_id.app_error", "Invalid ChannelId for RootId parameter."))
            }
            guard root.rootID.isEmpty else {
                return .failure(FakeRefusal(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter."))
            }
        }
        var now = createAt ?? now(&m)
        if createAt == nil && m.distinctMilliseconds, let last = channel.postIDs.last.flatMap({ m.posts[$0]?.createAt }), now <= last {
            now = last + 1
            m.lastMillis = max(m.lastMillis, now)
        }
        var post = MattermostFakePost(
            id: FakeIDs.make(), channelID: channelID, userID: userID, rootID: rootID, message: message, createAt: now, updateAt: now,
            type: type, props: props, pendingPostID: pendingPostID)
        if m.users[userID]?.isBot == true { post.props["from_bot"] = "true" }
        m.posts[post.id] = post
        channel.postIDs.append(post.id)
        channel.lastPostAt = max(channel.lastPostAt, now)
        channel.totalMessages += 1
        m.channels[channelID] = channel
        return .success(post)
    }
}

/// A refusal with Mattermost's error body.
struct FakeRefusal: Error {
    var status: Int
    var id: String
    var message: String

    init(_ status: Int, _ id: String, _ message: String) {
        self.status = status
        self.id = id
        self.message = message
    }
}
