import Foundation
import TandemProtocol
import Testing

/// What each payload insists on when it reads a body: nothing that the client or the server accepted before the
/// types were shared is refused now, and what neither side can do without is required.
@Suite("Payloads: required and optional fields, wire names")
struct PayloadCodingTests {
    struct Body: Sendable, CustomTestStringConvertible {
        let json: String
        let typeName: String
        let decode: @Sendable (Data) throws -> Void

        init<Payload: Decodable & Sendable>(_ type: Payload.Type, _ json: String) {
            self.json = json
            self.typeName = String(describing: type)
            decode = { _ = try JSONDecoder().decode(Payload.self, from: $0) }
        }

        var testDescription: String { "\(typeName) \(json)" }
    }

    static let user = #"{"id": "alice", "name": "Alice"}"#

    @Test(arguments: [
        Body(UpdatesPage.self, #"{"updates": []}"#),
        Body(Update.self, #"{"id": "1", "channel": "general", "user": \#(user), "text": "hi"}"#),
        Body(Channel.self, #"{"id": "general"}"#),
        Body(NewMessage.self, #"{}"#),
        Body(NewMessage.self, #"{"text": "Deploy done", "icon_emoji": ":rocket:", "blocks": []}"#),
        Body(NewMessage.self, #"{"text": null}"#),
    ])
    func decodesWithoutItsOptionalFields(_ body: Body) throws {
        try body.decode(Data(body.json.utf8))
    }

    @Test(arguments: [
        Body(UpdatesPage.self, #"{"cursor": "1"}"#),
        Body(Update.self, #"{"id": "1", "channel": "general", "user": \#(user)}"#),
        Body(Update.self, #"{"id": "1", "channel": "general", "user": {"id": "alice"}, "text": "hi"}"#),
        Body(Channel.self, #"{"name": "general", "kind": "channel"}"#),
        Body(ChannelList.self, #"{}"#),
        Body(PostedMessage.self, #"{}"#),
        Body(ErrorBody.self, #"{"message": "no"}"#),
        Body(NewMessage.self, #"{"channel": 5, "text": "hi"}"#),
    ])
    func refusesABodyWithoutARequiredField(_ body: Body) {
        #expect(throws: DecodingError.self) { try body.decode(Data(body.json.utf8)) }
    }

    @Test func wireNamesAreTheProtocolsAndAbsentOptionalsAreLeftOut() throws {
        let post = NewMessage(channel: "general", text: "hi", idempotencyKey: "reply:7:0")
        #expect(try keys(post) == ["channel", "text", "idempotency_key"])
        let update = Update(
            id: "7", channel: "general", user: User(id: "sam", name: "Sam"), text: "hi",
            timestamp: "2026-11-30T10:00:00.123Z")
        #expect(try keys(update) == ["id", "channel", "user", "text", "ts"])
        #expect(try keys(Channel(id: "general", name: "general", kind: .channel)) == ["id", "name", "kind"])
    }

    /// A bridge's new channel kind is read and passed on, not refused.
    @Test func channelKindIsAnOpenSet() throws {
        let channel = try JSONDecoder().decode(Channel.self, from: Data(#"{"id": "v", "kind": "voice"}"#.utf8))
        #expect(channel.kind == Channel.Kind(rawValue: "voice"))
        #expect(channel.kind != .direct)
        let decoded = try JSONDecoder().decode(Channel.self, from: Data(#"{"id": "d", "kind": "direct"}"#.utf8))
        #expect(decoded.kind == .direct)
        #expect(String(decoding: try JSONEncoder().encode(Channel.Kind.direct), as: UTF8.self) == #""direct""#)
    }

    private func keys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value))
        return Set(try #require(object as? [String: Any]).keys)
    }
}
