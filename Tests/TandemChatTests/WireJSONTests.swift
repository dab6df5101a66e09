import Foundation
import TandemProtocol
import Testing

@testable import TandemChat

/// The hand-written payloads of a reply read back by Foundation as what `JSONEncoder`/`JSONDecoder` make of them.
struct WireJSONTests {
    static let texts = [
        "", "plain", #"quote " and backslash \ and slash /"#, "line\nbreak\r\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
        "Grüße aus Köln 🤝 — naïve café", "e\u{301}", "**bold** `code` [x](https://example.com/a?b=c)", "\u{2028}\u{2029}",
    ]

    @Test(arguments: texts)
    func aNewMessageReadsBackAsItself(text: String) throws {
        let message = NewMessage(channel: "c-\(text)", text: text, thread: text.isEmpty ? nil : "t", idempotencyKey: "reply:\(text):0")
        let data = WireJSON.encode(message)
        #expect(try JSONDecoder().decode(NewMessage.self, from: data) == message)
        #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?.count == (message.thread == nil ? 3 : 4), "nil fields left out")
    }

    @Test func anEmptyNewMessageIsAnEmptyObject() {
        #expect(String(decoding: WireJSON.encode(NewMessage(text: nil)), as: UTF8.self) == "{}")
    }

    @Test func thePostedIDOfTheEndpointsAnswer() throws {
        let body = try JSONEncoder().encode(PostedMessage(id: "1234"))
        #expect(WireJSON.postedID(in: body) == "1234")
        #expect(WireJSON.postedID(in: Data(#"{"id":"m-ü"}"#.utf8)) == "m-ü")
    }

    @Test(arguments: [
        #"{"id":"a\"b"}"#, #"{"id":"a\u0041"}"#, #"{ "id": "1" }"#, #"{"id":"1","x":2}"#, #"{"id":1}"#, #"{"id":""}"#,
        #"{"x":"1"}"#, "", #"{"id":"1"} "#,
    ])
    func anythingElseIsLeftToTheFullDecoder(body: String) {
        #expect(WireJSON.postedID(in: Data(body.utf8)) == nil)
    }
}
