import Foundation
@testable import TandemChat
import Testing

/// Lenient decoding: one odd post or channel is skipped, never a reason to fail the poll.
struct MattermostPayloadTests {
    struct OddCase: Sendable, CustomTestStringConvertible {
        let label: String
        let post: String
        let decodes: Bool
        var testDescription: String { label }
    }

    static let good = #""good":{"id":"good","channel_id":"c","user_id":"u","create_at":5,"message":"hi"}"#

    @Test(arguments: [
        OddCase(label: "a plain post", post: #"{"id":"p","channel_id":"c","user_id":"u","create_at":7,"message":"x"}"#, decodes: true),
        OddCase(label: "a number for a message", post: #"{"id":"p","channel_id":"c","user_id":"u","create_at":7,"message":42}"#, decodes: true),
        OddCase(label: "props of any shape", post: #"{"id":"p","channel_id":"c","user_id":"u","create_at":7,"props":{"from_bot":true,"x":[1,{}]}}"#, decodes: true),
        OddCase(label: "props not an object", post: #"{"id":"p","channel_id":"c","user_id":"u","create_at":7,"props":"?"}"#, decodes: true),
        OddCase(label: "no create_at", post: #"{"id":"p","channel_id":"c","user_id":"u","message":"x"}"#, decodes: false),
        OddCase(label: "no id", post: #"{"channel_id":"c","user_id":"u","create_at":7}"#, decodes: false),
        OddCase(label: "not an object", post: #"[1,2]"#, decodes: false),
    ])
    func anOddPostIsSkippedAndTheRestOfTheListStays(_ odd: OddCase) throws {
        let json = #"{"order":["p","good",17],"posts":{"p":\#(odd.post),\#(Self.good)},"next_post_id":""}"#
        let list = try JSONDecoder().decode(MattermostPostList.self, from: Data(json.utf8))
        #expect(list.ordered.map(\.id) == (odd.decodes ? ["p", "good"] : ["good"]))
    }

    @Test(arguments: [
        (#"{"from_bot":"true"}"#, true, false),
        (#"{"from_bot":true}"#, true, false),
        (#"{"from_webhook":"true","override_username":"ci"}"#, false, true),
        (#"{"from_bot":"false"}"#, false, false),
    ])
    func botAndWebhookFlagsAreReadInEitherSpelling(_ props: String, _ fromBot: Bool, _ fromWebhook: Bool) throws {
        let json = #"{"id":"p","channel_id":"c","user_id":"u","create_at":7,"message":"x","props":\#(props)}"#
        let post = try JSONDecoder().decode(MattermostPost.self, from: Data(json.utf8))
        #expect(post.fromBot == fromBot)
        #expect(post.fromWebhook == fromWebhook)
        #expect(post.isCommandCandidate(ownUserID: "me") == !(fromBot || fromWebhook))
    }

    @Test func anOddChannelIsSkipped() throws {
        let json = #"[{"id":"a","type":"O","last_post_at":1},{"type":"O"},{"id":"d","type":"D","last_post_at":"soon"}]"#
        let channels = try JSONDecoder().decode([Lenient<MattermostChannel>].self, from: Data(json.utf8)).decoded()
        #expect(channels.map(\.id) == ["a", "d"])
        #expect(channels.last?.lastPostAt == 0)
    }
}
