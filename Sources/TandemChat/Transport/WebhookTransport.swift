import Foundation
import Synchronization
import TandemCore
import TandemProtocol

/// The webhook chat protocol v1, client side: long-polls `/updates`, posts to `/messages`.
/// The bot talks to the embedded local endpoint through this exactly as it would to a remote bridge.
///
/// The payloads and the rules are those of the `TandemProtocol` target, written down in its article
/// `Sources/TandemProtocol/TandemProtocol.docc/WebhookChatProtocol.md`.
public final class WebhookTransport: ChatTransport {
    public struct Configuration: Sendable {
        /// e.g. `http://127.0.0.1:8080`; no trailing slash needed.
        public var baseURL: String
        public var token: String
        /// How long the server may hold a poll, in seconds.
        public var pollTimeout: Int = ProtocolLimits.defaultPollSeconds
        public var limit: Int = ProtocolLimits.defaultUpdatesLimit

        public init(baseURL: String, token: String, pollTimeout: Int = ProtocolLimits.defaultPollSeconds) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.token = token
            self.pollTimeout = pollTimeout
        }
    }

    private let configuration: Configuration
    private let http: any HTTPClient
    /// Built once: every call sends the same header fields and URLs.
    private let authorization: [HTTPField]
    private let postHeaders: [HTTPField]
    private let updatesURL: String
    private let messagesURL: String
    /// Shared by all calls: it is `Sendable` and keeps no state between calls. Creating one per call costs
    /// about 1 µs more (measured, within the noise of a 15–60 µs decode), so this is tidiness more than speed.
    /// A reply's own payloads skip it (see ``WireJSON``).
    private let decoder = JSONDecoder()
    /// What the endpoint said about each channel (direct or not, its text format); refreshed when an unknown
    /// channel shows up in an update or a reply.
    private let knownChannels = Mutex<[String: Channel]>([:])

    public init(configuration: Configuration, http: any HTTPClient) {
        self.configuration = configuration
        self.http = http
        authorization = [HTTPField("Authorization", "Bearer " + configuration.token)]
        postHeaders = authorization + [HTTPField("Content-Type", "application/json")]
        updatesURL = configuration.baseURL + Route.updates.path + "?"
        messagesURL = configuration.baseURL + Route.messages.path
    }

    public func poll(after cursor: String?) async throws -> TransportBatch {
        let query = UpdatesRequest(after: cursor, timeout: configuration.pollTimeout, limit: configuration.limit).query
        let response = try await call(
            HTTPClientRequest(
                url: updatesURL + query, headers: authorization,
                timeout: .seconds(configuration.pollTimeout + 15), secrets: [configuration.token]))
        let page = try decode(UpdatesPage.self, response)
        let known = knownChannels.withLock { Set($0.keys) }
        if page.updates.contains(where: { !known.contains($0.channel) }) {
            try await refreshChannels()
        }
        let channels = knownChannels.withLock { $0 }
        let messages = page.updates.map {
            ChatMessage(
                id: $0.id, channel: $0.channel, userID: $0.user.id, userName: $0.user.name, text: $0.text,
                thread: $0.thread, isDirect: channels[$0.channel]?.kind == .direct)
        }
        return TransportBatch(messages: messages, cursor: page.cursor ?? cursor)
    }

    /// Posts the reply in the channel's text format. A reply the format splits (Slack's 4,000 characters) goes
    /// as several posts, part n > 0 with the key `key.n`, so a retry after a failed part repeats none.
    public func send(_ message: OutgoingChatMessage) async throws -> String {
        var format = knownChannels.withLock { $0[message.channel]?.format }
        if format == nil && knownChannels.withLock({ $0[message.channel] == nil }) {
            // A reminder may go to a channel no update came from yet; an endpoint that cannot say is Markdown.
            try? await refreshChannels()
            format = knownChannels.withLock { $0[message.channel]?.format }
        }
        var first = ""
        for (n, text) in Self.render(message.body, format: format).enumerated() {
            let payload = NewMessage(
                channel: message.channel, text: text, thread: message.thread,
                idempotencyKey: n == 0 ? message.idempotencyKey : message.idempotencyKey + ".\(n)")
            let request = HTTPClientRequest(
                method: "POST", url: messagesURL, headers: postHeaders, body: WireJSON.encode(payload),
                secrets: [configuration.token])
            let response = try await call(request)
            let id = try WireJSON.postedID(in: response.body) ?? decode(PostedMessage.self, response).id
            if n == 0 { first = id }
        }
        return first
    }

    /// The reply as the texts to post: Slack's mrkdwn for a Slack channel, else one Markdown text.
    static func render(_ body: RichText, format: Channel.Format?) -> [String] {
        switch format {
        case .slack?: SlackRenderer().render(body)
        default: [MarkdownRenderer.render(body)]
        }
    }

    private func refreshChannels() async throws {
        let channels = try await channels()
        knownChannels.withLock { map in
            for channel in channels { map[channel.id] = channel }
        }
    }

    /// The channels the bot can read and post in (`GET /channels`): also what `check-config --probe` lists.
    public func channels() async throws -> [Channel] {
        let response = try await call(
            HTTPClientRequest(url: configuration.baseURL + Route.channels.path, headers: authorization, secrets: [configuration.token]))
        return try decode(ChannelList.self, response).channels
    }

    /// Sends and maps the protocol's statuses to what the caller should do.
    private func call(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, error.description)
        }
        if (200..<300).contains(response.status) { return response }
        let what = "\(request.method) \(configuration.baseURL)\(request.url.dropFirst(configuration.baseURL.count).prefix { $0 != "?" })"
        let reason = reason(in: response, redactedBy: Redactor(request: request))
        switch response.status {
        case 401, 403:
            throw TransportError(.unauthorized, "\(what): the token was refused (\(response.status)\(reason)); check the bot's token")
        case 429:
            let wait = response.header("Retry-After").flatMap(Double.init) ?? 5
            throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited, retry after \(wait) s")
        case 500...:
            throw TransportError(.transient, "\(what): server error \(response.status)\(reason)")
        default:
            throw TransportError(.rejected(status: response.status), "\(what): refused with \(response.status)\(reason)")
        }
    }

    /// `: ` and the server's ``ErrorBody`` sentence, for the log: "refused with 400: text must not be empty" says
    /// what to fix. Masked like everything else about the request, in case a bridge echoes the token.
    private func reason(in response: HTTPClientResponse, redactedBy redactor: Redactor) -> String {
        guard let body = try? decoder.decode(ErrorBody.self, from: response.body) else { return "" }
        return ": " + redactor.mask(body.error)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        do {
            return try decoder.decode(type, from: response.body)
        } catch {
            throw TransportError(.transient, "the chat endpoint sent an answer that is not protocol v1 JSON: \(error)")
        }
    }
}
