import Foundation
import Synchronization
import Testing
import TandemChat
import TandemCore

/// Canned responses by path, recording what was asked: for the protocol's status mapping, which a live
/// endpoint cannot be made to produce on demand. The happy path runs over libcurl in the end-to-end tests.
final class StubHTTPClient: HTTPClient {
    private let responses: @Sendable (HTTPClientRequest) -> HTTPClientResponse
    private let requests = Mutex<[HTTPClientRequest]>([])
    var sent: [HTTPClientRequest] { requests.withLock { $0 } }

    init(_ responses: @escaping @Sendable (HTTPClientRequest) -> HTTPClientResponse) { self.responses = responses }

    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        requests.withLock { $0.append(request) }
        return responses(request)
    }
}

struct WebhookTransportTests {
    static func response(_ status: Int, _ body: String = "{}", headers: [HTTPField] = []) -> HTTPClientResponse {
        HTTPClientResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    static let updates = #"""
        {"updates": [{"id": "7", "channel": "dm-sam-tandem", "user": {"id": "sam", "name": "Sam"}, "text": "help", "ts": "2026-11-30T10:00:00.000Z"}], "cursor": "7"}
        """#
    static let channels = #"{"channels": [{"id": "dm-sam-tandem", "kind": "direct", "name": "Tandem"}]}"#

    @Test func pollsMapUpdatesAndMarkDirectMessages() async throws {
        let http = StubHTTPClient { request in
            request.url.contains("/channels") ? Self.response(200, Self.channels) : Self.response(200, Self.updates)
        }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://127.0.0.1:1/", token: "t0ken"), http: http)
        let batch = try await transport.poll(after: "3")
        #expect(batch.cursor == "7")
        #expect(batch.messages == [ChatMessage(id: "7", channel: "dm-sam-tandem", userID: "sam", userName: "Sam", text: "help", isDirect: true)])
        let poll = try #require(http.sent.first)
        #expect(poll.url == "http://127.0.0.1:1/updates?timeout=25&limit=100&after=3")
        #expect(poll.headers.contains(HTTPField("Authorization", "Bearer t0ken")))
        #expect(poll.secrets == ["t0ken"])
    }

    @Test func sendPostsMarkdownWithTheIdempotencyKey() async throws {
        let http = StubHTTPClient { _ in Self.response(200, #"{"id": "9"}"#) }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://x", token: "t"), http: http)
        let id = try await transport.send(
            OutgoingChatMessage(channel: "sales", body: RichText([.paragraph([.bold([.text("Hi")])])]), idempotencyKey: "reply:7:0"))
        #expect(id == "9")
        // The channel was unknown: the transport asked for its format first (an endpoint that cannot say is Markdown).
        #expect(http.sent.map(\.method) == ["GET", "POST"])
        let body = try JSONSerialization.jsonObject(with: try #require(http.sent.last?.body)) as? [String: String]
        #expect(body == ["channel": "sales", "text": "**Hi**", "idempotency_key": "reply:7:0"])
    }

    /// A channel the endpoint marks `slack` gets Slack's mrkdwn, and a reply too long for one Slack message goes as
    /// parts with their own keys.
    @Test func aSlackChannelGetsMrkdwnInParts() async throws {
        let http = StubHTTPClient { request in
            request.url.hasSuffix("/channels")
                ? Self.response(200, #"{"channels": [{"id": "C1", "kind": "channel", "format": "slack"}]}"#)
                : Self.response(200, #"{"id": "9"}"#)
        }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://x", token: "t"), http: http)
        let long = (0..<900).map { "line \($0) <b> & @channel" }.joined(separator: "\n")
        _ = try await transport.send(
            OutgoingChatMessage(
                channel: "C1", body: RichText([.paragraph([.bold([.text("Hi")]), .text(" "), .mention(id: "U0SAM", name: "Sam")]), .paragraph([.text(long)])]),
                idempotencyKey: "reply:7:0"))
        let posts = http.sent.filter { $0.method == "POST" }.compactMap { $0.body }.compactMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: String]
        }
        #expect(posts.count > 1)
        #expect(posts.map { $0["idempotency_key"] } == (0..<posts.count).map { $0 == 0 ? "reply:7:0" : "reply:7:0.\($0)" })
        #expect(posts.first?["text"]?.hasPrefix("*Hi* <@U0SAM>") == true)
        #expect(posts.allSatisfy { ($0["text"]?.count ?? .max) <= SlackRenderer.defaultPartLimit })
        #expect(!posts.contains { $0["text"]?.contains("<b>") == true || $0["text"]?.contains("@channel") == true })
    }

    @Test(arguments: [
        (401, [HTTPField](), TransportError.Kind.unauthorized),
        (429, [HTTPField("Retry-After", "7")], .rateLimited(retryAfter: 7)),
        (503, [], .transient),
        (413, [], .rejected(status: 413)),
    ])
    func statusesTellTheBotWhatToDo(status: Int, headers: [HTTPField], kind: TransportError.Kind) async {
        let http = StubHTTPClient { _ in Self.response(status, #"{"error": "no"}"#, headers: headers) }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://x", token: "secret-token"), http: http)
        do {
            _ = try await transport.poll(after: nil)
            Issue.record("no error for \(status)")
        } catch let error as TransportError {
            #expect(error.kind == kind)
            #expect(!error.description.contains("secret-token"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// The server's `{"error": …}` sentence says what to fix; a bridge that echoes the token does not get it logged.
    @Test func aRefusalSaysWhyWithoutTheToken() async {
        let http = StubHTTPClient { _ in Self.response(400, #"{"error": "channel nope is unknown to secret-token"}"#) }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://x", token: "secret-token"), http: http)
        let error = await #expect(throws: TransportError.self) {
            _ = try await transport.send(OutgoingChatMessage(channel: "nope", body: "hi", idempotencyKey: "k"))
        }
        #expect(error?.kind == .rejected(status: 400))
        #expect(error?.description == "POST http://x/messages: refused with 400: channel nope is unknown to ***")
    }

    @Test func anAnswerThatIsNotProtocolJSONIsTransient() async {
        let http = StubHTTPClient { _ in Self.response(200, "<html>proxy error</html>") }
        let transport = WebhookTransport(configuration: .init(baseURL: "http://x", token: "t"), http: http)
        let error = await #expect(throws: TransportError.self) { _ = try await transport.poll(after: "1") }
        #expect(error?.kind == .transient)
        #expect(error?.description.contains("not protocol v1 JSON") == true)
    }
}
