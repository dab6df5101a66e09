import Testing
import TandemCore
import TandemStore

@testable import TandemRuntime

/// The sender's bookkeeping as plain values: which replies may leave, and when their `sent` marks are recorded.
struct ReplyLanesTests {
    private func entry(_ key: String, _ channel: String) -> OutboxEntry {
        OutboxEntry(key: key, channel: channel, body: .paragraph(.text(key)))
    }

    @Test func oneLanePerChannelInJournalOrderUpToTheWidth() {
        var lanes = ReplyLanes(width: 2)
        let outbox = [entry("a1", "a"), entry("b1", "b"), entry("a2", "a"), entry("c1", "c"), entry("b2", "b")]
        let started = lanes.start(from: outbox)
        #expect(started.map { $0.map(\.key) } == [["a1", "a2"], ["b1", "b2"]])
        #expect(lanes.start(from: outbox).isEmpty, "no lane for c while a and b run")

        lanes.finished("a", done: ["a1", "a2"])
        let next = lanes.start(from: outbox)
        #expect(next.map { $0.map(\.key) } == [["c1"]], "done keys are not sent again; b still runs")
    }

    @Test func marksAreRecordedTogetherWhenTheLanesAreIdleOrWidthKeysWait() {
        var lanes = ReplyLanes(width: 2)
        _ = lanes.start(from: [entry("a1", "a"), entry("b1", "b")])
        lanes.finished("a", done: ["a1"])
        #expect(lanes.takeRecordable() == nil, "b still runs and one key is fewer than the width")
        lanes.finished("b", done: ["b1"])
        #expect(lanes.takeRecordable() == ["a1", "b1"])
        #expect(lanes.takeRecordable() == nil, "one record at a time")
    }

    @Test func keysOfAFailedRecordWaitForTheNextAndAreNotSentAgain() {
        var lanes = ReplyLanes(width: 4)
        let outbox = [entry("a1", "a"), entry("a2", "a")]
        _ = lanes.start(from: Array(outbox.prefix(1)))
        lanes.finished("a", done: ["a1"])
        #expect(lanes.takeRecordable() == ["a1"])
        lanes.recorded(false)
        #expect(lanes.start(from: outbox).map { $0.map(\.key) } == [["a2"]])
        lanes.finished("a", done: ["a2"])
        #expect(lanes.takeRecordable() == ["a1", "a2"])
        lanes.recorded(true)
        #expect(lanes.done.isEmpty && lanes.recording.isEmpty)
    }

    @Test func aBatchTakesTheDoneKeysAndGivesThemBackWhenItsRecordFails() {
        var lanes = ReplyLanes(width: 4)
        let outbox = [entry("a1", "a"), entry("b1", "b")]
        _ = lanes.start(from: outbox)
        lanes.finished("a", done: ["a1"])
        #expect(lanes.takeForBatch() == ["a1"])
        #expect(!lanes.hasRecordable && lanes.takeRecordable() == nil, "nothing left for a record of the sender's own")
        lanes.finished("b", done: ["b1"])
        #expect(lanes.start(from: outbox).isEmpty, "riding and done keys are not sent again")
        lanes.rode(false)
        #expect(lanes.done == ["a1", "b1"], "a failed batch record leaves its marks owed, in order")
        #expect(lanes.takeForBatch() == ["a1", "b1"])
        lanes.rode(true)
        #expect(lanes.done.isEmpty && lanes.riding.isEmpty)
    }

    /// Where replies name their message (Matrix), each answered message has its own lane: two people in one room
    /// are answered side by side, while the parts of one answer keep their order.
    @Test func perMessageLanesSplitAChannelByTheMessageAnswered() {
        var lanes = ReplyLanes(width: 8, perMessage: true)
        let outbox = [
            OutboxEntry(key: OutboxEntry.replyKey(answering: "$a:x", part: 0), channel: "!room", body: RichText()),
            OutboxEntry(key: OutboxEntry.replyKey(answering: "$a:x", part: 1), channel: "!room", body: RichText()),
            OutboxEntry(key: OutboxEntry.replyKey(answering: "$b", part: 0), channel: "!room", body: RichText()),
            OutboxEntry(key: "sla:H-1:1", channel: "!room", body: RichText()),
        ]
        let started = lanes.start(from: outbox).map { $0.map(\.key) }
        #expect(started == [["reply:$a:x:0", "reply:$a:x:1"], ["reply:$b:0"], ["sla:H-1:1"]])
        #expect(outbox.map(\.answeredMessage) == ["$a:x", "$a:x", "$b", nil])
        var perChannel = ReplyLanes(width: 8)
        #expect(perChannel.start(from: outbox).count == 1)
    }
}

/// Senders take turns within a batch, each keeping their own order: a hundred commands from one script do not put a
/// colleague's question behind them.
struct TakingTurnsTests {
    static func message(_ id: String, from user: String) -> ChatMessage {
        ChatMessage(id: id, channel: "joint", userID: user, userName: user, text: "@tandem help")
    }

    @Test(arguments: [
        (["a1:a", "a2:a", "a3:a", "b1:b", "c1:c", "b2:b"], ["a1", "b1", "c1", "a2", "b2", "a3"]),
        (["a1:a", "a2:a"], ["a1", "a2"]),
        (["a1:a", "b1:b"], ["a1", "b1"]),
        ([], []),
    ])
    func sendersTakeTurns(batch: [String], expected: [String]) {
        let messages = batch.map { entry in
            let parts = entry.split(separator: ":").map(String.init)
            return Self.message(parts[0], from: parts[1])
        }
        #expect(BotLoop.takingTurns(messages).map(\.id) == expected)
    }
}
