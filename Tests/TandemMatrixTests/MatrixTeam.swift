import Foundation
import InMemoryLogging
import Logging
import TandemChat
import TandemCore
import TandemMatrixTesting
import TandemRuntime
import TandemRuntimeTesting
import TandemStore

/// A team on a real Synapse: the bot and three members in two rooms, as a deployment would have them.
///
/// - `joint`: Mia (marketing lead, English), Sam (sales, English), Jonas (sales, German) and the bot.
/// - `sales`: the same people; the team's sales channel, where handoffs are announced and reminders go.
struct MatrixTeam: Sendable {
    typealias User = SynapseServer.User

    let server: SynapseServer
    let bot: User
    let mia: User
    let sam: User
    let jonas: User
    let joint: String
    let sales: String

    /// Registers everyone and makes the rooms; the bot joins them itself (invites are tested on their own).
    /// - Parameter exemptedBy: an admin who lifts the rate limits of the three people (not the bot's), for a test
    ///   of a rate-limited bot whose people must not be slowed down themselves.
    static func make(on server: SynapseServer, exemptedBy admin: User? = nil) async throws -> MatrixTeam {
        let bot = try await server.registerUser("tandem")
        let mia = try await server.registerUser("mia")
        let sam = try await server.registerUser("sam")
        let jonas = try await server.registerUser("jonas")
        if let admin {
            for person in [mia, sam, jonas] { try await server.exemptFromRateLimits(person, by: admin) }
        }
        var rooms: [String] = []
        for _ in 0..<2 {
            let room = try await server.createRoom(by: mia, inviting: [sam, jonas, bot])
            for user in [sam, jonas, bot] { try await server.join(user, roomID: room) }
            rooms.append(room)
        }
        return MatrixTeam(server: server, bot: bot, mia: mia, sam: sam, jonas: jonas, joint: rooms[0], sales: rooms[1])
    }

    /// The team as the config file would describe it, with Matrix ids.
    var team: Team {
        Team(
            members: [
                Member(id: mia.userID, name: "Mia Wagner", roles: [.marketingLead], language: .en, timeZone: "Europe/Berlin"),
                Member(id: sam.userID, name: "Sam Carter", roles: [.sales], language: .en, timeZone: "Europe/Berlin"),
                Member(id: jonas.userID, name: "Jonas Becker", roles: [.sales], language: .de, timeZone: "Europe/Berlin"),
            ],
            timeZone: "Europe/Berlin", salesChannel: sales, jointChannel: joint)
    }

    /// The bot's transport, logged in with its access token.
    func transport(
        http: any HTTPClient, invites: MatrixInvitePolicy = MatrixInvitePolicy(), timelineLimit: Int? = nil, logger: Logger
    ) -> MatrixTransport {
        var configuration = MatrixTransport.Configuration(
            homeserver: server.baseURL, credentials: .accessToken(bot.accessToken), invites: invites)
        configuration.timelineLimit = timelineLimit ?? configuration.timelineLimit
        return MatrixTransport(configuration: configuration, http: http, logger: logger)
    }

    // MARK: Talking

    /// Sends `text` as `user` (an `m.text`, as clients send what people type); returns the event id.
    @discardableResult
    func say(_ text: String, in room: String, as user: User, thread: String? = nil) async throws -> String {
        var content: [String: any Sendable] = ["msgtype": "m.text", "body": text]
        if let thread { content["m.relates_to"] = ["rel_type": "m.thread", "event_id": thread] as [String: any Sendable] }
        let path = "/_matrix/client/v3/rooms/\(SynapseServer.escaped(room))/send/m.room.message/\(UUID().uuidString)"
        return try await server.call("PUT", path, as: user, json: content).decode(EventID.self).event_id
    }

    struct EventID: Decodable { var event_id: String }
}

/// What one member sees: their own `/sync` from the moment it was opened, keeping the bot's messages.
///
/// Waiting is on the homeserver's long poll, never on a timer: each `/sync` returns as soon as anything
/// happens in the member's rooms.
final class Inbox: @unchecked Sendable {
    // @unchecked: `since` and `received` are only touched by `messages(…)`, which a test awaits one call at a time.
    struct Event: Decodable, Sendable {
        struct Content: Decodable, Sendable {
            struct Mentions: Decodable, Sendable { var user_ids: [String]? }
            struct Relation: Decodable, Sendable {
                struct InReplyTo: Decodable, Sendable { var event_id: String? }
                var rel_type: String?
                var event_id: String?
                var inReplyTo: InReplyTo?
                enum CodingKeys: String, CodingKey {
                    case rel_type, event_id
                    case inReplyTo = "m.in_reply_to"
                }
            }
            var msgtype: String?
            var membership: String?
            var body: String?
            var format: String?
            var formatted_body: String?
            var mentions: Mentions?
            var relation: Relation?

