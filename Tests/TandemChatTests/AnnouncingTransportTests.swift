import Foundation
import Synchronization
import TandemChat
import TandemCore
import TandemLoopbackTesting
import TandemTesting
import Testing

/// Announcements through real HTTP (libcurl to a loopback receiver): what each answer means for the outbox lane,
/// and which channels the decorator sends to a webhook.
@Suite(.tags(.integration))
struct AnnouncingTransportTests {
    /// The part of each URL that is the webhook's credential, which no error may show.
    static let secret = "T0/B0/s3cretXYZs3cretXYZs3cret"

    /// One received post: its path, query, content type and body.
    struct Received: Sendable {
        var path: String
        var query: String?
        var contentType: String?
        var body: Data
    }

    /// What a receiver got, shared with the test.
    final class Log: Sendable {
        let posts = Mutex<[Received]>([])
    }

    /// A receiver that answers by the last path segment (`ok`, `limited`, `broken`, `gone`) as `kind` would,
    /// recording every post.
    static func withReceiver(
        _ kind: AnnouncementWebhook.Kind, _ body: (_ url: @Sendable (String) -> String, _ received: @Sendable () -> [Received]) async throws -> Void
    ) async throws {
        let log = Log()
        try await withLoopbackHTTPServer({ request in
            log.posts.withLock {
                $0.append(Received(path: request.path, query: request.query, contentType: request.header("Content-Type"), body: Data(request.body)))
            }
            switch request.path.split(separator: "/").last {
            case "limited" where kind == .discord:
                return LoopbackHTTPResponse(
                    status: 429, headers: [("Retry-After", "2"), ("Content-Type", "application/json")],
                    body: Array(#"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#.utf8))
            case "limited": return LoopbackHTTPResponse(status: 429, headers: [("Retry-After", "7")])
            case "broken": return LoopbackHTTPResponse(status: 500, body: Array("oops \(secret)".utf8))
            case "gone": return LoopbackHTTPResponse(status: 404, body: Array("no_service".utf8))
            default:
                return switch kind {
                case .teams: LoopbackHTTPResponse(status: 202)
                case .discord: LoopbackHTTPResponse(status: 200, body: Array(#"{"id": "1"}"#.utf8))
                case .googleChat: LoopbackHTTPResponse(status: 200, body: Array(#"{"name": "spaces/S/messages/M"}"#.utf8))
                case .slack, .mattermost: LoopbackHTTPResponse(status: 200, body: Array("ok".utf8))
                }
            }
        }) { base in
            try await body({ "\(base)/hooks/\(secret)/\($0)" }, { log.posts.withLock { $0 } })
        }
    }

    static func post(_ kind: AnnouncementWebhook.Kind, to url: String, http: any HTTPClient) async throws -> String {
        try await AnnouncementWebhook(kind: kind, url: url).post(AnnouncementWebhookTests.handoff, key: "reply:7:0", http: http)
    }

    /// The error `post` throws, or nil.
    static func failure(_ kind: AnnouncementWebhook.Kind, to url: String, http: any HTTPClient) async -> TransportError? {
        do {
            _ = try await post(kind, to: url, http: http)
            return nil
        } catch {
            return error as? TransportError
        }
    }

    /// 2xx is delivered (the body as the exact-request table says); 429 waits the header's seconds, or Discord's
    /// `retry_after`; 500 is retried; 404 (a deleted webhook) is dropped, not `.unauthorized`, which would stop the
    /// bot. No error text shows the URL's secret.
    @Test(arguments: AnnouncementWebhook.Kind.allCases) func answersMapToWhatTheLaneDoes(_ kind: AnnouncementWebhook.Kind) async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await Self.withReceiver(kind) { url, received in
            #expect(try await Self.post(kind, to: url("ok"), http: http) == "reply:7:0")
            let post = try #require(received().first)
            let expected = try #require(AnnouncementWebhookTests.expectations.first { $0.kind == kind })
            #expect(post.contentType == expected.contentType)
            #expect(try canonicalJSON(post.body) == canonicalJSON(Data(expected.json.utf8)))
            let queries: [AnnouncementWebhook.Kind: String] = [.googleChat: "requestId=reply%3A7%3A0", .discord: "wait=true"]
            #expect(post.query == queries[kind])

            let limited = await Self.failure(kind, to: url("limited"), http: http)
            #expect(limited?.kind == .rateLimited(retryAfter: kind == .discord ? 1.5 : 7))
            let broken = await Self.failure(kind, to: url("broken"), http: http)
            #expect(broken?.kind == .transient)
            let gone = await Self.failure(kind, to: url("gone"), http: http)
            #expect(gone?.kind == .rejected(status: 404))
            #expect(gone?.description.contains("no_service") == true)
            for error in [limited, broken, gone] {
                #expect(error?.description.contains("s3cret") == false, "\(String(describing: error))")
            }
        }
    }

    /// A receiver that is not there is a transient failure, and its message does not show the URL's secret either.
    @Test func anUnreachableWebhookIsTransientAndRedacted() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let closed = try await withLoopbackHTTPServer({ _ in LoopbackHTTPResponse() }) { $0 }  // stopped on return
        let error = await Self.failure(.slack, to: "\(closed)/services/\(Self.secret)", http: http)
        #expect(error?.kind == .transient)
        #expect(error?.description.contains("s3cret") == false, "\(String(describing: error))")
    }

    /// The chat the bot polls and answers in; records what reached it.
    final class InnerChat: ChatTransport {
        let sent = Mutex<[OutgoingChatMessage]>([])
        func poll(after cursor: String?) async throws -> TransportBatch { TransportBatch(messages: [], cursor: "c1") }
        func send(_ message: OutgoingChatMessage) async throws -> String {
            sent.withLock { $0.append(message) }
            return "inner-1"
        }
        var repliesNameTheirMessage: Bool { true }
    }

    /// A mapped channel goes to its webhook, every other to the chat; polls and the reply order pass through.
    @Test func aMappedChannelGoesToItsWebhook() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await Self.withReceiver(.slack) { url, received in
            let inner = InnerChat()
            let transport = AnnouncingTransport(
                inner: inner, webhooks: ["slack-sales": AnnouncementWebhook(kind: .slack, url: url("ok"))], http: http)
            let batch = try await transport.poll(after: nil)
            #expect(batch.cursor == "c1")
            #expect(transport.repliesNameTheirMessage)
            let announcement = OutgoingChatMessage(channel: "slack-sales", body: "Handoff: ACME", idempotencyKey: "notice:1")
            let reply = OutgoingChatMessage(channel: "!room:example.org", body: "done", idempotencyKey: "reply:2:0")
            let announced = try await transport.send(announcement)
            let replied = try await transport.send(reply)
            #expect(announced == "notice:1")
            #expect(replied == "inner-1")
            #expect(inner.sent.withLock { $0 } == [reply])
            #expect(received().map { String(decoding: $0.body, as: UTF8.self) } == [#"{"text":"Handoff: ACME"}"#])
        }
    }

    /// An over-long announcement reaches the receiver as parts in order, each with its own `requestId` key.
    @Test func anOverLongAnnouncementGoesAsKeyedParts() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await Self.withReceiver(.googleChat) { url, received in
            let transport = AnnouncingTransport(
                inner: InnerChat(), webhooks: ["sales": AnnouncementWebhook(kind: .googleChat, url: url("ok") + "?key=k")], http: http)
            let lines = (0..<40).map { n in "line \(n) " + String(repeating: "x", count: 990) }
            let body = RichText(lines.map { Block.paragraph([.text($0)]) })
            _ = try await transport.send(OutgoingChatMessage(channel: "sales", body: body, idempotencyKey: "notice:9"))
            let posts = received()
            #expect(posts.map(\.query) == ["key=k&requestId=notice%3A9", "key=k&requestId=notice%3A9.1"])
            let texts = try posts.map { try #require(JSONSerialization.jsonObject(with: $0.body) as? [String: String])["text"] ?? "" }
            #expect(texts.joined(separator: "\n") == lines.joined(separator: "\n"))
        }
    }
}
