import Foundation
import Logging
import Synchronization
import TandemCore

/// Matrix through the client-server API: `/sync` long polls in, `PUT …/send/m.room.message/{txnId}` out.
///
/// - The cursor is `/sync`'s `next_batch`; `poll(after: nil)` takes it from a first `/sync` and returns no
///   messages, since a first `/sync` returns history the bot must not answer again.
/// - A `timeline.limited` room is backfilled through `/messages` down to the previous cursor, so a burst
///   larger than the filter's timeline limit loses no command.
/// - `send` uses the outbox key as `txnId`: the homeserver answers a resend with the event it already has.
/// - Invitations are accepted by ``MatrixInvitePolicy`` only. An encrypted room is left again with one plain
///   notice saying why: Tandem cannot read it.
/// - A room with the bot and one person is direct: no address needed there.
public final class MatrixTransport: ChatTransport {
    public enum Credentials: Sendable {
        case accessToken(String)
        /// Logs in at start; the fixed `deviceID` keeps restarts from piling up devices and keeps `txnId`s
        /// (scoped to the device) deduplicating across restarts.
        case password(user: String, password: String, deviceID: String)
    }

    public struct Configuration: Sendable {
        /// e.g. `https://matrix.example.org`; no trailing slash needed.
        public var homeserver: String
        public var credentials: Credentials
        public var invites: MatrixInvitePolicy
        /// How long the homeserver may hold a `/sync`, in seconds.
        public var pollTimeout = 30
        /// Timeline events per room per `/sync`; more are fetched through `/messages`.
        public var timelineLimit = 50
        public var partLimit = MatrixRenderer.defaultPartLimit

        public init(homeserver: String, credentials: Credentials, invites: MatrixInvitePolicy = MatrixInvitePolicy()) {
            self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
            self.credentials = credentials
            self.invites = invites
        }
    }

    /// Who the bot is on the homeserver, once logged in.
    public struct Session: Sendable {
        public var userID: String
        var token: String
        var headers: [HTTPField]
    }

