import Foundation
import Synchronization
import TandemChat

/// Plays Slack towards the relay: sends signed Events API requests and slash commands over real loopback sockets
/// (through ``CurlHTTPClient``) and returns the relay's answer with its latency (PLATFORMS-WEBHOOKS.md 1.7, 2.4).
///
/// Each call builds the exact body Slack sends (the envelope of 1.4 around the event), signs it with the
/// configured secret at the injected clock's time, and posts it. A ``Mode`` sends it broken in one way instead,
/// and ``resend(_:retryNum:reason:)`` repeats a delivery as Slack's retries do.
///
/// ```swift
/// let slack = SlackEventSender(relayURL: relay.baseURL, configuration: .init(signingSecret: secret))
/// let mention = try await slack.appMention(user: "U0ALICE", channel: "C0GENERAL", text: "<@U0TANDEM> ping")
/// #expect(mention.isAcknowledgedInTime)
/// let retry = try await slack.resend(mention)          // same event_id: the relay must not answer twice
/// let forged = try await slack.appMention(user: "U0ALICE", channel: "C0GENERAL", text: "hi", mode: .mutated)
/// #expect(forged.status == 401 || forged.status == 403)
/// ```
public final class SlackEventSender: Sendable {
    /// The app and workspace the events come from, and where the relay listens.
    public struct Configuration: Sendable {
        /// The app's signing secret (used as UTF-8 bytes).
        public var signingSecret: String
        public var teamID = "T0FAKE"
        public var teamDomain = "fake"
        public var apiAppID = "A0TANDEM"
        /// The bot's user id, named in each envelope's `authorizations`.
        public var botUserID = "U0TANDEM"
        /// The relay's Events API path.
        public var eventsPath = "/slack/events"
        /// The relay's slash-command path.
        public var commandsPath = "/slack/commands"

        public init(signingSecret: String) {
            self.signingSecret = signingSecret
        }
    }

    /// How a request is sent: signed properly, or broken in one way the relay must refuse.
    public enum Mode: Sendable {
        /// Signed with the configured secret and the clock's current time.
        case signed
        /// Signed properly, but with a timestamp ``staleAge`` seconds old: past the 300 s replay window.
        case stale
        /// Signed, then one byte of the body changed (the case of a letter in the `token` value, so the body stays
        /// valid JSON or form and only the signature check can catch it).
        case mutated
        /// Without `X-Slack-Request-Timestamp` and `X-Slack-Signature`.
        case unsigned
        /// Signed with another secret.
        case wrongSecret
    }

    /// How old a `.stale` timestamp is: one second past Slack's 300 s window.
    public static let staleAge = 301

    private let relayURL: String
    private let configuration: Configuration
    private let client: any HTTPClient
    private let now: @Sendable () -> Date
    /// Makes generated message `ts` values unique within the sender.
    private let nextTSSequence = Mutex(1)

    /// - Parameters:
    ///   - relayURL: the relay's base URL, e.g. `http://127.0.0.1:40123`; the paths come from `configuration`.
    ///   - client: sends the requests; a ``CurlHTTPClient`` by default, for real sockets.
    ///   - now: the clock that dates and signs each request (inject one to sign for a given time).
    public init(
        relayURL: String, configuration: Configuration, client: any HTTPClient = CurlHTTPClient(),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.relayURL = relayURL
        self.configuration = configuration
        self.client = client
        self.now = now
    }

    // MARK: - Events

    /// Slack's Request URL check (1.1); see ``SlackDelivery/echoes(challenge:)`` for the answer.
    public func urlVerification(challenge: String, mode: Mode = .signed) async throws -> SlackDelivery {
        try await post(SlackPayloads.urlVerification(challenge: challenge), eventID: nil, events: true, mode: mode)
    }

    /// An `app_mention` (1.5): `text` should contain `<@botUserID>`. `ts` defaults to a fresh unique value.
    /// `eventID` defaults to a new one; a test that models Slack retrying a delivery that never got an answer
    /// (the relay was down) sends the same event again under the same id.
    public func appMention(
        user: String, channel: String, text: String, ts: String? = nil, threadTS: String? = nil, eventID: String? = nil,
        mode: Mode = .signed
    ) async throws -> SlackDelivery {
        let ts = ts ?? makeTS()
        return try await send(
            event: .fields([
                "type": "app_mention", "user": .string(user), "text": .string(text), "ts": .string(ts),
                "channel": .string(channel), "event_ts": .string(ts), "thread_ts": threadTS.map(OrderedJSON.string),
            ]), eventID: eventID, mode: mode)
    }

