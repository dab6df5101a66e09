import Foundation
@testable import TandemChat
import Testing

/// The cursor's arithmetic: which posts are new after a position, and where the position goes next.
struct MattermostCursorTests {
    static func post(_ id: String, at: Int64, updated: Int64? = nil) throws -> MattermostPost {
        let json = #"{"id":"\#(id)","channel_id":"c","user_id":"u","create_at":\#(at),"update_at":\#(updated ?? at),"message":"m"}"#
        return try JSONDecoder().decode(MattermostPost.self, from: Data(json.utf8))
    }

    struct NewCase: Sendable, CustomTestStringConvertible {
        let id: String
        let at: Int64
        let isNew: Bool
        var testDescription: String { "\(id)@\(at) new: \(isNew)" }
    }

    /// Position: at 100, with `a` handled.
    @Test(arguments: [
        NewCase(id: "b", at: 101, isNew: true),
        NewCase(id: "b", at: 100, isNew: true),
        NewCase(id: "a", at: 100, isNew: false),
        NewCase(id: "z", at: 99, isNew: false),
    ])
    func aPostIsNewWhenCreatedAfterThePositionOrInItsMillisecondUnhandled(_ c: NewCase) throws {
        let position = MattermostCursor.Position(at: 100, ids: ["a"])
        #expect(position.isNew(try Self.post(c.id, at: c.at)) == c.isNew)
    }

    @Test func thePositionMovesToTheNewestMillisecondAndKeepsItsIDs() throws {
        let position = MattermostCursor.Position(at: 100, ids: ["a"])
        #expect(position.advanced(past: [try Self.post("b", at: 100)]) == .init(at: 100, ids: ["a", "b"]))
        #expect(position.advanced(past: [try Self.post("b", at: 100), try Self.post("c", at: 105), try Self.post("d", at: 105)]) == .init(at: 105, ids: ["c", "d"]))
        #expect(position.advanced(past: []) == position)
        #expect(position.since == 99, "since is strict: one less than the position")
        #expect(MattermostCursor.Position(at: 0).since == 1, "since 0 would mean no since")
    }

    @Test func aStartingCursorIsAfterEachChannelsNewestPost() throws {
        let channels = try JSONDecoder().decode(
            [MattermostChannel].self,
            from: Data(#"[{"id":"a","type":"O","last_post_at":100},{"id":"b","type":"D","last_post_at":300}]"#.utf8))
        let cursor = MattermostCursor.startingAt(channels)
        #expect(cursor.since == 300)
        #expect(cursor.channels == ["a": .init(at: 101), "b": .init(at: 301)])
        #expect(cursor.channels["a"]?.isNew(try Self.post("p", at: 100)) == false, "the newest post is history")
        #expect(cursor.channels["a"]?.isNew(try Self.post("p", at: 101)) == true)
    }

    @Test func aCursorRoundTripsAsTheSameStringAndAnotherTransportsCursorIsNone() throws {
        let cursor = MattermostCursor(since: 1_700_000_000_000, channels: ["x": .init(at: 5, ids: ["b", "a"]), "y": .init(at: 7)])
        let text = cursor.text
        #expect(MattermostCursor(text) == cursor)
        #expect(MattermostCursor(text)?.text == text)
        #expect(MattermostCursor("s72_1234_5") == nil)
        #expect(MattermostCursor("42") == nil)
        #expect(cursor.position(of: "new", type: "O") == .init(at: 1_700_000_000_000), "a channel the bot was added to")
        #expect(cursor.position(of: "new", type: "D") == .init(at: 0), "a new direct channel, from its start")
        #expect(cursor.position(of: "x", type: "O") == .init(at: 5, ids: ["b", "a"]))
    }
}
