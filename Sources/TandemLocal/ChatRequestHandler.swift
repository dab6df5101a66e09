import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemProtocol

/// Maps HTTP requests onto the ``ChatRoom``: the thin Hummingbird layer of the local endpoint.
///
/// Routes (webhook chat protocol v1, plus the web page and its helper):
/// - `GET /` — the chat page
/// - `GET /local/participants` — the people the page can act as, with their tokens
/// - `GET /updates?after=&timeout=&limit=` — long poll (bearer token)
/// - `POST /messages` — post (bearer token)
/// - `GET /channels` — channels the caller can see (bearer token)
///
/// A responder of its own rather than Hummingbird's `Router`: five fixed paths need no tree,
/// and every refusal, 404 and 405 included, must carry the protocol's JSON error body.
struct ChatRequestHandler: HTTPResponder {
    let room: ChatRoom
    let maxBodyBytes: Int
    let maxLongPollSeconds: Int
    /// See ``LocalEndpointConfiguration/offersPicker``.
    let offersPicker: Bool

    /// The one method each path answers; any other method gets `405`.
    private static let routes: [String: HTTPRequest.Method] = {
        var routes: [String: HTTPRequest.Method] = ["/": .get, "/local/participants": .get]
        for route in Route.allCases {
            routes[route.path] = HTTPRequest.Method(route.method)
        }
        return routes
    }()

    func respond(to request: Request, context: LocalRequestContext) async throws -> Response {
        do {
            return try await route(request, context: context)
        } catch let failure as RequestFailure {
            if failure.closesConnection {
                context.closeConnectionAfterResponse()
            }
            return failure.response
        }
    }

    private func route(_ request: Request, context: LocalRequestContext) async throws -> Response {
        let path = request.uri.path
        guard let method = Self.routes[path] else {
            throw RequestFailure.notFound(path: path)
        }
        guard request.method == method else {
            throw RequestFailure.methodNotAllowed(request.method, path: path, allowed: method)
        }
        switch path {
        case "/":
            return .chatPage()
        case "/local/participants":
            return try participants(request, context: context)
        case Route.updates.path:
            return try await updates(request)
        case Route.messages.path:
            return try await postMessage(request)
        default:
            return try channels(request)
        }
    }

    // MARK: - Protocol routes

    private func updates(_ request: Request) async throws(RequestFailure) -> Response {
        let caller = try authenticate(request)
        let query = try UpdatesQuery(request.queryItems, maxTimeoutSeconds: maxLongPollSeconds)
        // The handler is not told when a client goes away mid-poll: its waiter lives until the
        // poll's timeout (at most maxLongPollSeconds) and is removed then; cancellation (shutdown)
        // and the room's close (graceful shutdown) end it at once.
        let batch = await room.waitForUpdates(
            for: caller.id,
            after: query.after,
            limit: query.limit,
            timeout: query.timeout,
            includeOwn: query.includeOwn
        )
        return .json(UpdatesPage(batch))
    }

    private func postMessage(_ request: Request) async throws -> Response {
        let sender = try authenticate(request)
        let body = try await request.boundedBody(limit: maxBodyBytes)
        let message = try NewMessage(json: Data(body.readableBytesView))
        do {
            let id = try room.post(message, from: sender)
            return .json(PostedMessage(id: String(id)))
        } catch {
            throw RequestFailure(status: error.status, message: error.message)
        }
    }

    private func channels(_ request: Request) throws(RequestFailure) -> Response {
        let caller = try authenticate(request)
        let directory = room.directory
        let channels = directory.channels(visibleTo: caller.id).map {
            Channel($0, name: directory.displayName(of: $0, for: caller.id))
        }
        return .json(ChannelList(channels: channels))
    }

    // MARK: - Web page helper

    /// The people the page can act as. With trial tokens (``offersPicker``) every person with their token, so the
    /// page can act as any of them: only to a browser on this machine, and, to keep other web sites from reading
    /// it through DNS rebinding, only for requests addressed to an IP literal or `localhost`. With real tokens,
    /// only the caller, who signs in with their own.
    private func participants(_ request: Request, context: LocalRequestContext) throws(RequestFailure) -> Response {
        guard request.isAddressedToLiteralHost else {
            throw .forbidden("open the local chat through an IP address or localhost, e.g. http://127.0.0.1:8080/")
        }
        let directory = room.directory
        let listed: [LocalParticipant]
        if request.bearerToken != nil || !offersPicker {
            listed = [try authenticate(request)]
        } else {
            guard context.peerIsLoopback else {
                throw .forbidden("the list of people is for a browser on the machine Tandem runs on; sign in with your token")
            }
            listed = directory.participants
        }
        let people = listed.filter { !$0.isBot }.map {
            ParticipantPayload(id: $0.id, name: $0.name, role: $0.role, token: $0.token, admin: $0.isAdmin)
        }
        let bot = directory.participants.first(where: \.isBot).map { User(id: $0.id, name: $0.name) }
        return .json(ParticipantsPayload(participants: people, bot: bot, defaultChannel: directory.defaultChannelID))
    }

    // MARK: - Helpers

    /// The participant whose bearer token the request carries.
    private func authenticate(_ request: Request) throws(RequestFailure) -> LocalParticipant {
        guard let token = request.bearerToken else {
            throw .unauthorized("missing bearer token: send Authorization: Bearer {token}")
        }
        guard let participant = room.directory.participant(token: token) else {
            throw .unauthorized("unknown token")
        }
        return participant
    }
}
