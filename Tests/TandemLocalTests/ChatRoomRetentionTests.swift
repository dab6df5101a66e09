import Foundation
import Synchronization
import TandemProtocol
import Testing

@testable import TandemLocal

/// Memory stays bounded: messages are dropped by count and by age, and their idempotency keys with them.
@Suite("ChatRoom retention")
struct ChatRoomRetentionTests {
    /// A `now` the test moves by hand.
    final class ManualNow: Sendable {
        private let date = Mutex(Fixtures.fixedDate)

        func read() -> Date { date.withLock { $0 } }
        func advance(by seconds: TimeInterval) { date.withLock { $0 += seconds } }
    }

    let now = ManualNow()

    private func makeRoom(retainedMessages: Int = 10_000, retainedSeconds: TimeInterval = 3600) throws -> ChatRoom {
        let directory = try ChatDirectory(configuration: Fixtures.configuration())
        let now = now
        return ChatRoom(
            directory: directory, retainedMessages: retainedMessages, retainedSeconds: retainedSeconds,
            now: { now.read() })
    }

    @Test func countBoundHoldsHowEverManyArePosted() throws {
        let room = try makeRoom(retainedMessages: 100)
        for n in 1...1_000 {
            _ = try room.post(NewMessage(channel: "general", text: "m\(n)", idempotencyKey: "k\(n)"), from: Fixtures.alice)
            #expect(room.retainedCount <= 100)
        }
        #expect(room.retainedCount == 100)
        #expect(room.idempotencyKeyCount == 100)
        #expect(room.updates(for: "bob", after: 0, limit: 1000).messages.first?.text == "m901")
    }

    @Test func messagesOlderThanTheAgeBoundAreDroppedWithTheirKeys() throws {
        let room = try makeRoom(retainedSeconds: 3600)
        for n in 1...3 {
            _ = try room.post(NewMessage(channel: "general", text: "old \(n)", idempotencyKey: "old-\(n)"), from: Fixtures.alice)
        }
        now.advance(by: 3599)
        #expect(room.retainedCount == 3)

        now.advance(by: 2)
        _ = try room.post(NewMessage(channel: "general", text: "new", idempotencyKey: "new"), from: Fixtures.alice)
        #expect(room.retainedCount == 1)
        #expect(room.idempotencyKeyCount == 1)
        #expect(room.updates(for: "bob", after: 0, limit: 100).messages.map(\.text) == ["new"])
        // The evicted message's key no longer answers its id: the same key posts anew.
        let again = try room.post(NewMessage(channel: "general", text: "old 1", idempotencyKey: "old-1"), from: Fixtures.alice)
        #expect(again == 5)
    }
}
