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

    private func post(_ text: String, in channel: String? = "general", as sender: LocalParticipant) throws -> Int {
        try room.post(NewMessage(channel: channel, text: text), from: sender)
    }

    @Test func directMessageChannelIsVisibleOnlyToItsTwoMembers() async throws {
        let dm = "dm-alice-tandem"
        _ = try post("help", in: dm, as: Fixtures.alice)
        _ = try post("here is help", in: dm, as: Fixtures.bot)

        let bot = room.updates(for: "tandem", after: 0, limit: 100)
        let alice = room.updates(for: "alice", after: 0, limit: 100)
        let bob = room.updates(for: "bob", after: 0, limit: 100)
        #expect(bot.messages.map(\.text) == ["help"])
        #expect(alice.messages.map(\.text) == ["here is help"])
        #expect(bob.messages.isEmpty)
        #expect(bob.cursor == 0)
    }

    @Test func othersDirectMessageChannelCannotBePostedTo() async throws {
        #expect(throws: ChatRoomError.unknownChannel("dm-alice-tandem")) {
            try post("sneaky", in: "dm-alice-tandem", as: Fixtures.bob)
        }
    }

    @Test func ownMessagesAreLeftOut() async throws {
        _ = try post("from alice", as: Fixtures.alice)
        _ = try post("from bob", as: Fixtures.bob)

        let alice = room.updates(for: "alice", after: 0, limit: 100)
        #expect(alice.messages.map(\.text) == ["from bob"])
        #expect(alice.cursor == 2)
    }

    @Test func thePageCanAskForItsOwnMessagesToo() async throws {
        _ = try post("from alice", as: Fixtures.alice)
        _ = try post("from bob", as: Fixtures.bob)
        let history = room.updates(for: "alice", after: 0, limit: 100, includeOwn: true)
        #expect(history.messages.map(\.text) == ["from alice", "from bob"])
    }

    @Test func cursorIsTheLastMessageGivenAndOmittedMeansFromNowOn() async throws {
        for n in 1...3 {
            _ = try post("m\(n)", as: Fixtures.alice)
        }
        let fromNow = room.updates(for: "bob", after: nil, limit: 100)
        #expect(fromNow == UpdateBatch(messages: [], cursor: 3))

        let afterOne = room.updates(for: "bob", after: 1, limit: 100)
        #expect(afterOne.messages.map(\.id) == [2, 3])
        #expect(afterOne.cursor == 3)

        let caughtUp = room.updates(for: "bob", after: 3, limit: 100)
        #expect(caughtUp == UpdateBatch(messages: [], cursor: 3))
    }

    @Test func cursorFromBeforeARestartStartsOver() async throws {
        _ = try post("first since restart", as: Fixtures.alice)
        let batch = room.updates(for: "bob", after: 500, limit: 100)
        #expect(batch.messages.map(\.text) == ["first since restart"])
        #expect(batch.cursor == 1)
    }

    @Test func limitCapsTheBatchAndTheCursorFollows() async throws {
        for n in 1...5 {
            _ = try post("m\(n)", as: Fixtures.alice)
        }
        let first = room.updates(for: "bob", after: 0, limit: 2)
        #expect(first.messages.map(\.id) == [1, 2])
        #expect(first.cursor == 2)
        let second = room.updates(for: "bob", after: first.cursor, limit: 2)
        #expect(second.messages.map(\.id) == [3, 4])
    }

    @Test func cursorOlderThanRetentionContinuesFromOldestRetained() async throws {
        let room = try Self.makeRoom(retainedMessages: 3)
        for n in 1...10 {
            _ = try room.post(NewMessage(channel: "general", text: "m\(n)"), from: Fixtures.alice)
        }
        let batch = room.updates(for: "bob", after: 2, limit: 100)
        #expect(batch.messages.map(\.id) == [8, 9, 10])
        #expect(batch.cursor == 10)
    }

    @Test func idempotencyKeyPostsOncePerSender() async throws {
        let draft = NewMessage(channel: "general", text: "launch!", idempotencyKey: "k1")
        let first = try room.post(draft, from: Fixtures.alice)
        let retry = try room.post(draft, from: Fixtures.alice)
        let otherSender = try room.post(draft, from: Fixtures.bob)

        #expect(retry == first)
        #expect(otherSender != first)
        let carol = room.updates(for: "carol", after: 0, limit: 100)
        #expect(carol.messages.map(\.senderID) == ["alice", "bob"])
    }

    /// A key reused for a different message is a client bug; answering the first id would lose the second message
    /// behind a success. What differs: the channel, the text, or the thread.
    @Test(arguments: [
        NewMessage(channel: "general", text: "launch?", idempotencyKey: "k1"),
        NewMessage(channel: "campaigns", text: "launch!", idempotencyKey: "k1"),
        NewMessage(channel: "general", text: "launch!", thread: "1", idempotencyKey: "k1"),
    ])
    func aKeyReusedForAnotherMessageIsAConflict(second: NewMessage) async throws {
        let first = try room.post(NewMessage(channel: "general", text: "launch!", idempotencyKey: "k1"), from: Fixtures.alice)
        #expect(throws: ChatRoomError.keyReused("k1", firstID: first)) { try room.post(second, from: Fixtures.alice) }
        #expect(room.updates(for: "carol", after: 0, limit: 100).messages.count == 1)
    }

    @Test func aThreadMustBeAMessageOfTheSameChannel() async throws {
        let root = try room.post(NewMessage(channel: "general", text: "root"), from: Fixtures.alice)
        #expect(throws: ChatRoomError.threadInAnotherChannel(String(root))) {
            try room.post(NewMessage(channel: "campaigns", text: "reply", thread: String(root)), from: Fixtures.alice)
        }
        #expect(try room.post(NewMessage(channel: "general", text: "reply", thread: String(root)), from: Fixtures.alice) == root + 1)
    }

    @Test func evictedMessagesForgetTheirIdempotencyKeys() async throws {
        let room = try Self.makeRoom(retainedMessages: 2)
        let draft = NewMessage(channel: "general", text: "once", idempotencyKey: "k")
        let first = try room.post(draft, from: Fixtures.alice)
        for n in 1...2 {
            _ = try room.post(NewMessage(channel: "general", text: "m\(n)"), from: Fixtures.bob)
        }
        // The first message is gone, so the key can no longer answer its id.
        #expect(try room.post(draft, from: Fixtures.alice) != first)
    }

    @Test func defaultChannelAndBotUsernameOverride() async throws {
        _ = try room.post(NewMessage(text: "webhook style", username: "Someone else"), from: Fixtures.alice)
        _ = try room.post(NewMessage(text: "reminder", username: "Tandem reminders"), from: Fixtures.bot)

        let batch = room.updates(for: "bob", after: 0, limit: 100)
        #expect(batch.messages.map(\.channelID) == ["general", "general"])
        // People cannot impersonate others; a bot may rename itself.
        #expect(batch.messages.map(\.senderName) == ["Alice", "Tandem reminders"])
        #expect(batch.messages.first?.date == Fixtures.fixedDate)
    }

    @Test func refusesMissingOrEmptyTextAndUnknownThread() async throws {
        #expect(throws: ChatRoomError.missingText) {
            try room.post(NewMessage(channel: "general", text: nil), from: Fixtures.alice)
        }
        #expect(throws: ChatRoomError.emptyText) {
            try post("  \n ", as: Fixtures.alice)
        }
        #expect(throws: ChatRoomError.unknownThread("42")) {
            try room.post(NewMessage(channel: "general", text: "re", thread: "42"), from: Fixtures.alice)
        }
        let parent = try post("parent", as: Fixtures.alice)
        let reply = NewMessage(channel: "general", text: "re", thread: String(parent))
        #expect(try room.post(reply, from: Fixtures.bob) == parent + 1)
    }

    @Test(.timeLimit(.minutes(3)))
    func longPollWakesOnAVisibleMessageOnlyAndCleansUp() async throws {
        let poll = Task { await room.waitForUpdates(for: "bob", after: 0, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)
        // Invisible to Bob (Alice's DM with the bot), then his own message: neither wakes him.
        _ = try post("private", in: "dm-alice-tandem", as: Fixtures.alice)
        _ = try post("mine", as: Fixtures.bob)
        _ = try post("for everyone", as: Fixtures.carol)

        let batch = await poll.value
        #expect(batch.messages.map(\.text) == ["for everyone"])
        #expect(batch.cursor == 3)
        #expect(room.waiterCount == 0)
    }

    @Test(.timeLimit(.minutes(3)))
    func cancelledLongPollReturnsAndRemovesItsWaiter() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let poll = Task { await room.waitForUpdates(for: "bob", after: nil, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)
        poll.cancel()

        let batch = await poll.value
        #expect(batch.messages.isEmpty)
        #expect(clock.now - start < .seconds(25), "the 30 s poll was not held")
        #expect(room.waiterCount == 0)
    }

    @Test(.timeLimit(.minutes(3)))
    func postResumesTheWaitingPollBeforeItReturns() async throws {
        let poll = Task { await room.waitForUpdates(for: "bob", after: 0, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)

        _ = try post("wake up", as: Fixtures.alice)
        // Checked before any await: the post itself took the waiter out and resumed it, with no
        // timer, polling loop or task in between (a waiter that re-checks on its own would still be here).
        #expect(room.waiterCount == 0)

        let batch = await poll.value
        #expect(batch.messages.map(\.text) == ["wake up"])
    }

    @Test(.timeLimit(.minutes(3)))
    func closeAnswersWaitingPollsAtOnceAndLaterOnesWithoutWaiting() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let poll = Task { await room.waitForUpdates(for: "bob", after: nil, limit: 100, timeout: .seconds(30)) }
        await room.untilWaiting(atLeast: 1)

        room.close()
        #expect(room.waiterCount == 0)
        #expect(await poll.value == UpdateBatch(messages: [], cursor: 0))
        let later = await room.waitForUpdates(for: "bob", after: 0, limit: 100, timeout: .seconds(30))
        #expect(later.messages.isEmpty)
        #expect(clock.now - start < .seconds(25), "neither poll held its 30 s")
    }

    @Test(.timeLimit(.minutes(3)), arguments: [Duration.milliseconds(1), .milliseconds(50)])
    func shortTimeoutEndsThePollAndLeavesNoWaiter(timeout: Duration) async throws {
        let batch = await room.waitForUpdates(for: "bob", after: nil, limit: 100, timeout: timeout)
        #expect(batch == UpdateBatch(messages: [], cursor: 0))
        #expect(room.waiterCount == 0)
    }
}