    /// A `message` in a direct message with the bot (`channel_type: "im"`, the `message.im` subscription).
    public func directMessage(
        user: String, channel: String, text: String, ts: String? = nil, threadTS: String? = nil, mode: Mode = .signed
    ) async throws -> SlackDelivery {
        try await message(
            user: user, channel: channel, channelType: "im", text: text, ts: ts, threadTS: threadTS, mode: mode)
    }

    /// A `message` in a public channel (`channel_type: "channel"`), not addressed to the bot unless `text` says so.
    public func channelMessage(
        user: String, channel: String, text: String, ts: String? = nil, threadTS: String? = nil, mode: Mode = .signed
    ) async throws -> SlackDelivery {
        try await message(
            user: user, channel: channel, channelType: "channel", text: text, ts: ts, threadTS: threadTS, mode: mode)
    }

    /// The bot's own post coming back as a `message` event with `bot_id` (as `chat.postMessage` replies do): the
    /// relay must drop it. Pass the fields of a ``SlackPost`` the fake accepted to echo that post.
    public func botEcho(
        botID: String, channel: String, text: String, ts: String? = nil, threadTS: String? = nil,
        channelType: String = "channel", mode: Mode = .signed
    ) async throws -> SlackDelivery {
        let ts = ts ?? makeTS()
        return try await send(
            event: .fields([
                "type": "message", "channel": .string(channel), "user": .string(configuration.botUserID),
                "bot_id": .string(botID), "text": .string(text), "ts": .string(ts),
                "thread_ts": threadTS.map(OrderedJSON.string), "event_ts": .string(ts),
                "channel_type": .string(channelType),
            ]), mode: mode)
    }

    /// An edit: `message` with `subtype: "message_changed"`, `hidden: true` and the new text under `message`
    /// (1.5). The relay must ignore it (it accepts only events without a subtype).
    public func messageChanged(
        user: String, channel: String, text: String, previousText: String, ts: String, editTS: String? = nil,
        channelType: String = "channel", mode: Mode = .signed
    ) async throws -> SlackDelivery {
        let editTS = editTS ?? makeTS()
        let edited = OrderedJSON.object([
            ("type", "message"), ("user", .string(user)), ("text", .string(text)),
            ("edited", .object([("user", .string(user)), ("ts", .string(editTS))])), ("ts", .string(ts)),
        ])
        let previous = OrderedJSON.object([
            ("type", "message"), ("user", .string(user)), ("text", .string(previousText)), ("ts", .string(ts)),
        ])
        return try await send(
            event: .object([
                ("type", "message"), ("subtype", "message_changed"), ("hidden", .bool(true)),
                ("channel", .string(channel)), ("message", edited), ("previous_message", previous),
                ("ts", .string(editTS)), ("event_ts", .string(editTS)), ("channel_type", .string(channelType)),
            ]), mode: mode)
    }

    /// Any inner event, written out as JSON by the test (e.g. a classic `bot_message`), in a fresh envelope.
    public func event(json: String, mode: Mode = .signed) async throws -> SlackDelivery {
        try await send(event: .raw(json), mode: mode)
    }

    // MARK: - Slash commands

    /// A slash command, form-encoded in the field order of 2.1 and posted to the commands path.
    public func slashCommand(
        command: String = "/tandem", text: String, user: String, userName: String = "someone", channel: String,
        channelName: String = "general", responseURL: String, triggerID: String? = nil, mode: Mode = .signed
    ) async throws -> SlackDelivery {
        let body = SlackPayloads.slashCommand([
            "token": SlackPayloads.legacyToken, "team_id": configuration.teamID,
            "team_domain": configuration.teamDomain,
            "channel_id": channel, "channel_name": channelName, "user_id": user, "user_name": userName,
            "command": command, "text": text, "response_url": responseURL,
            "trigger_id": triggerID ?? "\(makeTS()).fake.\(UUID().uuidString.lowercased())",
            "api_app_id": configuration.apiAppID,
        ])
        return try await post(body, eventID: nil, events: false, mode: mode)
    }

    // MARK: - Retries

