import Foundation
import TandemProtocol
import Testing
@testable import TandemLocal

@Suite("ChatRoom: visibility, cursors, retention, idempotency")
struct ChatRoomTests {
    let room: ChatRoom

    init() throws {
        room = try Self.makeRoom()
    }

    static func makeRoom(retainedMessages: Int = 10_000) throws -> ChatRoom {
        let directory = try ChatDirectory(configuration: Fixtures.configuration())
        return ChatRoom(directory: directory, retainedMessages: retainedMessages, now: { Fixtures.fixedDate })
    }

    private func post(_ text: String, in channel: String? = "general", as sender: LocalParticipant) async throws -> Int {
        try await room.post(NewMessage(channel: channel, text: text), from: sender)
    }

    @Test func directMessageChannelIsVisibleOnlyToItsTwoMembers() async throws {
        let dm = "dm-alice-tandem"
        _ = try await post("help", in: dm, as: Fixtures.alice)
        _ = try await post("here is help", in: dm, as: Fixtures.bot)

        let bot = await room.updates(for: "tandem", after: 0, limit: 100)
        let alice = await room.updates(for: "alice", after: 0, limit: 100)
        let bob = await room.updates(for: "bob", after: 0, limit: 100)
        #expect(bot.messages.map(\.text) == ["help"])
        #expect(alice.messages.map(\.text) == ["here is help"])
        #expect(bob.messages.isEmpty)
        #expect(bob.cursor == 0)
    }

