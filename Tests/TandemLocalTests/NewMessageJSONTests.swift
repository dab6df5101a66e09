import Foundation
import TandemProtocol
import Testing
@testable import TandemLocal

@Suite("POST /messages bodies")
struct NewMessageJSONTests {
    @Test func slackIncomingWebhookBodyPostsToTheDefaultChannel() throws {
        let body = Data(#"{"text": "Deploy done", "icon_emoji": ":rocket:", "blocks": []}"#.utf8)
        #expect(try NewMessage(json: body) == NewMessage(channel: nil, text: "Deploy done"))
    }

    @Test func fullBodyDecodes() throws {
        let body = Data(#"{"channel":"general","text":"hi","thread":"3","username":"T","idempotency_key":"k"}"#.utf8)
        let expected = NewMessage(channel: "general", text: "hi", thread: "3", username: "T", idempotencyKey: "k")
        #expect(try NewMessage(json: body) == expected)
    }

    @Test(arguments: zip(
        [#"{"channel": 5, "text": "x"}"#, #"{"thread": ["1"], "text": "x"}"#, #"[1, 2]"#, "not json"],
        ["channel must be a string", "thread must be a string", "the body must be a JSON object", "malformed JSON"]
    ))
    func badBodiesSayWhatIsWrong(body: String, expectedPrefix: String) {
        #expect {
            try NewMessage(json: Data(body.utf8))
        } throws: { error in
            (error as? RequestFailure)?.message.hasPrefix(expectedPrefix) == true
        }
    }
}
