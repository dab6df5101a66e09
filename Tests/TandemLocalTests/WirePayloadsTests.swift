import Foundation
import Testing
@testable import TandemLocal

@Suite("Wire payloads: timestamps and POST bodies")
struct WirePayloadsTests {
    @Test(arguments: zip(
        [1_796_032_800.123, 1_796_032_800, 1_796_032_800.9996, 0.5],
        ["2026-11-30T10:00:00.123Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:01.000Z", "1970-01-01T00:00:00.500Z"]
    ))
    func timestampIsUTCWithMilliseconds(seconds: Double, expected: String) {
        #expect(UpdatePayload.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func slackIncomingWebhookBodyPostsToTheDefaultChannel() throws {
        let body = Data(#"{"text": "Deploy done", "icon_emoji": ":rocket:", "blocks": []}"#.utf8)
        #expect(try MessageDraft(json: body) == MessageDraft(channel: nil, text: "Deploy done"))
    }

    @Test func fullBodyDecodes() throws {
        let body = Data(#"{"channel":"general","text":"hi","thread":"3","username":"T","idempotency_key":"k"}"#.utf8)
        let expected = MessageDraft(channel: "general", text: "hi", thread: "3", username: "T", idempotencyKey: "k")
        #expect(try MessageDraft(json: body) == expected)
    }

    @Test(arguments: zip(
        [#"{"channel": 5, "text": "x"}"#, #"{"channel": "general"}"#, #"[1, 2]"#, "not json"],
        ["channel must be a string", "text is required", "the body must be a JSON object", "malformed JSON"]
    ))
    func badBodiesSayWhatIsWrong(body: String, expectedPrefix: String) {
        #expect {
            try MessageDraft(json: Data(body.utf8))
        } throws: { error in
            (error as? RequestFailure)?.message.hasPrefix(expectedPrefix) == true
        }
    }
}
