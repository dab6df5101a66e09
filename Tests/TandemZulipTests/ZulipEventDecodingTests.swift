import Foundation
import Synchronization
import TandemChat
import TandemCore
import Testing

/// What the transport makes of Zulip's event JSON, case by case: a stub client answers `/users/me` and one
/// `/events` with the case's events, and the test reads the batch and the cursor.
struct ZulipEventDecodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var events: String
        var expected: [ChatMessage]
        var testDescription: String { name }
    }

    static let botID = 100

    static func stream(_ id: Int, from sender: Int = 12, _ content: String, topic: String = "launch", channel: Int = 2) -> String {
        #"{"id":\#(id),"type":"message","flags":[],"message":{"id":\#(id + 500),"type":"stream","sender_id":\#(sender),"#
            + #""sender_full_name":"Sam Carter","sender_email":"user12@zulip.example.org","content":\#(json(content)),"#
            + #""display_recipient":"sales","stream_id":\#(channel),"subject":\#(json(topic)),"timestamp":1764000000}}"#
    }

    static func json(_ s: String) -> String { String(decoding: try! JSONEncoder().encode(s), as: UTF8.self) }

    static let cases: [Case] = [
        Case(
            name: "a channel message: the channel id, the topic as thread", events: stream(1, "@**Tandem** campaign spring"),
            expected: [ChatMessage(id: "501", channel: "2", userID: "12", userName: "Sam Carter", text: "@tandem campaign spring", thread: "launch")]),
        Case(
            name: "the bot mentioned by id, silently, in another case",
            events: [stream(1, "@**Tandem|100** a"), stream(2, "@_**tandem** b"), stream(3, "@_**Someone Else|100** c")].joined(separator: ","),
            expected: ["a", "b", "c"].enumerated().map { n, text in
                ChatMessage(id: "\(501 + n)", channel: "2", userID: "12", userName: "Sam Carter", text: "@tandem " + text, thread: "launch")
            }),
        Case(
            name: "other people's mentions become member ids or one quoted name",
            events: stream(1, "@**Tandem** handoff x to @**Sam Carter** cc @**Mia Wagner|11** and @**jonas**"),
            expected: [
                ChatMessage(
                    id: "501", channel: "2", userID: "12", userName: "Sam Carter", text: #"@tandem handoff x to "@Sam Carter" cc @11 and @jonas"#,
                    thread: "launch")
            ]),
        Case(
            name: "wildcards stay as typed", events: stream(1, "@**Tandem** campaign @**all** @_**topic** x"),
            expected: [
                ChatMessage(
                    id: "501", channel: "2", userID: "12", userName: "Sam Carter", text: "@tandem campaign @**all** @_**topic** x", thread: "launch")
            ]),
        Case(name: "the bot's own message is not returned", events: stream(1, from: 100, "hello"), expected: []),
        Case(
            name: "a direct message between one person and the bot is direct",
            events: #"{"id":4,"type":"message","flags":["read"],"message":{"id":900,"type":"private","sender_id":13,"#
                + #""sender_full_name":"Jonas Becker","content":"hilfe","subject":"","display_recipient":[{"id":13,"full_name":"Jonas Becker"},"#
                + #"{"id":100,"full_name":"Tandem"}]}}"#,
            expected: [ChatMessage(id: "900", channel: "dm:13", userID: "13", userName: "Jonas Becker", text: "hilfe", isDirect: true)]),
        Case(
            name: "a group direct message is a channel of its people, not direct",
            events: #"{"id":4,"type":"message","flags":[],"message":{"id":901,"type":"private","sender_id":13,"#
                + #""sender_full_name":"Jonas Becker","content":"!hilfe","subject":"","display_recipient":[{"id":13},{"id":100},{"id":11}]}}"#,
            expected: [ChatMessage(id: "901", channel: "dm:11,13", userID: "13", userName: "Jonas Becker", text: "!hilfe")]),
        Case(
            name: "odd events are skipped, the good one after them is not",
            events: [
                #"{"id":1,"type":"message","message":{"id":"not a number","type":"stream"}}"#, #"{"id":2,"type":"update_message","message_id":5}"#,
                #"{"id":3,"type":"heartbeat"}"#, #"{"type":"message"}"#, #"{"id":4,"type":"message","message":{"id":700,"type":"stream","sender_id":12,"content":"x","stream_id":"two"}}"#,
                stream(9, "!hilfe"),
            ].joined(separator: ","),
            expected: [ChatMessage(id: "509", channel: "2", userID: "12", userName: "Sam Carter", text: "!hilfe", thread: "launch")]),
        Case(name: "messages the queue's registration already covered are skipped", events: stream(1, "old").replacingOccurrences(of: #""id":501"#, with: #""id":400"#), expected: []),
    ]

    @Test(arguments: cases) func eventsBecomeChatMessages(_ testCase: Case) async throws {
        let stub = StubZulip(events: "[" + testCase.events + "]")
        let transport = ZulipTransport(configuration: .init(site: "https://zulip.example.org", email: "bot@example.org", apiKey: "k"), http: stub)
        let start = #"{"event":0,"floor":450,"message":450,"queue":"q1"}"#
        let batch = try await transport.poll(after: start)
        #expect(batch.messages == testCase.expected)
        let cursor = try #require(batch.cursor)
        let decoded = try JSONDecoder().decode([String: AnyJSON].self, from: Data(cursor.utf8))
        let ids = try JSONSerialization.jsonObject(with: Data(("[" + testCase.events + "]").utf8)) as? [[String: Any]] ?? []
        // Every event with an id is acknowledged, whether or not it was understood.
        #expect(decoded["event"]?.int == ids.compactMap { $0["id"] as? Int }.max())
        #expect(stub.eventsURL?.contains("queue_id=q1&last_event_id=0") == true)
    }

    @Test func aHeartbeatAdvancesTheEventIDOnly() async throws {
        let stub = StubZulip(events: #"[{"id":7,"type":"heartbeat"}]"#)
        let transport = ZulipTransport(configuration: .init(site: "https://zulip.example.org", email: "bot@example.org", apiKey: "k"), http: stub)
        let batch = try await transport.poll(after: #"{"event":5,"floor":450,"message":460,"queue":"q1"}"#)
        #expect(batch.messages.isEmpty)
        #expect(batch.cursor == #"{"event":7,"floor":450,"message":460,"queue":"q1"}"#)
    }
}

/// Any JSON value, for reading a cursor's fields.
struct AnyJSON: Decodable {
    var int: Int?
    init(from decoder: any Decoder) throws { int = try? decoder.singleValueContainer().decode(Int.self) }
}

/// Answers `/users/me` as the bot (id 100, "Tandem") and every `/events` with the same events.
final class StubZulip: HTTPClient {
    let events: String
    private let seen = Mutex<String?>(nil)
    var eventsURL: String? { seen.withLock { $0 } }

    init(events: String) { self.events = events }

    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        if request.url.hasSuffix("/users/me") {
            return HTTPClientResponse(status: 200, body: Data(#"{"result":"success","msg":"","user_id":100,"full_name":"Tandem"}"#.utf8))
        }
        seen.withLock { $0 = request.url }
        return HTTPClientResponse(status: 200, body: Data(#"{"result":"success","msg":"","events":\#(events)}"#.utf8))
    }
}
