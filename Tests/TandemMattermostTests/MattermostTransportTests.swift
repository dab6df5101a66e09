import Foundation
import TandemChat
import TandemCore
import TandemMattermostTesting
import Testing

/// The transport against the fake server, through libcurl: what it reads, what it leaves out, and its cursor.
@Suite(.timeLimit(.minutes(3))) struct MattermostTransportTests {
    /// One kind of post and whether the bot gets it.
    struct PostCase: Sendable, CustomTestStringConvertible {
        let label: String
        let delivered: Bool
        let make: @Sendable (MattermostTeam) throws -> Void
        var testDescription: String { label }
    }

    static let postCases: [PostCase] = [
        PostCase(label: "what a person types", delivered: true) { try $0.fake.post("@tandem campaign spring", in: $0.joint, as: $0.sam) },
        PostCase(label: "the bot's own post", delivered: false) { try $0.fake.post("@tandem campaign spring", in: $0.joint, as: $0.bot) },
        PostCase(label: "another bot's post", delivered: false) { team in
            let other = team.fake.addUser("otherbot", isBot: true)
            team.fake.add(other, to: team.joint)
            try team.fake.post("@tandem campaign spring", in: team.joint, as: other)
        },
        PostCase(label: "a webhook's post", delivered: false) {
            try $0.fake.post("@tandem campaign spring", in: $0.joint, as: $0.mia, props: ["from_webhook": "true", "override_username": "ci"])
        },
        PostCase(label: "a system post", delivered: false) {
            try $0.fake.post("sam joined the channel.", in: $0.joint, as: $0.sam, type: "system_join_channel")
        },
        PostCase(label: "a post deleted before the poll", delivered: false) { team in
            team.fake.delete(try team.fake.post("@tandem campaign spring", in: team.joint, as: team.sam).id)
        },
        PostCase(label: "whitespace only", delivered: false) { try $0.fake.post("  \n ", in: $0.joint, as: $0.sam) },
    ]

    @Test(arguments: postCases) func aPostReachesTheBotOnlyWhenAPersonTypedIt(_ postCase: PostCase) async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            try postCase.make(team)
            // A marker after it: once the marker is polled, the post before it was either delivered or left out.
            let marker = try team.fake.post("marker", in: team.joint, as: team.mia)
            let (messages, _) = try await transport.messages(after: start) { $0.contains { $0.id == marker.id } }
            #expect(messages.last?.id == marker.id)
            #expect(messages.count == (postCase.delivered ? 2 : 1), "\(messages.map(\.text))")
        }
    }

    @Test func theFirstPollStartsFromNowAndLaterPollsBringPostsOnceInOrderWithUsernames() async throws {
        try await withTeam { team, http in
            try team.fake.post("@tandem campaign old", in: team.joint, as: team.sam)
            let transport = team.transport(http: http)
            let first = try await transport.poll(after: nil)
            #expect(first.messages.isEmpty, "history is never returned")
            let start = try #require(first.cursor)

            let a = try team.fake.post("@tandem campaign a", in: team.joint, as: team.sam)
            let b = try team.fake.post("tandem: campaign b", in: team.sales, as: team.jonas)
            let reply = try team.fake.post("@tandem campaign c", in: team.joint, as: team.mia, rootID: a.id)
            let (messages, cursor) = try await transport.messages(after: start) { $0.count >= 3 }
            #expect(messages.count == 3)
            // Oldest first; two posts in different channels may share a millisecond, and then come in either order.
            #expect(messages.filter { $0.channel == team.joint }.map(\.id) == [a.id, reply.id])
            let byID = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
            #expect([a, b, reply].map { byID[$0.id]?.userID } == ["sam", "jonas", "mia"])
            #expect([a, b, reply].map { byID[$0.id]?.channel } == [team.joint, team.sales, team.joint])
            #expect([a, b, reply].map { byID[$0.id]?.thread } == [nil, nil, a.id])
            #expect(messages.allSatisfy { !$0.isDirect })

            // Edits and deletions of handled posts come back from `since`; they are not new.
            team.fake.edit(a.id, message: "@tandem campaign a (edited)")
            team.fake.delete(b.id)
            let marker = try team.fake.post("marker", in: team.joint, as: team.sam)
            let (later, _) = try await transport.messages(after: cursor) { $0.contains { $0.id == marker.id } }
            #expect(later.map(\.id) == [marker.id])
        }
    }

    @Test func aDirectMessageIsDirectAndANewDirectChannelIsReadFromItsFirstPost() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            // The channel did not exist when the cursor was made.
            let dm = team.fake.directChannel(team.sam, team.bot)
            let hello = try team.fake.post("campaign spring", in: dm, as: team.sam)
            let (messages, _) = try await transport.messages(after: start) { !$0.isEmpty }
            #expect(messages.map(\.id) == [hello.id])
            #expect(messages.first?.isDirect == true)
            #expect(messages.first?.channel == dm)
        }
    }

    @Test func aChannelTheBotIsAddedToIsReadFromTheLastActivityItSawNotFromItsStart() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let later = team.fake.addChannel("campaign-war-room", members: [team.mia])
            try team.fake.post("@tandem campaign history", in: later, as: team.mia)
            let start = try #require(try await transport.poll(after: nil).cursor)
            // Activity where the bot is: its cursor moves past the history of the other channel.
            let seen = try team.fake.post("@tandem campaign a", in: team.joint, as: team.sam)
            let (first, cursor) = try await transport.messages(after: start) { !$0.isEmpty }
            #expect(first.map(\.id) == [seen.id])
            // Mia asks before adding the bot (Mattermost then offers to add it): that question is answered.
            let asked = try team.fake.post("@tandem campaign spring", in: later, as: team.mia)
            team.fake.add(team.bot, to: later)
            let (next, _) = try await transport.messages(after: cursor) { !$0.isEmpty }
            #expect(next.map(\.id) == [asked.id])
        }
    }

    @Test func postsInTheSameMillisecondAreEachDeliveredOnceAcrossACursorHandedToANewTransport() async throws {
        try await withTeam { team, http in
            let start = try #require(try await team.transport(http: http).poll(after: nil).cursor)
            let at = team.fake.serverTime + 5
            let first = try team.fake.post("@tandem campaign one", in: team.joint, as: team.sam, createAt: at)
            let (got, cursor) = try await team.transport(http: http).messages(after: start) { !$0.isEmpty }
            #expect(got.map(\.id) == [first.id])
            // Another post in that millisecond, and one after it: a restarted transport (same cursor) gets both, once.
            let second = try team.fake.post("@tandem campaign two", in: team.joint, as: team.mia, createAt: at)
            let third = try team.fake.post("@tandem campaign three", in: team.joint, as: team.mia, createAt: at + 1)
            let (next, _) = try await team.transport(http: http).messages(after: cursor) { $0.contains { $0.id == third.id } }
            #expect(next.map(\.id) == [second.id, third.id])
        }
    }

    @Test(arguments: [-259_200_000, 0, 34_560_000_000] as [Int64])
    func aServerClockFarFromTheBotsSkipsAndRepeatsNothing(skew: Int64) async throws {
        try await withTeam(skew: skew) { team, http in
            #expect(abs(team.fake.serverTime - Int64(Date().timeIntervalSince1970 * 1000) - skew) < 60_000)
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            var sent: [String] = []
            for n in 0..<5 { sent.append(try team.fake.post("@tandem campaign \(n)", in: n % 2 == 0 ? team.joint : team.sales, as: team.sam).id) }
            let (messages, cursor) = try await transport.messages(after: start) { $0.count >= 5 }
            #expect(messages.count == 5)
            #expect(Set(messages.map(\.id)) == Set(sent))
            #expect(messages.filter { $0.channel == team.joint }.map(\.id) == [sent[0], sent[2], sent[4]])
            let dm = team.fake.directChannel(team.jonas, team.bot)
            let late = try team.fake.post("hilfe", in: dm, as: team.jonas)
            let (more, _) = try await transport.messages(after: cursor) { !$0.isEmpty }
            #expect(more.map(\.id) == [late.id])
        }
    }

    @Test func moreThanTheThousandPostsOfOneSinceArePagedForAndDeliveredInOrder() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            team.fake.setDistinctMilliseconds(false)
            var sent: [String] = []
            for n in 0..<1_234 { sent.append(try team.fake.post("@tandem campaign \(n)", in: team.joint, as: team.sam).id) }
            let (messages, _) = try await transport.messages(after: start) { $0.count >= sent.count }
            #expect(messages.count == sent.count, "each once")
            #expect(Set(messages.map(\.id)) == Set(sent))
            let times = Dictionary(uniqueKeysWithValues: team.fake.posts.map { ($0.id, $0.createAt) })
            let order = messages.compactMap { times[$0.id] }
            #expect(order == order.sorted(), "oldest first")
            #expect(team.fake.requests.contains { $0.query["page"] != nil }, "the posts past the cap were paged for")
        }
    }

    @Test func aChannelTheBotCannotReadIsSkippedAndTheOthersStillArrive() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            team.fake.failNext(1, status: 403, on: .channelPosts)
            let a = try team.fake.post("@tandem campaign a", in: team.joint, as: team.sam)
            let (messages, _) = try await transport.messages(after: start) { $0.contains { $0.id == a.id } }
            #expect(messages.map(\.id) == [a.id], "read on the next poll, once")
            #expect(team.fake.requests.contains { $0.status == 403 })
        }
    }

    @Test func sendsRunWhileAPollWaitsAndThePollNeverReturnsThem() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http, window: .milliseconds(500))
            let start = try #require(try await transport.poll(after: nil).cursor)
            async let polled = transport.poll(after: start)
            for n in 0..<5 {
                _ = try await transport.send(
                    OutgoingChatMessage(channel: n % 2 == 0 ? team.joint : team.sales, body: RichText([.paragraph([.text("reply \(n)")])]),
                    idempotencyKey: "notice:\(n)"))
            }
            let person = try team.fake.post("@tandem campaign spring", in: team.sales, as: team.mia)
            let first = try await polled
            let (messages, _) = try await transport.messages(after: try #require(first.cursor)) { later in
                (first.messages + later).contains { $0.id == person.id }
            }
            #expect((first.messages + messages).map(\.id) == [person.id], "the bot's own posts never come back")
            #expect(team.fake.posts.filter { $0.userID == team.bot.id }.count == 5)
        }
    }

    @Test func anIdlePollListsTheChannelsOnlyAndReturnsTheSameCursor() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http, window: .milliseconds(200))
            let start = try #require(try await transport.poll(after: nil).cursor)
            let before = team.fake.requests.count
            let idle = try await transport.poll(after: start)
            #expect(idle.messages.isEmpty)
            #expect(idle.cursor == start, "an unchanged cursor is not journaled again")
            let requests = team.fake.requests.dropFirst(before)
            #expect(!requests.isEmpty)  // as many as the window holds: fewer on a loaded machine
            #expect(requests.allSatisfy { $0.path == "/api/v4/users/me/channels" })
        }
    }

    @Test func aWrongTokenStopsWithUnauthorizedAndNoTokenInTheMessage() async throws {
        try await withTeam { team, http in
            let token = "wrongwrongwrongwrongwrong1"
            let transport = team.transport(http: http, token: token)
            let error = try await #require(throws: TransportError.self) { try await transport.poll(after: nil) }
            #expect(error.kind == .unauthorized)
            #expect(error.message.contains("api.context.session_expired.app_error"))
            #expect(!error.message.contains(token))
        }
    }
}
