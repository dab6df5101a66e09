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
/// - `POST /teams/webhook`: a Teams outgoing webhook (HMAC), answered with the bot's reply in the same exchange
/// - `GET /updates`, `POST /messages`, `GET /channels`: protocol v1 for the bot (its bearer token)
struct RelayRequestHandler: HTTPResponder {
    let relay: Relay
    let maxBodyBytes: Int
    let maxLongPollSeconds: Int

    private static let routes: [String: HTTPRequest.Method] = {
        var routes: [String: HTTPRequest.Method] = ["/slack/events": .post, "/slack/commands": .post, "/teams/webhook": .post]
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
        case "/teams/webhook": return try await teamsWebhook(request)
        case Route.updates.path: return try await updates(request)
        case Route.messages.path: return try await deliver(request)
        default:
            try authenticate(request)
            return .json(ChannelList(channels: relay.channels))
        }
    }

    // MARK: - Slack in

    /// The verified raw body of a Slack request. A refusal is logged by reason, never with the body.
    private func verifiedSlackBody(_ request: Request) async throws -> (body: [UInt8], slack: Relay.Slack) {
        guard let slack = relay.slack else { throw RequestFailure.notFound(path: request.uri.path) }
        let body = Array(try await request.boundedBody(limit: maxBodyBytes).readableBytesView)
        if let refusal = slack.verifier.refusal(
            timestamp: request.headers[.slackTimestamp], signature: request.headers[.slackSignature], body: body, now: relay.now())
        {
            relay.logger.warning("refused a request to \(request.uri.path)", metadata: ["reason": "\(refusal)", "bytes": "\(body.count)"])
            throw RequestFailure.unauthorized("the request is not signed by Slack: \(refusal)")
        }
        return (body, slack)
    }

    private func slackEvent(_ request: Request) async throws -> Response {
        let (body, slack) = try await verifiedSlackBody(request)
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
            if let appID = slack.appID, envelope.apiAppID != appID {
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
        let body = try await verifiedSlackBody(request).body
        let fields = FormFields(body)
        if fields["ssl_check"] == "1" { return .ok }
        guard let command = SlackCommand(form: body) else { throw RequestFailure.badRequest("not a Slack slash command") }
        let botUser = relay.slackUserID.withLock { $0 }
        try await queue(
            "slack-command:" + command.triggerID, command.update(botUserID: botUser, botName: relay.botName), retry: nil,
            replyURL: command.responseURL)
        return .json(["response_type": "in_channel"])
    }

    // MARK: - Teams in

    /// A Teams outgoing webhook fires when someone mentions it in a channel, and shows whatever it is answered in
    /// the same exchange (it cannot be posted to later). So the update is queued and the bot's reply awaited
    /// here, up to `replyWait`; later the answer goes through the Workflows webhook, if there is one.
    private func teamsWebhook(_ request: Request) async throws -> Response {
        guard let teams = relay.teams else { throw RequestFailure.notFound(path: request.uri.path) }
        let body = Array(try await request.boundedBody(limit: maxBodyBytes).readableBytesView)
        if let refusal = teams.verifier.refusal(authorization: request.headers[.authorization], body: body) {
            relay.logger.warning("refused a request to /teams/webhook", metadata: ["reason": "\(refusal)", "bytes": "\(body.count)"])
            throw RequestFailure.unauthorized("the request is not signed by the Teams webhook: \(refusal)")
        }
        guard let activity = try? JSONDecoder().decode(TeamsActivity.self, from: Data(body)) else {
            throw RequestFailure.badRequest("the body is not a Teams activity")
        }
        guard let update = activity.update(botName: relay.botName) else { return .teamsMessage("") }
        relay.pending.expect(update.id)
        let queued: Bool
        do {
            queued = try await queue("teams:" + activity.id, update, retry: nil)
        } catch {
            relay.pending.cancel(update.id)
            throw error
        }
        guard queued else {
            relay.pending.cancel(update.id)
            return .teamsMessage("")
        }
        if let text = await relay.pending.wait(for: update.id, timeout: teams.replyWait) { return .teamsMessage(text) }
        relay.logger.warning("the bot did not answer a Teams webhook in time", metadata: ["update": "\(update.id)"])
        return .teamsMessage(
            teams.workflows == nil
                ? "Tandem is taking longer than Teams waits. Please ask again in a moment."
                : "Working on it: the answer follows in this channel.")
    }

    /// Queues an update; false when it was a retry of one already queued.
    @discardableResult
    private func queue(_ key: String, _ update: Update, retry: String?, replyURL: String? = nil) async throws -> Bool {
        do {
            if try await relay.enqueue(key: key, update: update, replyURL: replyURL) {
                relay.logger.info("queued", metadata: ["key": "\(key)", "channel": "\(update.channel)"])
                return true
            } else {
                relay.logger.info("a retry of an update already queued", metadata: ["key": "\(key)", "retry": "\(retry ?? "none")"])
                return false
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

    /// Delivers one reply through its chat, once per idempotency key.
    private func deliver(_ request: Request) async throws -> Response {
        try authenticate(request)
        let body = try await request.boundedBody(limit: maxBodyBytes)
        let message = try NewMessage(json: Data(body.readableBytesView))
        guard let channel = message.channel, let text = message.text, !text.isEmpty else {
            throw RequestFailure.badRequest("channel and text are required")
        }
        let key = message.idempotencyKey
        if let key, let ids = relay.delivered(key) { return .json(PostedMessage(id: ids.first ?? "")) }
        let ts: String
        do {
            ts = try await post(text, to: channel, thread: message.thread, key: key)
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

    /// Posts through the channel's chat; returns the platform's message id.
    private func post(_ text: String, to channel: String, thread: String?, key: String?) async throws(DeliveryFailure) -> String {
        switch relay.platform(of: channel) {
        case .slack:
            guard let slack = relay.slack else { throw .refused(code: "no Slack configured", hint: nil) }
            // The answer to a slash command goes to its response_url: it reaches the channel even where the bot is
            // not a member. An expired one (5 posts, 30 minutes) falls back to a message.
            if let key, let update = OutboxKey.answered(key), let url = relay.replyURL(for: update) {
                do {
                    try await slack.api.respond(to: url, text: text)
                    return "slack-response:" + key
                } catch .refused {
                    relay.logger.info("a slash command's response_url is used up; posting instead", metadata: ["key": "\(key)"])
                }
            }
            return try await slack.api.postMessage(channel: channel, text: text, threadTS: thread)
        case .teams:
            // `reply:<update id>:0` answers the webhook waiting for that update, if it still waits.
            if let key, key.hasSuffix(":0"), let update = OutboxKey.answered(key), relay.pending.answer(update, with: text) {
                return update
            }
            guard let workflows = relay.teams?.workflows else {
                throw .refused(
                    code: "no Workflows webhook",
                    hint: "Teams outgoing webhooks cannot post later: set transport.teams.workflowURLEnv/File for reminders and late answers")
            }
            try await workflows.post(text)
            return "teams-workflow:" + (key ?? UUID().uuidString)
        }
    }

    /// A platform's refusal as the protocol's status, so the bot does the right thing: wait (429), drop (400), or
    /// retry with backoff (502).
    private func failure(for error: DeliveryFailure, key: String?) -> RequestFailure {
        relay.logger.warning("the chat did not take a reply", metadata: ["key": "\(key ?? "none")", "error": "\(error)"])
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

/// The bot's outbox keys, as far as the relay reads them: `reply:<update id>:<part>` answers an update.
enum OutboxKey {
    /// The update a reply key answers.
    static func answered(_ key: String) -> String? {
        guard key.hasPrefix("reply:"), let colon = key.lastIndex(of: ":") else { return nil }
        let id = key[key.index(key.startIndex, offsetBy: 6)..<max(colon, key.index(key.startIndex, offsetBy: 6))]
        return id.isEmpty ? nil : String(id)
    }
}

extension Response {
    static var ok: Response { Response(status: .ok) }

    /// A Teams outgoing webhook's answer: the text is shown as the reply.
    static func teamsMessage(_ text: String) -> Response {
        .json(["type": "message", "text": text])
    }
}

extension HTTPField.Name {
    static let slackTimestamp = Self("X-Slack-Request-Timestamp")!
    static let slackSignature = Self("X-Slack-Signature")!
    static let slackRetryNum = Self("X-Slack-Retry-Num")!
}
