import Foundation
import Synchronization
import TandemChat
import TandemLoopbackTesting
import TandemSlackTesting
import Testing

/// The sender against a tiny loopback server that keeps what it receives: the requests must be Slack's, byte for
/// byte verifiable, before the relay is tested with them.
@Suite("Slack event sender", .tags(.integration), .timeLimit(.minutes(3)))
struct SlackEventSenderTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    let clock = HandClock()

    /// The requests a loopback server received, in order.
    final class Received: Sendable {
        private let requests = Mutex<[LoopbackHTTPRequest]>([])
        func append(_ request: LoopbackHTTPRequest) { requests.withLock { $0.append(request) } }
        var all: [LoopbackHTTPRequest] { requests.withLock { $0 } }
    }

    /// Runs a server that records each request and answers it with `answer` (by default 200, empty).
    func withRecordingServer(
        answer: @escaping @Sendable (LoopbackHTTPRequest) -> LoopbackHTTPResponse = { _ in LoopbackHTTPResponse() },
        _ body: (SlackEventSender, Received) async throws -> Void
    ) async throws {
        let received = Received()
        try await withLoopbackHTTPServer({ request in
            received.append(request)
            return answer(request)
        }) { baseURL in
            let sender = SlackEventSender(
                relayURL: baseURL, configuration: .init(signingSecret: Self.secret), now: clock.now)
            try await body(sender, received)
        }
    }

    /// Whether the request's signature header is right for its raw body and timestamp header.
    static func verifies(_ request: LoopbackHTTPRequest, secret: String = secret) -> Bool {
        guard let timestamp = request.header("x-slack-request-timestamp"),
            let signature = request.header("x-slack-signature")
        else { return false }
        return SlackSigning.signature(secret: secret, timestamp: timestamp, body: request.body) == signature
    }

    static func json(_ request: LoopbackHTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    // MARK: - Signed events

    @Test func appMentionIsASignedEventCallbackEnvelope() async throws {
        try await withRecordingServer { sender, received in
            let delivery = try await sender.appMention(
                user: "U0ALICE", channel: "C0GENERAL", text: "<@U0TANDEM> ping", ts: "1700000000.000100",
                threadTS: "1699999999.000001")
            #expect(delivery.status == 200)  // the relay's own 3 s acknowledgement is held by the relay's tests
            let request = try #require(received.all.first)
            #expect(received.all.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/slack/events")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("X-Slack-Request-Timestamp") == "1700000000")
            #expect(request.header("X-Slack-Signature")?.hasPrefix("v0=") == true)
            #expect(Self.verifies(request))
            #expect(request.body == delivery.body)

            let envelope = try Self.json(request)
            #expect(envelope["type"] as? String == "event_callback")
            #expect(envelope["team_id"] as? String == "T0FAKE")
            #expect(envelope["api_app_id"] as? String == "A0TANDEM")
            #expect(envelope["event_time"] as? Int == 1_700_000_000)
            let eventID = try #require(envelope["event_id"] as? String)
            #expect(eventID.hasPrefix("Ev") && eventID == delivery.eventID)
            let authorization = try #require((envelope["authorizations"] as? [[String: Any]])?.first)
            #expect(authorization["user_id"] as? String == "U0TANDEM")
            #expect(authorization["is_bot"] as? Bool == true)
            let event = try #require(envelope["event"] as? [String: Any])
            #expect(event["type"] as? String == "app_mention")
            #expect(event["user"] as? String == "U0ALICE")
            #expect(event["channel"] as? String == "C0GENERAL")
            #expect(event["text"] as? String == "<@U0TANDEM> ping")
            #expect(event["ts"] as? String == "1700000000.000100")
            #expect(event["event_ts"] as? String == "1700000000.000100")
            #expect(event["thread_ts"] as? String == "1699999999.000001")
        }
    }

    @Test func eachEventHasItsOwnEventIDAndTheDocumentedShape() async throws {
        try await withRecordingServer { sender, received in
            let deliveries = [
                try await sender.directMessage(user: "U0ALICE", channel: "D0TANDEM", text: "hello"),
                try await sender.channelMessage(user: "U0ALICE", channel: "C0GENERAL", text: "chatter"),
                try await sender.botEcho(botID: "B0TANDEM", channel: "C0GENERAL", text: "pong", ts: "1.000001"),
                try await sender.messageChanged(
                    user: "U0ALICE", channel: "C0GENERAL", text: "new", previousText: "old", ts: "1.000002"),
                try await sender.event(json: #"{"type":"message","subtype":"bot_message","text":"classic","ts":"1.3"}"#),
            ]
            #expect(Set(deliveries.compactMap(\.eventID)).count == 5)
            let events = try received.all.map { try #require(try Self.json($0)["event"] as? [String: Any]) }
            #expect(received.all.allSatisfy { Self.verifies($0) })
            #expect(events.map { $0["channel_type"] as? String } == ["im", "channel", "channel", "channel", nil])
            #expect(events[0]["subtype"] == nil && events[0]["bot_id"] == nil)
            #expect(events[2]["bot_id"] as? String == "B0TANDEM")
            #expect(events[2]["user"] as? String == "U0TANDEM")
            #expect(events[3]["subtype"] as? String == "message_changed")
            #expect(events[3]["hidden"] as? Bool == true)
            #expect((events[3]["message"] as? [String: Any])?["text"] as? String == "new")
            #expect(events[4]["subtype"] as? String == "bot_message")
            // Generated ts values are unique too.
            #expect(events[0]["ts"] as? String != events[1]["ts"] as? String)
        }
    }

    // MARK: - Broken requests

    @Test func mutatedBodyDiffersInOneByteAndNoLongerVerifies() async throws {
        try await withRecordingServer { sender, received in
            let delivery = try await sender.appMention(user: "U0ALICE", channel: "C0GENERAL", text: "hi", mode: .mutated)
            let request = try #require(received.all.first)
            #expect(!Self.verifies(request))
            let signed = try await sender.resend(delivery)  // the unmutated body, properly signed: it verifies
            let original = try #require(received.all.last)
            #expect(Self.verifies(original))
            #expect(request.body.count == original.body.count)
            #expect(zip(request.body, original.body).filter { $0 != $1 }.count == 1)
            #expect(try Self.json(request)["event_id"] as? String == signed.eventID)  // still valid JSON
        }
    }

    @Test func staleRequestIsSignedForATimestampPastTheWindow() async throws {
        try await withRecordingServer { sender, received in
            _ = try await sender.urlVerification(challenge: "abc", mode: .stale)
            let request = try #require(received.all.first)
            #expect(request.header("X-Slack-Request-Timestamp") == String(1_700_000_000 - 301))
            #expect(Self.verifies(request))  // a valid signature: only the replay check may refuse it
        }
    }

    @Test func unsignedRequestHasNoSignatureHeaders() async throws {
        try await withRecordingServer { sender, received in
            _ = try await sender.directMessage(user: "U0ALICE", channel: "D0TANDEM", text: "hi", mode: .unsigned)
            let request = try #require(received.all.first)
            #expect(request.header("X-Slack-Request-Timestamp") == nil)
            #expect(request.header("X-Slack-Signature") == nil)
        }
    }

    @Test func wrongSecretSignatureFailsWithTheRealSecret() async throws {
        try await withRecordingServer { sender, received in
            _ = try await sender.directMessage(user: "U0ALICE", channel: "D0TANDEM", text: "hi", mode: .wrongSecret)
            let request = try #require(received.all.first)
            #expect(request.header("X-Slack-Signature") != nil)
            #expect(!Self.verifies(request))
        }
    }

    // MARK: - Retries

    @Test func resendRepeatsBodyAndEventIDFreshlySignedWithRetryHeaders() async throws {
        try await withRecordingServer { sender, received in
            let first = try await sender.appMention(user: "U0ALICE", channel: "C0GENERAL", text: "<@U0TANDEM> hi")
            clock.advance(by: 60)
            let retry = try await sender.resend(first, retryNum: 2, reason: "http_error")
            #expect(retry.eventID == first.eventID)
            let (original, repeated) = (received.all[0], received.all[1])
            #expect(repeated.body == original.body)
            #expect(repeated.path == original.path)
            #expect(original.header("x-slack-retry-num") == nil)
            #expect(repeated.header("X-Slack-Retry-Num") == "2")
            #expect(repeated.header("X-Slack-Retry-Reason") == "http_error")
            #expect(repeated.header("X-Slack-Request-Timestamp") == "1700000060")
            #expect(Self.verifies(repeated))
        }
    }

    // MARK: - Slash commands and URL verification

    @Test func slashCommandIsASignedFormToTheCommandsPath() async throws {
        try await withRecordingServer { sender, received in
            _ = try await sender.slashCommand(
                text: "remind me at 9:00", user: "U0ALICE", channel: "C0GENERAL",
                responseURL: "http://127.0.0.1:1/commands/1", triggerID: "13345224609.738474920.8088930838d88f008e0")
            let request = try #require(received.all.first)
            #expect(request.path == "/slack/commands")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(Self.verifies(request))
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.hasPrefix("token="))
            #expect(body.contains("&command=%2Ftandem&text=remind+me+at+9%3A00&"))
            #expect(body.contains("&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fcommands%2F1&"))
            #expect(body.hasSuffix("&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A0TANDEM"))
        }
    }

    @Test func urlVerificationAcceptsOnlyAnEchoOfTheChallenge() async throws {
        let plain: @Sendable (LoopbackHTTPRequest) -> LoopbackHTTPResponse = { request in
            let challenge = (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["challenge"]
            return LoopbackHTTPResponse(body: Array((challenge as? String ?? "").utf8))
        }
        try await withRecordingServer(answer: plain) { sender, received in
            let delivery = try await sender.urlVerification(challenge: "3eZbrw1aBm2r")
            #expect(try Self.json(try #require(received.all.first))["type"] as? String == "url_verification")
            #expect(delivery.echoes(challenge: "3eZbrw1aBm2r"))
            #expect(!delivery.echoes(challenge: "something else"))
        }
        let json: @Sendable (LoopbackHTTPRequest) -> LoopbackHTTPResponse = { _ in
            LoopbackHTTPResponse(headers: [("Content-Type", "application/json")], body: Array(#"{"challenge":"c1"}"#.utf8))
        }
        try await withRecordingServer(answer: json) { sender, _ throws in
            #expect(try await sender.urlVerification(challenge: "c1").echoes(challenge: "c1"))
        }
        let form: @Sendable (LoopbackHTTPRequest) -> LoopbackHTTPResponse = { _ in
            LoopbackHTTPResponse(
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("challenge=c%2F2".utf8))
        }
        try await withRecordingServer(answer: form) { sender, _ throws in
            #expect(try await sender.urlVerification(challenge: "c/2").echoes(challenge: "c/2"))
        }
    }
}
