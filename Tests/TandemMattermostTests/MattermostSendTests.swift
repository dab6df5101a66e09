import Foundation
import TandemChat
import TandemCore
import TandemMattermostTesting
import Testing

/// Posting through the fake: threads, idempotency with `pending_post_id`, long replies, hostile text.
@Suite(.timeLimit(.minutes(3))) struct MattermostSendTests {
    static func text(_ s: String) -> RichText { RichText([.paragraph([.text(s)])]) }

    @Test func aReplyGoesIntoTheCommandsThreadAndARepeatedKeyPostsOnce() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let root = try team.fake.post("@tandem campaign spring", in: team.joint, as: team.sam)
            let message = OutgoingChatMessage(channel: team.joint, thread: root.id, body: Self.text("Spring Launch"), idempotencyKey: "reply:\(root.id):0")
            let first = try await transport.send(message)
            let again = try await transport.send(message)
            #expect(first == again, "the server answered the repeat with the post it already made")
            let posts = team.fake.posts.filter { $0.userID == team.bot.id }
            #expect(posts.count == 1)
            #expect(posts.first?.rootID == root.id)
            #expect(posts.first?.pendingPostID == "\(team.bot.id):reply:\(root.id):0")
            #expect(posts.first?.props["from_bot"] == "true")
        }
    }

    @Test func aPostStillBeingSavedIsATransientErrorAndTheRetryGetsThatPost() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let key = "reply:abc:0"
            team.fake.simulateInFlight(pendingPostID: "\(team.bot.id):\(key)", answers: 1)
            let message = OutgoingChatMessage(channel: team.sales, body: Self.text("hello"), idempotencyKey: key)
            let error = try await #require(throws: TransportError.self) { try await transport.send(message) }
            #expect(error.kind == .transient)
            #expect(error.message.contains("api.post.deduplicate_create_post.pending"))
            let id = try await transport.send(message)
            #expect(team.fake.posts.filter { $0.userID == team.bot.id }.map(\.id) == [id])
        }
    }

    @Test func aLongReplyIsSplitUnderTheLimitAndEachPartHasItsOwnKey() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http, partLimit: 500)
            let lines = (0..<40).map { "line \($0) " + String(repeating: "ü", count: 20) }
            let body = RichText([.bullets(lines.map { [.text($0)] })])
            _ = try await transport.send(OutgoingChatMessage(channel: team.joint, body: body, idempotencyKey: "reply:x:0"))
            let posts = team.fake.posts.filter { $0.userID == team.bot.id }
            #expect(posts.count > 1)
            #expect(posts.allSatisfy { $0.message.unicodeScalars.count <= 500 })
            #expect(posts.map(\.pendingPostID) == posts.indices.map { "\(team.bot.id):reply:x:0" + ($0 == 0 ? "" : ".\($0)") })
            #expect(posts.map(\.message).joined(separator: "\n") == lines.map { "- " + $0 }.joined(separator: "\n"))
        }
    }

    @Test func echoedBroadcastMentionsPingNobodyAndTheRepIsMentionedByUsername() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let body = RichText([.paragraph([.text("Campaign @channel @ALL @here *x*"), .text(" for "), .mention(id: "sam", name: "Sam Carter")])])
            _ = try await transport.send(OutgoingChatMessage(channel: team.sales, body: body, idempotencyKey: "k"))
            let message = try #require(team.fake.posts.last { $0.userID == team.bot.id }?.message)
            #expect(message == "Campaign @\u{200B}channel @\u{200B}ALL @\u{200B}here \\*x\\* for @sam")
        }
    }

    @Test func aRefusedPostIsRejectedAndSaysWhy() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let elsewhere = team.fake.addChannel("elsewhere", members: [team.mia])
            let error = try await #require(throws: TransportError.self) {
                try await transport.send(OutgoingChatMessage(channel: elsewhere, body: Self.text("hi"), idempotencyKey: "k"))
            }
            #expect(error.kind == .rejected(status: 403), "one channel the bot may not post in does not stop the bot")
            #expect(error.message.contains("api.context.permissions.app_error"))
        }
    }

    @Test func aReplyOwedAtTheStartThatWentOutBeforeIsFoundByItsKeyAndNotPostedAgain() async throws {
        try await withTeam { team, http in
            let message = OutgoingChatMessage(channel: team.joint, body: Self.text("Spring Launch"), idempotencyKey: "reply:p1:0")
            let before = try await team.transport(http: http).send(message)
            team.fake.expirePendingPostIDs()
            try team.fake.post("chatter in between", in: team.joint, as: team.sam)
            var configuration = MattermostTransport.Configuration(serverURL: team.fake.baseURL, token: team.bot.token)
            configuration.owedAtStart = ["reply:p1:0", "reply:p2:0"]
            let restarted = MattermostTransport(configuration: configuration, http: http)
            #expect(try await restarted.send(message) == before)
            let other = OutgoingChatMessage(channel: team.joint, body: Self.text("Other"), idempotencyKey: "reply:p2:0")
            let new = try await restarted.send(other)
            #expect(new != before, "owed but never posted: posted now")
            #expect(team.fake.posts.filter { $0.userID == team.bot.id }.map(\.id) == [before, new])
            #expect(team.fake.posts.first { $0.id == before }?.props["tandem_outbox_key"] == "reply:p1:0")
        }
    }
}