    /// Sends `previous` again as Slack's retry number `retryNum` (1…3): the same body and `event_id`, freshly
    /// signed at the clock's current time (a retry is a new request), with `x-slack-retry-num` and
    /// `x-slack-retry-reason` (`http_timeout`, `http_error`, `connection_failed`, …). A mutated original is resent
    /// unmutated.
    public func resend(_ previous: SlackDelivery, retryNum: Int = 1, reason: String = "http_timeout") async throws
        -> SlackDelivery
    {
        try await post(
            previous.signedBody, path: previous.path, contentType: previous.sentHeader("Content-Type") ?? "",
            eventID: previous.eventID, mode: .signed,
            extraHeaders: [HTTPField("x-slack-retry-num", String(retryNum)), HTTPField("x-slack-retry-reason", reason)])
    }

    // MARK: - Sending

    private func message(
        user: String, channel: String, channelType: String, text: String, ts: String?, threadTS: String?, mode: Mode
    ) async throws -> SlackDelivery {
        let ts = ts ?? makeTS()
        return try await send(
            event: .fields([
                "type": "message", "channel": .string(channel), "user": .string(user), "text": .string(text),
                "ts": .string(ts), "thread_ts": threadTS.map(OrderedJSON.string), "event_ts": .string(ts),
                "channel_type": .string(channelType),
            ]), mode: mode)
    }

    /// Wraps `event` in an envelope with `eventID`, or a new, globally unique `event_id`.
    private func send(event: OrderedJSON, eventID: String? = nil, mode: Mode) async throws -> SlackDelivery {
        let eventID = eventID ?? "Ev0" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10)
        let body = SlackPayloads.eventCallback(
            event: event, eventID: eventID, eventTime: Int(now().timeIntervalSince1970), teamID: configuration.teamID,
            apiAppID: configuration.apiAppID, botUserID: configuration.botUserID)
        return try await post(body, eventID: eventID, events: true, mode: mode)
    }

    private func post(_ body: [UInt8], eventID: String?, events: Bool, mode: Mode) async throws -> SlackDelivery {
        try await post(
            body, path: events ? configuration.eventsPath : configuration.commandsPath,
            contentType: events ? "application/json" : "application/x-www-form-urlencoded", eventID: eventID,
            mode: mode, extraHeaders: [])
    }

    private func post(
        _ signedBody: [UInt8], path: String, contentType: String, eventID: String?, mode: Mode,
        extraHeaders: [HTTPField]
    ) async throws -> SlackDelivery {
        let timestamp = String(Int(now().timeIntervalSince1970) - (mode == .stale ? Self.staleAge : 0))
        let secret = mode == .wrongSecret ? configuration.signingSecret + "-not" : configuration.signingSecret
        var headers = [
            HTTPField("Content-Type", contentType),
            HTTPField("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)"),
        ]
        if mode != .unsigned {
            let signature = SlackSigning.signature(secret: secret, timestamp: timestamp, body: signedBody)
            headers.append(HTTPField("X-Slack-Request-Timestamp", timestamp))
            headers.append(HTTPField("X-Slack-Signature", signature))
        }
        headers += extraHeaders
        let body = mode == .mutated ? Self.mutated(signedBody) : signedBody
        let request = HTTPClientRequest(
            method: "POST", url: relayURL + path, headers: headers, body: Data(body), timeout: .seconds(10),
            secrets: [configuration.signingSecret])
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await client.send(request)
        return SlackDelivery(
            path: path, body: body, headers: headers, eventID: eventID, response: response, latency: clock.now - start,
            signedBody: signedBody)
    }

    /// Flips the case of the first letter of the `token` value (JSON `"token":"…` or form `token=…`).
    static func mutated(_ body: [UInt8]) -> [UInt8] {
        var body = body
        let text = String(decoding: body, as: UTF8.self)
        guard let marker = text.range(of: "\"token\":\"") ?? text.range(of: "token=") else {
            preconditionFailure("every body the sender builds carries a token")
        }
        var index = text.utf8.distance(from: text.startIndex, to: marker.upperBound)
        while !(Character(Unicode.Scalar(body[index])).isLetter) { index += 1 }
        body[index] ^= 0x20  // ASCII case bit
        return body
    }

    /// A unique message ts: the clock's seconds and a per-sender sequence as the six-digit fraction.
    private func makeTS() -> String {
        let sequence = nextTSSequence.withLock { next in
            defer { next += 1 }
            return next
        }
        let fraction = String(sequence % 1_000_000)
        return "\(Int(now().timeIntervalSince1970))." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