    @Test func othersDirectMessageChannelCannotBePostedTo() async throws {
        await #expect(throws: ChatRoomError.unknownChannel("dm-alice-tandem")) {
            try await post("sneaky", in: "dm-alice-tandem", as: Fixtures.bob)
        }
    }

    @Test func ownMessagesAreLeftOut() async throws {
        _ = try await post("from alice", as: Fixtures.alice)
        _ = try await post("from bob", as: Fixtures.bob)

        let alice = await room.updates(for: "alice", after: 0, limit: 100)
        #expect(alice.messages.map(\.text) == ["from bob"])
        #expect(alice.cursor == 2)
    }

    @Test func thePageCanAskForItsOwnMessagesToo() async throws {
        _ = try await post("from alice", as: Fixtures.alice)
        _ = try await post("from bob", as: Fixtures.bob)
        let history = await room.updates(for: "alice", after: 0, limit: 100, includeOwn: true)
        #expect(history.messages.map(\.text) == ["from alice", "from bob"])
    }

    @Test func cursorIsTheLastMessageGivenAndOmittedMeansFromNowOn() async throws {
        for n in 1...3 {
            _ = try await post("m\(n)", as: Fixtures.alice)
        }
        let fromNow = await room.updates(for: "bob", after: nil, limit: 100)
        #expect(fromNow == UpdateBatch(messages: [], cursor: 3))

        let afterOne = await room.updates(for: "bob", after: 1, limit: 100)
        #expect(afterOne.messages.map(\.id) == [2, 3])
        #expect(afterOne.cursor == 3)

        let caughtUp = await room.updates(for: "bob", after: 3, limit: 100)
        #expect(caughtUp == UpdateBatch(messages: [], cursor: 3))
    }

    @Test func cursorFromBeforeARestartStartsOver() async throws {
        _ = try await post("first since restart", as: Fixtures.alice)
        let batch = await room.updates(for: "bob", after: 500, limit: 100)
        #expect(batch.messages.map(\.text) == ["first since restart"])
        #expect(batch.cursor == 1)
    }

    @Test func limitCapsTheBatchAndTheCursorFollows() async throws {
        for n in 1...5 {
            _ = try await post("m\(n)", as: Fixtures.alice)
        }
        let first = await room.updates(for: "bob", after: 0, limit: 2)
        #expect(first.messages.map(\.id) == [1, 2])
        #expect(first.cursor == 2)
        let second = await room.updates(for: "bob", after: first.cursor, limit: 2)
        #expect(second.messages.map(\.id) == [3, 4])
    }

    @Test func cursorOlderThanRetentionContinuesFromOldestRetained() async throws {
        let room = try Self.makeRoom(retainedMessages: 3)
        for n in 1...10 {
            _ = try await room.post(NewMessage(channel: "general", text: "m\(n)"), from: Fixtures.alice)
        }
        let batch = await room.updates(for: "bob", after: 2, limit: 100)
        #expect(batch.messages.map(\.id) == [8, 9, 10])
        #expect(batch.cursor == 10)
    }

    @Test func idempotencyKeyPostsOncePerSender() async throws {
        let draft = NewMessage(channel: "general", text: "launch!", idempotencyKey: "k1")
        let first = try await room.post(draft, from: Fixtures.alice)
        let retry = try await room.post(draft, from: Fixtures.alice)
        let otherSender = try await room.post(draft, from: Fixtures.bob)

        #expect(retry == first)
        #expect(otherSender != first)
        let carol = await room.updates(for: "carol", after: 0, limit: 100)
        #expect(carol.messages.map(\.senderID) == ["alice", "bob"])
    }

    @Test func evictedMessagesForgetTheirIdempotencyKeys() async throws {
        let room = try Self.makeRoom(retainedMessages: 2)
        let draft = NewMessage(channel: "general", text: "once", idempotencyKey: "k")
        let first = try await room.post(draft, from: Fixtures.alice)
        for n in 1...2 {
            _ = try await room.post(NewMessage(channel: "general", text: "m\(n)"), from: Fixtures.bob)
        }
        // The first message is gone, so the key can no longer answer its id.
        #expect(try await room.post(draft, from: Fixtures.alice) != first)
    }

    @Test func defaultChannelAndBotUsernameOverride() async throws {
        _ = try await room.post(NewMessage(text: "webhook style", username: "Someone else"), from: Fixtures.alice)
        _ = try await room.post(NewMessage(text: "reminder", username: "Tandem reminders"), from: Fixtures.bot)

        let batch = await room.updates(for: "bob", after: 0, limit: 100)
        #expect(batch.messages.map(\.channelID) == ["general", "general"])
        // People cannot impersonate others; a bot may rename itself.
        #expect(batch.messages.map(\.senderName) == ["Alice", "Tandem reminders"])
        #expect(batch.messages.first?.date == Fixtures.fixedDate)
    }

    @Test func refusesMissingOrEmptyTextAndUnknownThread() async throws {
        await #expect(throws: ChatRoomError.missingText) {
            try await room.post(NewMessage(channel: "general", text: nil), from: Fixtures.alice)
        }
        await #expect(throws: ChatRoomError.emptyText) {
            try await post("  \n ", as: Fixtures.alice)
        }
        await #expect(throws: ChatRoomError.unknownThread("42")) {
            try await room.post(NewMessage(channel: "general", text: "re", thread: "42"), from: Fixtures.alice)
        }
        let parent = try await post("parent", as: Fixtures.alice)
        let reply = NewMessage(channel: "general", text: "re", thread: String(parent))
        #expect(try await room.post(reply, from: Fixtures.bob) == parent + 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func longPollWakesOnAVisibleMessageOnlyAndCleansUp() async throws {
        let poll = Task { await room.waitForUpdates(for: "bob", after: 0, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)
        // Invisible to Bob (Alice's DM with the bot), then his own message: neither wakes him.
        _ = try await post("private", in: "dm-alice-tandem", as: Fixtures.alice)
        _ = try await post("mine", as: Fixtures.bob)
        _ = try await post("for everyone", as: Fixtures.carol)

        let batch = await poll.value
        #expect(batch.messages.map(\.text) == ["for everyone"])
        #expect(batch.cursor == 3)
        #expect(await room.waiterCount == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelledLongPollReturnsAndRemovesItsWaiter() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let poll = Task { await room.waitForUpdates(for: "bob", after: nil, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)
        poll.cancel()

        let batch = await poll.value
        #expect(batch.messages.isEmpty)
        #expect(clock.now - start < .seconds(10))
        #expect(await room.waiterCount == 0)
    }
}
