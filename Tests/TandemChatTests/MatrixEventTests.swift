import Foundation
import TandemCore
import Testing

@testable import TandemChat

/// How the Matrix transport reads what people send: pure functions of the event JSON.
struct MatrixEventTests {
    static let bot = "@tandem:example.org"

    static func event(_ json: String) throws -> MatrixEvent {
        try JSONDecoder().decode(MatrixEvent.self, from: Data(json.utf8))
    }

    static func message(_ content: String, sender: String = "@sam:example.org") -> String {
        #"{"type":"m.room.message","event_id":"$e1","sender":"\#(sender)","content":\#(content)}"#
    }

    @Test(arguments: [
        (message(#"{"msgtype":"m.text","body":"@tandem campaign spring"}"#), "@tandem campaign spring"),
        // What a client without pills sends: the full user id becomes the address Addressing knows.
        (message(#"{"msgtype":"m.text","body":"@tandem:example.org: campaign spring"}"#), "@tandem: campaign spring"),
        // A reply quotes what it answers; the quote is not the command.
        (message(#"{"msgtype":"m.text","body":"> <@mia:example.org> campaign?\n> more\n\n!campaign spring","m.relates_to":{"m.in_reply_to":{"event_id":"$e0"}}}"#), "!campaign spring"),
        // A body that only looks like a quote, without being a reply, is kept as it is.
        (message(#"{"msgtype":"m.text","body":"> quoted\n!help"}"#), "> quoted\n!help"),
    ])
    func theCommandTextIsWhatThePersonTyped(json: String, text: String) throws {
        let message = try Self.event(json).chatMessage(room: "!r", ownUserID: Self.bot, isDirect: false)
        #expect(message?.text == text)
        #expect(message?.userName == "sam")
        #expect(message?.thread == nil)
    }

    @Test(arguments: [
        ("a notice (what bots send)", message(#"{"msgtype":"m.notice","body":"!help"}"#)),
        ("an edit of a message already handled", message(#"{"msgtype":"m.text","body":"* !help","m.relates_to":{"rel_type":"m.replace","event_id":"$e0"}}"#)),
        ("the bot's own message", message(#"{"msgtype":"m.text","body":"!help"}"#, sender: bot)),
        ("an image", message(#"{"msgtype":"m.image","body":"photo.png"}"#)),
        ("a body that is not a string", message(#"{"msgtype":"m.text","body":42}"#)),
        ("a membership event", #"{"type":"m.room.member","event_id":"$e1","sender":"@sam:example.org","state_key":"@sam:example.org","content":{"membership":"join"}}"#),
    ])
    func whatIsNotACommand(_ what: String, json: String) throws {
        #expect(try Self.event(json).chatMessage(room: "!r", ownUserID: Self.bot, isDirect: false) == nil, "\(what)")
    }

    @Test func aMessageInAThreadIsAnsweredInThatThread() throws {
        let json = Self.message(#"{"msgtype":"m.text","body":"!help","m.relates_to":{"rel_type":"m.thread","event_id":"$root","is_falling_back":true,"m.in_reply_to":{"event_id":"$root"}}}"#)
        let message = try #require(try Self.event(json).chatMessage(room: "!r", ownUserID: Self.bot, isDirect: true))
        #expect(message.thread == "$root")
        #expect(message.text == "!help")
        #expect(message.isDirect)
    }

    /// One odd event from somebody's client must not make the whole `/sync` undecodable: that would stop the bot.
    @Test func aSyncWithAMalformedEventKeepsTheOthers() throws {
        let json = #"""
            {"next_batch":"s2","rooms":{"join":{"!r":{"timeline":{"limited":true,"prev_batch":"t1","events":[
              {"type":"m.room.message","sender":7,"content":{}},
              {"type":"m.room.message","event_id":"$ok","sender":"@sam:example.org","content":{"msgtype":"m.text","body":"!help","m.relates_to":"nonsense"}}
            ]}}}}}
            """#
        let sync = try JSONDecoder().decode(MatrixSyncResponse.self, from: Data(json.utf8))
        let timeline = try #require(sync.rooms?.join?["!r"]?.timeline)
        let events: [MatrixEvent] = timeline.events?.decoded() ?? []
        #expect(events.map(\.eventID) == ["$ok"])
        #expect(events.first?.content.body == "!help")
        #expect(timeline.limited == true && timeline.prevBatch == "t1")
        #expect(sync.nextBatch == "s2")
    }

    @Test(arguments: [
        ("@mia:example.org", "!any", true),
        ("@eve:evil.example", "!any", false),
        ("@eve:evil.example", "!allowed", true),
        ("@lee:partner.example", "!any", true),
        (nil, "!any", false),
        (nil, "!allowed", true),
    ] as [(String?, String, Bool)])
    func invitationsAreAcceptedFromListedUsersRoomsAndServersOnly(inviter: String?, room: String, accepted: Bool) {
        let policy = MatrixInvitePolicy(entries: ["@mia:example.org", "!allowed", "partner.example"])
        #expect(policy.allows(inviter: inviter, room: room) == accepted)
    }

    @Test(arguments: [
        ("@sam:example.org", true), ("@sam:example.org:8448", true), ("sam", false), ("@sam", false), ("@:example.org", false),
        ("@sam:", false), ("@s am:example.org", false),
    ])
    func matrixUserIDs(id: String, valid: Bool) {
        #expect(MatrixID.isUserID(id) == valid)
    }

    /// The content the bot sends: a notice with HTML, explicit mentions, and the thread relation with its
    /// fallback for clients without threads.
    @Test func aReplyInAThreadCarriesTheThreadRelationAndItsMentions() throws {
        let part = MatrixMessage(body: "New lead for Sam", formattedBody: "New lead for <a href=\"https://matrix.to/#/@sam:x\">Sam</a>", mentionedUserIDs: ["@sam:x"])
        let data = try JSONEncoder().encode(MatrixOutgoing(part, thread: "$root", answering: "$command"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["msgtype"] as? String == "m.notice")
        #expect(object["format"] as? String == "org.matrix.custom.html")
        #expect((object["m.mentions"] as? [String: Any])?["user_ids"] as? [String] == ["@sam:x"])
        let relation = try #require(object["m.relates_to"] as? [String: Any])
        #expect(relation["rel_type"] as? String == "m.thread")
        #expect(relation["event_id"] as? String == "$root")
        #expect(relation["is_falling_back"] as? Bool == true)
        #expect((relation["m.in_reply_to"] as? [String: Any])?["event_id"] as? String == "$command")

        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(MatrixOutgoing(
            MatrixMessage(body: "hi", formattedBody: "<p>hi</p>", mentionedUserIDs: []), thread: nil))) as? [String: Any]
        #expect((plain?["m.mentions"] as? [String: Any])?.isEmpty == true, "no mentions is said explicitly")
        #expect(plain?["m.relates_to"] == nil, "a notice answers nobody")

        let reply = try JSONSerialization.jsonObject(with: JSONEncoder().encode(MatrixOutgoing(
            MatrixMessage(body: "hi", formattedBody: "<p>hi</p>", mentionedUserIDs: []), thread: nil, answering: "$command"))) as? [String: Any]
        #expect(reply?["m.relates_to"] as? [String: [String: String]] == ["m.in_reply_to": ["event_id": "$command"]])
    }

    @Test func theSyncFilterIsJSONThatAsksForMessagesMembershipsAndEncryption() throws {
        let object = try JSONSerialization.jsonObject(with: Data(MatrixTransport.filterJSON(timelineLimit: 7).utf8)) as? [String: Any]
        let timeline = (object?["room"] as? [String: Any])?["timeline"] as? [String: Any]
        #expect(timeline?["types"] as? [String] == ["m.room.message", "m.room.member", "m.room.encryption"])
        #expect(timeline?["limit"] as? Int == 7)
        let unique = try JSONSerialization.jsonObject(with: Data(MatrixTransport.filterJSON(timelineLimit: 7, nonce: "n1").utf8)) as? [String: Any]
        let uniqueTimeline = (unique?["room"] as? [String: Any])?["timeline"] as? [String: Any]
        #expect(uniqueTimeline?["not_types"] as? [String] == ["tandem.nonce.n1"])
    }
}
