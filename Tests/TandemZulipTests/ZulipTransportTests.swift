import Foundation
import TandemChat
import TandemCore
import TandemZulipTesting
import Testing

/// The transport through libcurl against the fake: the cursor's promises (from now on, nothing lost or repeated
/// when a queue is lost or a cursor falls behind), sending, and the answers that stop or slow it.
@Suite(.timeLimit(.minutes(3)))
struct ZulipTransportTests {
    static func transport(_ fake: ZulipFake, http: CurlHTTPClient, key: String? = nil) -> ZulipTransport {
        var configuration = ZulipTransport.Configuration(site: fake.site, email: fake.bot.email, apiKey: key ?? fake.bot.apiKey)
        configuration.minimumQueueReplacementInterval = .zero
        configuration.defaultTopic = "Tandem notices"
        return ZulipTransport(configuration: configuration, http: http)
    }

    static func texts(_ batch: TransportBatch) -> [String] { batch.messages.map(\.text) }

    @Test func theFirstPollStartsFromNowAndTheNextOnesBringWhatIsNew() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            let sam = fake.user(named: "Sam")
            fake.say("history", as: sam, in: 1)
            let first = try await zulip.poll(after: nil)
            #expect(first.messages.isEmpty)
            fake.say("new one", as: sam, in: 1, topic: "t")
            _ = try await zulip.send(OutgoingChatMessage(channel: "1", thread: "t", body: "my own", idempotencyKey: "k"))
            // Both are queued before this poll: the bot's own message comes through its queue too, and is left out.
            let next = try await zulip.poll(after: first.cursor)
            #expect(Self.texts(next) == ["new one"])
            #expect(next.messages.first?.thread == "t")
        }
    }

    @Test func anExpiredQueueIsReplacedAndWhatWasSaidMeanwhileComesOnce() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            let sam = fake.user(named: "Sam")
            let start = try await zulip.poll(after: nil)
            fake.say("before expiry", as: sam, in: 1)
            let firstQueue = fake.queueIDs
            fake.expireQueues()
            fake.say("while no queue", as: sam, in: 2)
            fake.sayDirect("direct meanwhile", as: sam, to: [fake.bot.id])
            let recovered = try await zulip.poll(after: start.cursor)
            #expect(Self.texts(recovered) == ["before expiry", "while no queue", "direct meanwhile"])
            #expect(fake.queueIDs.count == 1 && fake.queueIDs != firstQueue)
            #expect(fake.requests.contains { $0.path == "/api/v1/messages" && $0.fields["include_anchor"] == "false" })
            fake.say("after", as: sam, in: 1)
            let next = try await zulip.poll(after: recovered.cursor)
            #expect(Self.texts(next) == ["after"])
        }
    }

    /// Killed between a poll and saving its outcome, the bot polls again from its last saved cursor, behind what
    /// the queue already pruned: Zulip refuses that, and the messages since the saved cursor come again, once.
    @Test func aCursorBehindWhatTheQueuePrunedBringsTheUnsavedMessagesAgain() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            let sam = fake.user(named: "Sam")
            let start = try await zulip.poll(after: nil)
            fake.say("one", as: sam, in: 1)
            let saved = try await zulip.poll(after: start.cursor)
            #expect(Self.texts(saved) == ["one"])
            fake.say("two", as: sam, in: 1)
            let unsaved = try await zulip.poll(after: saved.cursor)
            #expect(Self.texts(unsaved) == ["two"])
            fake.say("three", as: sam, in: 1)
            // This poll acknowledges "two" (the queue prunes it) and returns "three"; then the bot dies unsaved.
            let lost = try await zulip.poll(after: unsaved.cursor)
            #expect(Self.texts(lost) == ["three"])
            let again = try await zulip.poll(after: saved.cursor)
            #expect(Self.texts(again) == ["two", "three"])
            fake.say("four", as: sam, in: 1)
            #expect(Self.texts(try await zulip.poll(after: again.cursor)) == ["four"])
        }
    }

    @Test func sendPostsToTheTopicTheDefaultTopicOrTheDirectConversationAndSplitsLongReplies() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            _ = try await zulip.poll(after: nil)  // learns the server's limits
            let id = try await zulip.send(OutgoingChatMessage(channel: "2", thread: "leads", body: "**no** bold", idempotencyKey: "a"))
            _ = try await zulip.send(OutgoingChatMessage(channel: "1", body: "a notice", idempotencyKey: "b"))
            _ = try await zulip.send(OutgoingChatMessage(channel: "dm:12", body: "just you", idempotencyKey: "c"))
            let long = RichText((0..<400).map { .paragraph([.text("line \($0) " + String(repeating: "x", count: 40))]) })
            _ = try await zulip.send(OutgoingChatMessage(channel: "1", thread: "t", body: long, idempotencyKey: "d"))
            let posts = fake.botPosts
            #expect(String(posts[0].id) == id)
            #expect(posts[0].channelID == 2 && posts[0].topic == "leads" && posts[0].content == #"\*\*no\*\* bold"#)
            #expect(posts[1].channelID == 1 && posts[1].topic == "Tandem notices")
            #expect(posts[2].channelID == nil && posts[2].people == [12, fake.bot.id].sorted())
            let parts = posts.dropFirst(3)
            #expect(parts.count == 2)
            #expect(parts.allSatisfy { !$0.truncated && $0.content.unicodeScalars.count <= 10_000 })
            #expect(parts.map(\.content).joined(separator: "\n") == (0..<400).map { "line \($0) " + String(repeating: "x", count: 40) }.joined(separator: "\n"))
            let sends = fake.requests.filter { $0.path == "/api/v1/messages" && $0.method == "POST" }
            #expect(sends.map { $0.fields["type"] } == ["stream", "stream", "private", "stream", "stream"])
            #expect(sends[2].fields["to"] == "[12]")
        }
    }

    /// Zulip has no idempotency key: the transport consults a ledger of the parts it posted, so a resend after a
    /// crash posts only what Zulip never took.
    @Test func aResendPostsOnlyThePartsTheLedgerDoesNotHave() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let ledger = MemoryLedger()
            var configuration = ZulipTransport.Configuration(site: fake.site, email: fake.bot.email, apiKey: fake.bot.apiKey)
            configuration.sentLedger = ledger
            let zulip = ZulipTransport(configuration: configuration, http: http)
            let long = RichText((0..<300).map { .paragraph([.text("line \($0) " + String(repeating: "y", count: 40))]) })
            let message = OutgoingChatMessage(channel: "1", thread: "t", body: long, idempotencyKey: "reply:42:0")
            _ = try await zulip.send(message)
            #expect(fake.botPosts.count == 2)
            #expect(await ledger.keys == ["reply:42:0", "reply:42:0.1"])
            #expect(try await zulip.send(message) == "")
            #expect(fake.botPosts.count == 2, "a resend of what Zulip took posts nothing")
            // Killed after the first part: only the second goes out again.
            let partly = MemoryLedger(["reply:43:0"])
            configuration.sentLedger = partly
            let again = ZulipTransport(configuration: configuration, http: http)
            _ = try await again.send(OutgoingChatMessage(channel: "1", thread: "t", body: long, idempotencyKey: "reply:43:0"))
            #expect(fake.botPosts.count == 3 && fake.botPosts[2].content == fake.botPosts[1].content, "the second part only")
        }
    }

    @Test func rateLimitsSayHowLongToWaitAndServerErrorsAreTransient() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            let start = try await zulip.poll(after: nil)
            fake.rateLimitNext(1, retryAfter: 0.5, path: "/api/v1/events")
            let limited = await #expect(throws: TransportError.self) { try await zulip.poll(after: start.cursor) }
            #expect(limited?.kind == .rateLimited(retryAfter: 0.5))
            fake.rateLimitNext(1, retryAfter: 3, path: "/api/v1/messages")
            let refused = await #expect(throws: TransportError.self) {
                try await zulip.send(OutgoingChatMessage(channel: "1", thread: "t", body: "x", idempotencyKey: "k"))
            }
            #expect(refused?.kind == .rateLimited(retryAfter: 3))
            fake.failNext(1, status: 502)
            let failed = await #expect(throws: TransportError.self) { try await zulip.poll(after: start.cursor) }
            #expect(failed?.kind == .transient)
            fake.say("still here", as: fake.user(named: "Mia"), in: 1)
            #expect(Self.texts(try await zulip.poll(after: start.cursor)) == ["still here"])
        }
    }

    @Test func aWrongKeyIsUnauthorizedAndTheErrorHoldsNoKey() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let key = "secret-key-that-is-wrong"
            let zulip = Self.transport(fake, http: http, key: key)
            let error = await #expect(throws: TransportError.self) { try await zulip.poll(after: nil) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("INVALID_API_KEY") == true)
            let credentials = Data((fake.bot.email + ":" + key).utf8).base64EncodedString()
            #expect(error?.message.contains(key) == false && error?.message.contains(credentials) == false)
        }
    }

    @Test func aStateFromAnotherChatStartsFromNow() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let zulip = Self.transport(fake, http: http)
            fake.say("history", as: fake.user(named: "Sam"), in: 1)
            let batch = try await zulip.poll(after: "s72594_4483_1934")
            #expect(batch.messages.isEmpty)
            #expect(batch.cursor?.contains("queue") == true)
        }
    }
}

/// A ledger in memory, in recording order.
actor MemoryLedger: SentLedger {
    private(set) var keys: [String]
    init(_ keys: [String] = []) { self.keys = keys }
    func contains(_ key: String) async -> Bool { keys.contains(key) }
    func record(_ key: String) async throws { keys.append(key) }
}