            enum CodingKeys: String, CodingKey {
                case msgtype, membership, body, format, formatted_body
                case mentions = "m.mentions"
                case relation = "m.relates_to"
            }
        }

        struct Unsigned: Decodable, Sendable { var transaction_id: String? }

        var event_id: String
        var type: String
        var sender: String
        var state_key: String?
        var content: Content
        /// The sender's own txnId: only the device that sent the event sees it (the bot's inbox: the outbox key).
        var unsigned: Unsigned?
        var room = ""

        var transactionID: String? { unsigned?.transaction_id }

        enum CodingKeys: String, CodingKey { case event_id, type, sender, state_key, content, unsigned }
    }

    private struct Sync: Decodable {
        struct Rooms: Decodable { var join: [String: Joined]? }
        struct Joined: Decodable { var timeline: Timeline? }
        struct Timeline: Decodable {
            var events: [Event]
            var limited: Bool?
        }
        var next_batch: String
        var rooms: Rooms?
    }

    let server: SynapseServer
    let user: SynapseServer.User
    let from: String
    private var since: String
    /// Every event seen so far, in arrival order.
    private(set) var received: [Event] = []
    /// Rooms an earlier `/sync` of this inbox already covered.
    private var followed: Set<String> = []

    private init(server: SynapseServer, user: SynapseServer.User, since: String, rooms: Set<String>) {
        self.server = server
        self.user = user
        self.since = since
        self.from = since
        self.followed = rooms
    }

    /// Opens the inbox now: only what happens from here on is seen.
    static func open(_ user: SynapseServer.User, on server: SynapseServer) async throws -> Inbox {
        let sync = try await server.call("GET", "/_matrix/client/v3/sync?timeout=0&filter=\(filter)", as: user).decode(Sync.self)
        return Inbox(server: server, user: user, since: sync.next_batch, rooms: Set(sync.rooms?.join?.keys ?? [:].keys))
    }

    private static let filter = SynapseServer.escaped(
        #"{"presence":{"types":[]},"account_data":{"types":[]},"room":{"ephemeral":{"types":[]},"timeline":{"types":["m.room.message","m.room.member"],"limit":1000}}}"#)

    /// Waits until `count` messages from `sender` have arrived (in any of the member's rooms), and returns all of
    /// them so far; gives up after `polls` long polls without reaching the count.
    func messages(from sender: String, count: Int, polls: Int = 40) async throws -> [Event] {
        try await messages(from: sender, polls: polls) { $0.count >= count }
    }

    /// Waits until the messages from `sender` so far satisfy `done`, and returns them; gives up after `polls`
    /// long polls.
    func messages(from sender: String, polls: Int = 40, until done: ([Event]) -> Bool) async throws -> [Event] {
        let mine = { (events: [Event]) in events.filter { $0.sender == sender && $0.type == "m.room.message" } }
        return mine(try await events(polls: polls) { done(mine($0)) })
    }

    /// Waits until the events so far (messages and memberships, in arrival order) satisfy `done`, and returns
    /// them; gives up after `polls` long polls.
    func events(polls: Int = 40, until done: ([Event]) -> Bool) async throws -> [Event] {
        for _ in 0..<polls {
            if done(received) { return received }
            let query = "since=\(SynapseServer.escaped(since))&timeout=5000&filter=\(Self.filter)"
            let sync = try await server.call("GET", "/_matrix/client/v3/sync?\(query)", as: user, timeout: .seconds(20)).decode(Sync.self)
            for (room, joined) in sync.rooms?.join ?? [:] {
                // The homeserver left events out of a room this inbox already followed: what it says was not sent
                // might have been. A test must read its inbox while the conversation runs, not only after it. (A
                // room seen for the first time comes limited to its recent history, which is all a test needs.)
                if joined.timeline?.limited == true && followed.contains(room) { throw FellBehind(room: room) }
                followed.insert(room)
                received += (joined.timeline?.events ?? []).map { var e = $0; e.room = room; return e }
            }
            since = sync.next_batch
        }
        return received
    }

    /// The inbox's `/sync` came back `limited`: it cannot tell what happened in `room` any more.
    struct FellBehind: Error, CustomStringConvertible {
        var room: String
        var description: String { "the inbox fell behind in \(room): /sync left events out (timeline.limited)" }
    }

    /// Waits until `user`'s membership in `room` is `membership` (`join`, `leave`); returns whether it came.
    func membership(of user: String, in room: String, is membership: String) async throws -> Bool {
        let done = { (events: [Event]) in
            events.contains { $0.room == room && $0.type == "m.room.member" && $0.state_key == user && $0.content.membership == membership }
        }
        return done(try await events(until: done))
    }

    /// Waits until the bot (this inbox must be the bot's own) has answered each of `commands`, and returns what
    /// it sent so far.
    func replies(to commands: [String], polls: Int = 40) async throws -> [Event] {
        try await messages(from: user.userID, polls: polls) { sent in
            let keys = Set(sent.compactMap(\.transactionID))
            return commands.allSatisfy { keys.contains("reply:\($0):0") }
        }
    }

}

/// The bot in process on a real journal, talking to Synapse through the real Matrix transport and libcurl.
enum MatrixBot {
    static let campaignsFile = SynapseServer.packageRoot.appendingPathComponent("Config/sample-campaigns.json").path