    /// A room the bot has joined, for `check-config --probe`.
    public struct RoomSummary: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var members: Int
    }

    /// Pages of history fetched at most per limited room and poll: 2,000 events with pages of 100.
    static let maxBackfillPages = 20
    static let encryptedRoomNotice = RichText([.paragraph([.text(
        "Tandem cannot read this room: it is end-to-end encrypted, and Tandem does not support encryption. "
            + "Invite Tandem to a room without encryption instead. / Tandem kann diesen Raum nicht lesen: er ist "
            + "Ende-zu-Ende-verschlüsselt. Bitte lade Tandem in einen Raum ohne Verschlüsselung ein.")])])

    private let configuration: Configuration
    private let http: any HTTPClient
    private let logger: Logger
    private let api: String
    private let filter: String
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()
    private let connecting = SharedFetch<Session>()
    /// Joined members per room, for "is this a direct conversation"; dropped when a membership event shows up.
    private let memberCounts = Mutex<[String: Int]>([:])

    public init(configuration: Configuration, http: any HTTPClient, logger: Logger = Logger(label: "tandem.matrix")) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        api = configuration.homeserver + "/_matrix/client/v3"
        filter = Self.escaped(Self.filterJSON(timelineLimit: configuration.timelineLimit))
    }

    /// The sync filter: messages and memberships of joined rooms and whether a room is encrypted; no presence,
    /// typing, receipts or account data, which a bot has no use for.
    ///
    /// - Parameter nonce: makes the filter unique. Synapse keeps a `/sync` answer for two minutes by user, filter and
    ///   `since`; a first sync (no `since`) of a new state within two minutes of another would get that older
    ///   `next_batch`, and the bot would then answer what was said in between: history.
    static func filterJSON(timelineLimit: Int, nonce: String? = nil) -> String {
        let unique = nonce.map { #","not_types":["tandem.nonce.\#($0)"]"# } ?? ""
        return #"{"account_data":{"types":[]},"presence":{"types":[]},"room":{"account_data":{"types":[]},"ephemeral":{"types":[]},"#
            + #""state":{"types":["m.room.encryption"]},"#
            + #""timeline":{"types":["m.room.message","m.room.member","m.room.encryption"],"limit":\#(timelineLimit)\#(unique)}}}"#
    }

    // MARK: - Session

    /// Logs in (once; again after a failure) and learns the bot's own user id.
    @discardableResult
    public func connect() async throws -> Session {
        try await connecting.value { try await self.logIn() }
    }

    private func logIn() async throws -> Session {
        var token: String
        switch configuration.credentials {
        case .accessToken(let given):
            token = given
        case .password(let user, let password, let deviceID):
            let body = try JSONSerialization.data(withJSONObject: [
                "type": "m.login.password", "identifier": ["type": "m.id.user", "user": user], "password": password,
                "device_id": deviceID, "initial_device_display_name": "Tandem",
            ])
            let request = HTTPClientRequest(
                method: "POST", url: api + "/login", headers: [HTTPField("Content-Type", "application/json")], body: body,
                secrets: [password])
            let response = try await call(request, what: "log in as \(user)", refusedMeans: .unauthorized)
            guard let issued = try decode(MatrixIdentity.self, response).accessToken else {
                throw TransportError(.transient, "POST /login: the homeserver answered without an access token")
            }
            token = issued
        }
        let headers = [HTTPField("Authorization", "Bearer " + token)]
        let whoami = try await call(
            HTTPClientRequest(url: api + "/account/whoami", headers: headers, secrets: [token]), what: "GET /account/whoami")
        let identity = try decode(MatrixIdentity.self, whoami)
        return Session(userID: identity.userID, token: token, headers: headers)
    }

    // MARK: - Receiving

    public func poll(after cursor: String?) async throws -> TransportBatch {
        let session = try await connect()
        var url = api + "/sync?filter="
        if let cursor {
            url += filter + "&since=\(Self.escaped(cursor))&timeout=\(configuration.pollTimeout * 1000)"
        } else {
            let nonce = UUID().uuidString
            url += Self.escaped(Self.filterJSON(timelineLimit: configuration.timelineLimit, nonce: nonce)) + "&timeout=0"
        }
        let response = try await call(
            HTTPClientRequest(
                url: url, headers: session.headers, timeout: .seconds(configuration.pollTimeout + 15), secrets: [session.token]),
            what: "GET /sync")
        let sync = try decode(MatrixSyncResponse.self, response)
        for (room, invited) in (sync.rooms?.invite ?? [:]).sorted(by: { $0.key < $1.key }) {
            try await answerInvite(to: room, state: invited.inviteState?.events?.decoded() ?? [], session: session)
        }
        // A first sync is history: nothing in it is new.
        guard let cursor else { return TransportBatch(messages: [], cursor: sync.nextBatch) }
        var messages: [ChatMessage] = []
        for (room, joined) in (sync.rooms?.join ?? [:]).sorted(by: { $0.key < $1.key }) {
            var events: [MatrixEvent] = joined.timeline?.events?.decoded() ?? []
            if joined.timeline?.limited == true, let gap = joined.timeline?.prevBatch {
                events = try await backfill(room, from: gap, to: cursor, session: session) + events
            }
            let state: [MatrixEvent] = joined.state?.events?.decoded() ?? []
            if (state + events).contains(where: { $0.type == "m.room.encryption" }) {
                try await leaveEncrypted(room, session: session)
                continue
            }
            if events.contains(where: { $0.type == "m.room.member" }) {
                _ = memberCounts.withLock { $0.removeValue(forKey: room) }
            }
            let candidates = events.filter { $0.isCommandCandidate(ownUserID: session.userID) }
            guard !candidates.isEmpty else { continue }
            let direct = await memberCount(room, session: session) == 2
            messages += candidates.compactMap { $0.chatMessage(room: room, ownUserID: session.userID, isDirect: direct) }
        }
        return TransportBatch(messages: messages, cursor: sync.nextBatch)
    }

    /// The events a limited timeline left out, oldest first: `/messages` backwards from the timeline's start
    /// down to the previous cursor.
    private func backfill(_ room: String, from gap: String, to cursor: String, session: Session) async throws -> [MatrixEvent] {
        var collected: [MatrixEvent] = []
        var from = gap
        let types = Self.escaped(#"{"types":["m.room.message","m.room.member"]}"#)
        for _ in 0..<Self.maxBackfillPages {
            let url = api + "/rooms/\(Self.escaped(room))/messages?dir=b&limit=100&from=\(Self.escaped(from))"
                + "&to=\(Self.escaped(cursor))&filter=\(types)"
            let response = try await call(
                HTTPClientRequest(url: url, headers: session.headers, secrets: [session.token]), what: "GET /rooms/…/messages")
            let page = try decode(MatrixMessagesPage.self, response)
            collected += page.chunk.decoded()
            guard let end = page.end, !page.chunk.isEmpty, end != from else { break }
            from = end
        }
        logger.info("fetched events a limited sync left out", metadata: ["room": "\(room)", "events": "\(collected.count)"])
        return collected.reversed()
    }

    /// Joined members of `room`, cached; 0 when the homeserver does not say (the room then counts as a group).
    private func memberCount(_ room: String, session: Session) async -> Int {
        if let known = memberCounts.withLock({ $0[room] }) { return known }
        struct Members: Decodable { var joined: [String: Lenient<Ignored>] }
        struct Ignored: Decodable {}
        do {
            let response = try await call(
                HTTPClientRequest(url: api + "/rooms/\(Self.escaped(room))/joined_members", headers: session.headers, secrets: [session.token]),
                what: "GET /rooms/…/joined_members")
            let count = try decode(Members.self, response).joined.count
            memberCounts.withLock { $0[room] = count }
            return count
        } catch {
            logger.warning("could not count a room's members; treating it as a group room", metadata: ["room": "\(room)", "error": "\(error)"])
            return 0
        }
    }

    // MARK: - Invitations and encrypted rooms

    /// Joins an allowed invitation (and leaves again at once with a notice if the room is encrypted); declines
    /// any other. A failure is logged and the invitation stays pending: it comes again with the next start.
    private func answerInvite(to room: String, state: [MatrixEvent], session: Session) async throws {
        let inviter = state.first {
            $0.type == "m.room.member" && $0.stateKey == session.userID && $0.content.membership == "invite"
        }?.sender
        do {
            guard configuration.invites.allows(inviter: inviter, room: room) else {
                logger.warning(
                    "declined an invitation from outside the allowlist (transport.allowInvitesFrom)",
                    metadata: ["room": "\(room)", "inviter": "\(inviter ?? "unknown")"])
                try await post(api + "/rooms/\(Self.escaped(room))/leave", what: "POST /rooms/…/leave", session: session)
                return
            }
            try await post(api + "/join/\(Self.escaped(room))", what: "POST /join", session: session)
            logger.info("joined a room", metadata: ["room": "\(room)", "inviter": "\(inviter ?? "unknown")"])
            if state.contains(where: { $0.type == "m.room.encryption" }) {
                try await leaveEncrypted(room, session: session)
            }
        } catch let error as TransportError where error.kind == .unauthorized {
            throw error
        } catch {
            logger.error("could not answer an invitation", metadata: ["room": "\(room)", "error": "\(error)"])
        }
    }

    /// Says once, in plain text, why the bot cannot work in an encrypted room, and leaves it.
    private func leaveEncrypted(_ room: String, session: Session) async throws {
        logger.warning("left an encrypted room: Tandem does not support end-to-end encryption", metadata: ["room": "\(room)"])
        do {
            _ = try await send(
                OutgoingChatMessage(channel: room, body: Self.encryptedRoomNotice, idempotencyKey: "encrypted:" + room),
                session: session)
            try await post(api + "/rooms/\(Self.escaped(room))/leave", what: "POST /rooms/…/leave", session: session)
        } catch let error as TransportError where error.kind == .unauthorized {
            throw error
        } catch {
            logger.error("could not leave an encrypted room", metadata: ["room": "\(room)", "error": "\(error)"])
        }
    }

    // MARK: - Sending

    public func send(_ message: OutgoingChatMessage) async throws -> String {
        try await send(message, session: try await connect())
    }

    /// Every reply is sent as a reply to its command (`m.in_reply_to`), so its place in the room does not matter.
    public var repliesNameTheirMessage: Bool { true }

    /// Sends each part of the rendered reply; part n > 0 has the `txnId` `key.n`, so a retry after a failed
    /// part resends the earlier ones as no-ops. Returns the first part's event id ("" for an empty reply).
    private func send(_ message: OutgoingChatMessage, session: Session) async throws -> String {
        let parts = MatrixRenderer(partLimit: configuration.partLimit, ownUserID: session.userID).render(message.body)
        var first = ""
        for (n, part) in parts.enumerated() {
            let txnID = n == 0 ? message.idempotencyKey : message.idempotencyKey + ".\(n)"
            let url = api + "/rooms/\(Self.escaped(message.channel))/send/m.room.message/\(Self.escaped(txnID))"
            let body = try encoder.encode(MatrixOutgoing(part, thread: message.thread, answering: message.answering))
            let response = try await call(
                HTTPClientRequest(
                    method: "PUT", url: url, headers: session.headers + [HTTPField("Content-Type", "application/json")],
                    body: body, secrets: [session.token]),
                what: "PUT /rooms/…/send")
            let id = try decode(MatrixEventID.self, response).eventID
            if n == 0 { first = id }
        }
        return first
    }

    // MARK: - Probing

    /// The rooms the bot has joined, with their names and sizes: what `check-config --probe` lists.
    public func joinedRooms() async throws -> [RoomSummary] {
        let session = try await connect()
        struct Joined: Decodable {
            var joinedRooms: [String]
            enum CodingKeys: String, CodingKey { case joinedRooms = "joined_rooms" }
        }
        struct Name: Decodable { var name: String? }
        let list = try decode(
            Joined.self,
            try await call(HTTPClientRequest(url: api + "/joined_rooms", headers: session.headers, secrets: [session.token]), what: "GET /joined_rooms"))
        var rooms: [RoomSummary] = []
        for room in list.joinedRooms.sorted() {
            let request = HTTPClientRequest(
                url: api + "/rooms/\(Self.escaped(room))/state/m.room.name/", headers: session.headers, secrets: [session.token])
            let name = (try? await call(request, what: "GET /rooms/…/state/m.room.name")).flatMap { try? decoder.decode(Name.self, from: $0.body).name }
            rooms.append(RoomSummary(id: room, name: name, members: await memberCount(room, session: session)))
        }
        return rooms
    }

    // MARK: - HTTP

    private func post(_ url: String, what: String, session: Session) async throws {
        _ = try await call(
            HTTPClientRequest(
                method: "POST", url: url, headers: session.headers + [HTTPField("Content-Type", "application/json")],
                body: Data("{}".utf8), secrets: [session.token]),
            what: what)
    }

    /// Sends and maps the homeserver's answer to what the caller should do. `what` names the call in errors
    /// without ids or tokens ("PUT /rooms/…/send").
    private func call(
        _ request: HTTPClientRequest, what: String, refusedMeans refused: TransportError.Kind? = nil
    ) async throws -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, "\(what): \(error.description)")
        }
        if (200..<300).contains(response.status) { return response }
        let error = try? decoder.decode(MatrixErrorBody.self, from: response.body)
        let redactor = Redactor(request: request)
        let reason = [error?.errcode, error?.error.map(redactor.mask)].compactMap { $0 }.joined(separator: ": ")
        let because = reason.isEmpty ? "\(response.status)" : "\(response.status) \(reason)"
        if response.status == 429 || error?.errcode == "M_LIMIT_EXCEEDED" {
            let wait = error?.retryAfterMs.map { $0 / 1000 } ?? response.header("Retry-After").flatMap(Double.init) ?? 5
            throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited (\(because)), retry after \(wait) s")
        }
        if response.status == 403, let refused {
            throw TransportError(refused, "\(what): refused (\(because)); check the user and password")
        }
        switch response.status {
        case 401:
            throw TransportError(.unauthorized, "\(what): the homeserver refused the bot's credentials (\(because)); check the access token or password")
        case 500...:
            throw TransportError(.transient, "\(what): server error \(because)")
        default:
            throw TransportError(.rejected(status: response.status), "\(what): refused with \(because)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        do {
            return try decoder.decode(type, from: response.body)
        } catch {
            throw TransportError(.transient, "the homeserver sent an answer that is not the expected JSON: \(error)")
        }
    }

    /// Percent-encodes a path segment or query value: everything but unreserved characters.
    static func escaped(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
