import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TandemLocal
import TandemProtocol

/// The relay's routes:
/// - `POST /slack/events`, `POST /slack/commands`: Slack's signed webhooks, checked before anything is read
/// - `GET /updates`, `POST /messages`, `GET /channels`: protocol v1 for the bot (its bearer token)
struct RelayRequestHandler: HTTPResponder {
    let relay: Relay
    let maxBodyBytes: Int
    let maxLongPollSeconds: Int

    private static let routes: [String: HTTPRequest.Method] = {
        var routes: [String: HTTPRequest.Method] = ["/slack/events": .post, "/slack/commands": .post]
        for route in Route.allCases { routes[route.path] = HTTPRequest.Method(route.method) }
        return routes
    }()

    func respond(to request: Request, context: LocalRequestContext) async throws -> Response {
        do {
            return try await route(request)
        } catch let failure as RequestFailure {
            if failure.closesConnection { context.closeConnectionAfterResponse() }
            return failure.response
        }
    }

    private func route(_ request: Request) async throws -> Response {
        let path = request.uri.path
        guard let method = Self.routes[path] else { throw RequestFailure.notFound(path: path) }
        guard request.method == method else {
            throw RequestFailure.methodNotAllowed(request.method, path: path, allowed: method)
        }
        switch path {
        case "/slack/events": return try await slackEvent(request)
        case "/slack/commands": return try await slackCommand(request)
        case Route.updates.path: return try await updates(request)
        case Route.messages.path: return try await deliver(request)
        default:
            try authenticate(request)
            return .json(ChannelList(channels: relay.channels))
        }
    }

    // MARK: - Slack in

    /// The verified raw body of a Slack request. A refusal is logged by reason, never with the body.
    private func verifiedSlackBody(_ request: Request) async throws -> [UInt8] {
        let body = Array(try await request.boundedBody(limit: maxBodyBytes).readableBytesView)
        if let refusal = relay.slack.verifier.refusal(
            timestamp: request.headers[.slackTimestamp], signature: request.headers[.slackSignature], body: body, now: relay.now())
        {
            relay.logger.warning("refused a request to \(request.uri.path)", metadata: ["reason": "\(refusal)", "bytes": "\(body.count)"])
            throw RequestFailure.unauthorized("the request is not signed by Slack: \(refusal)")
        }
        return body
    }

    private func slackEvent(_ request: Request) async throws -> Response {
        let body = try await verifiedSlackBody(request)
        guard let envelope = try? JSONDecoder().decode(SlackEnvelope.self, from: Data(body)) else {
            throw RequestFailure.badRequest("the body is not a Slack Events API envelope")
        }
        switch envelope.type {
        case "url_verification":
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: envelope.challenge ?? "")))
        case "event_callback":
            guard let eventID = envelope.eventID else { throw RequestFailure.badRequest("event_callback without event_id") }
            if let appID = relay.slack.appID, envelope.apiAppID != appID {
                relay.logger.warning("ignored an event for another Slack app", metadata: ["api_app_id": "\(envelope.apiAppID ?? "none")"])
                return .ok
            }
            let botUser = relay.slackUserID.withLock { $0 }
            guard let update = envelope.event?.update(botUserID: botUser, botName: relay.botName) else { return .ok }
            try await queue("slack:" + eventID, update, retry: request.headers[.slackRetryNum])
            return .ok
        default:
            return .ok
        }
    }

    /// `/tandem …`: acknowledged at once with the command shown in the channel; the answer follows as a message.
    private func slackCommand(_ request: Request) async throws -> Response {
        let body = try await verifiedSlackBody(request)
        let fields = FormFields(body)
        if fields["ssl_check"] == "1" { return .ok }
        guard let command = SlackCommand(form: body) else { throw RequestFailure.badRequest("not a Slack slash command") }
        let botUser = relay.slackUserID.withLock { $0 }
        try await queue("slack-command:" + command.triggerID, command.update(botUserID: botUser, botName: relay.botName), retry: nil)
        return .json(["response_type": "in_channel"])
    }

    private func queue(_ key: String, _ update: Update, retry: String?) async throws {
        do {
            if try await relay.enqueue(key: key, update: update) {
                relay.logger.info("queued", metadata: ["key": "\(key)", "channel": "\(update.channel)"])
            } else {
                relay.logger.info("a retry of an update already queued", metadata: ["key": "\(key)", "retry": "\(retry ?? "none")"])
            }
        } catch let failure as RequestFailure {
            throw failure
        } catch {
            // Not acknowledged: Slack retries, and the key is free for the retry.
            relay.logger.error("could not queue an update; Slack will retry", metadata: ["key": "\(key)", "error": "\(error)"])
            throw RequestFailure(status: .internalServerError, message: "could not store the event; retry")
        }
    }

    // MARK: - The bot

    private func updates(_ request: Request) async throws -> Response {
        try authenticate(request)
        let query = try UpdatesQuery(request.queryItems, maxTimeoutSeconds: maxLongPollSeconds)
        return .json(await relay.feed.wait(after: query.after, limit: query.limit, timeout: query.timeout))
    }

    /// Delivers one reply through Slack, once per idempotency key.
    private func deliver(_ request: Request) async throws -> Response {
        try authenticate(request)
        let body = try await request.boundedBody(limit: maxBodyBytes)
        let message = try JSONDecoder().decode(NewMessage.self, from: Data(body.readableBytesView))
        guard let channel = message.channel, let text = message.text, !text.isEmpty else {
            throw RequestFailure.badRequest("channel and text are required")
        }
        let key = message.idempotencyKey
        if let key, let ids = relay.delivered(key) { return .json(PostedMessage(id: ids.first ?? "")) }
        let ts: String
        do {
            ts = try await relay.slack.api.postMessage(channel: channel, text: text, threadTS: message.thread)
        } catch {
            throw failure(for: error, key: key)
        }
        if let key {
            relay.remember(key, ids: [ts])
            do {
                try await relay.journal.recordDelivery(key: key, ids: [ts])
            } catch {
                // It went out: answering with an error would make the bot send it again. Remembered in memory only.
                relay.logger.error("delivered a reply but could not record it", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        return .json(PostedMessage(id: ts))
    }

    /// Slack's refusal as the protocol's status, so the bot does the right thing: wait (429), drop (400), or
    /// retry with backoff (502).
    private func failure(for error: SlackWebAPI.Failure, key: String?) -> RequestFailure {
        relay.logger.warning("Slack did not take a reply", metadata: ["key": "\(key ?? "none")", "error": "\(error)"])
        switch error {
        case .rateLimited(let seconds):
            return RequestFailure(
                status: .tooManyRequests, message: error.description, headers: [.retryAfter: String(Int(seconds.rounded(.up)))])
        case .refused:
            return .badRequest(error.description)
        case .unauthorized, .unavailable:
            return RequestFailure(status: .badGateway, message: error.description)
        }
    }

    private func authenticate(_ request: Request) throws {
        guard let token = request.bearerToken else {
            throw RequestFailure.unauthorized("missing bearer token: send Authorization: Bearer {token}")
        }
        guard HMACSHA256.equal(Array(token.utf8), Array(relay.botToken.utf8)) else {
            throw RequestFailure.unauthorized("unknown token")
        }
    }
}

extension Response {
    static var ok: Response { Response(status: .ok) }
}

extension HTTPField.Name {
    static let slackTimestamp = Self("X-Slack-Request-Timestamp")!
    static let slackSignature = Self("X-Slack-Signature")!
    static let slackRetryNum = Self("X-Slack-Retry-Num")!
}