    /// Seeds `folder` with the sample campaigns, as a first start does.
    static func seed(_ folder: String) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder))
        defer { store.folder.release() }
        let (state, _) = try await store.load()
        guard state == StoredState() else { return }
        let campaigns = try JSONDecoder().decode([Campaign].self, from: Data(contentsOf: URL(fileURLWithPath: campaignsFile)))
        try await store.append(JournalRecord(events: campaigns.map { .campaignCreated($0) }))
    }

    /// Appends `events` as one record, as an earlier run of the bot would have.
    static func append(_ folder: String, _ events: [DomainEvent]) async throws {
        let store = JournalStore(folder: try StateFolder(path: folder))
        defer { store.folder.release() }
        _ = try await store.load()
        try await store.append(JournalRecord(events: events))
    }

    /// Runs the bot on `folder` until `body` returns, then stops it as a shutdown would. `body` runs once the bot's
    /// first `/sync` has returned: what members say from then on is new to the bot.
    static func run<T: Sendable>(
        _ team: MatrixTeam, folder: String, clock: any WallClock = SystemClock(), logs: InMemoryLogHandler = InMemoryLogHandler(),
        invites: MatrixInvitePolicy = MatrixInvitePolicy(), notices: NoticeSettings = NoticeSettings(), timelineLimit: Int? = nil,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        try await seed(folder)
        let store = JournalStore(folder: try StateFolder(path: folder))
        defer { store.folder.release() }
        let (state, _) = try await store.load()
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let logger = Logger(label: "matrix-test") { _ in logs }
        let (polled, poll) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let transport = PollSignal(team.transport(http: http, invites: invites, timelineLimit: timelineLimit, logger: logger), onPoll: { poll.yield() })
        let bot = BotService(
            .init(
                transport: transport, store: store, handler: CommandHandler(team: team.team), addressing: Addressing(),
                botUserID: "", clock: clock, notices: notices, logger: logger, firstStart: state.cursor == nil),
            state: state)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await bot.run()
                return nil
            }
            for await _ in polled { break }
            let result = try await body()
            group.cancelAll()
            while let _ = try await group.next() {}
            return result
        }
    }
}

/// The real transport, telling the test each time a poll returned: a signal to wait for instead of a sleep.
struct PollSignal: ChatTransport {
    let inner: MatrixTransport
    let onPoll: @Sendable () -> Void

    init(_ inner: MatrixTransport, onPoll: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.onPoll = onPoll
    }

    /// Signals once a poll covers everything said from now on: a poll after a cursor as it starts, a first poll
    /// (whose answer is history) once it has returned the cursor the next poll starts from.
    func poll(after cursor: String?) async throws -> TransportBatch {
        if cursor != nil { onPoll() }
        let batch = try await inner.poll(after: cursor)
        if cursor == nil { onPoll() }
        return batch
    }

    func send(_ message: OutgoingChatMessage) async throws -> String { try await inner.send(message) }
}
