import Foundation
import Synchronization
import TandemCore

/// The webhook chat protocol v1 (see DESIGN.md), client side: long-polls `/updates`, posts to `/messages`.
/// The bot talks to the embedded local endpoint through this exactly as it would to a remote bridge.
public final class WebhookTransport: ChatTransport {
    public struct Configuration: Sendable {
        /// e.g. `http://127.0.0.1:8080`; no trailing slash needed.
        public var baseURL: String
        public var token: String
        /// How long the server may hold a poll.
        public var pollTimeout: Int = 25
        public var limit: Int = 100

        public init(baseURL: String, token: String, pollTimeout: Int = 25) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.token = token
            self.pollTimeout = pollTimeout
        }
    }

    private let configuration: Configuration
    private let http: any HTTPClient
    /// Channel id → is a direct conversation; refreshed when an unknown channel shows up.
    private let directChannels = Mutex<[String: Bool]>([:])

    public init(configuration: Configuration, http: any HTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    public func poll(after cursor: String?) async throws -> TransportBatch {
        var query = "timeout=\(configuration.pollTimeout)&limit=\(configuration.limit)"
        if let cursor { query += "&after=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        let response = try await call(
            HTTPClientRequest(
                url: configuration.baseURL + "/updates?" + query, headers: authorization,
                timeout: .seconds(configuration.pollTimeout + 15), secrets: [configuration.token]))
        let page = try decode(UpdatesPage.self, response)
        let known = directChannels.withLock { Set($0.keys) }
        if page.updates.contains(where: { !known.contains($0.channel) }) {
            try await refreshChannels()
        }
        let kinds = directChannels.withLock { $0 }
        let messages = page.updates.map {
            ChatMessage(
                id: $0.id, channel: $0.channel, userID: $0.user.id, userName: $0.user.name, text: $0.text,
                thread: $0.thread, isDirect: kinds[$0.channel] ?? false)
        }
        return TransportBatch(messages: messages, cursor: page.cursor ?? cursor)
    }

    public func send(_ message: OutgoingChatMessage) async throws -> String {
        let payload = PostPayload(
            channel: message.channel, text: MarkdownRenderer.render(message.body), thread: message.thread,
            idempotency_key: message.idempotencyKey)
        let request = try HTTPClientRequest.json(
            url: configuration.baseURL + "/messages", body: payload, headers: authorization,
            secrets: [configuration.token])
        return try decode(Posted.self, try await call(request)).id
    }

    private func refreshChannels() async throws {
        let response = try await call(
            HTTPClientRequest(url: configuration.baseURL + "/channels", headers: authorization, secrets: [configuration.token]))
        let list = try decode(ChannelList.self, response)
        directChannels.withLock { map in
            for channel in list.channels { map[channel.id] = channel.kind == "direct" }
        }
    }

    private var authorization: [HTTPField] { [HTTPField("Authorization", "Bearer " + configuration.token)] }

    /// Sends and maps the protocol's statuses to what the caller should do.
    private func call(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw TransportError(.transient, error.description)
        }
        let what = "\(request.method) \(configuration.baseURL)\(request.url.dropFirst(configuration.baseURL.count).prefix { $0 != "?" })"
        switch response.status {
        case 200..<300:
            return response
        case 401, 403:
            throw TransportError(.unauthorized, "\(what): the token was refused (\(response.status)); check the bot's token")
        case 429:
            let wait = response.header("Retry-After").flatMap(Double.init) ?? 5
            throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited, retry after \(wait) s")
        case 500...:
            throw TransportError(.transient, "\(what): server error \(response.status)")
        default:
            throw TransportError(.rejected(status: response.status), "\(what): refused with \(response.status)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw TransportError(.transient, "the chat endpoint sent an answer that is not protocol v1 JSON: \(error)")
        }
    }
}

// MARK: - Wire format of protocol v1

private struct UpdatesPage: Decodable {
    struct Update: Decodable {
        struct User: Decodable {
            var id: String
            var name: String
        }
        var id: String
        var channel: String
        var user: User
        var text: String
        var thread: String?
    }
    var updates: [Update]
    var cursor: String?
}

private struct PostPayload: Encodable {
    var channel: String
    var text: String
    var thread: String?
    var idempotency_key: String
}

private struct Posted: Decodable {
    var id: String
}

private struct ChannelList: Decodable {
    struct Channel: Decodable {
        var id: String
        var kind: String?
    }
    var channels: [Channel]
}
