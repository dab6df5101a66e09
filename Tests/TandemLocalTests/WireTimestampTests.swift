import Foundation
import TandemProtocol
import Testing
@testable import TandemLocal

@Suite("WireTimestamp writes what Timestamp writes")
struct WireTimestampTests {
    /// The epoch, leap days, year and century ends, rounding up into the next second, day and year, and the
    /// edges of the fast path (before 1970 and from year 10000 on, Timestamp's own path).
    static let edges: [TimeInterval] = [
        0, 0.0004, 0.0005, 0.9995, 59.9996, 86_399.9995, 951_782_400, 951_868_799.999, 1_709_164_800.5,
        1_796_032_800.123, 1_798_761_599.9996, 4_107_542_400, 253_402_300_799.999, 253_402_300_799.9996,
        253_402_300_800, -0.0004, -1, -86_400.5,
    ]

    @Test(arguments: edges)
    func edgeDatesMatch(seconds: TimeInterval) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(WireTimestamp.string(from: date) == Timestamp.string(from: date))
    }

    /// 20,000 dates spread over 1970…9999 by a fixed linear congruential sequence, with sub-millisecond parts.
    @Test func generatedDatesMatch() {
        var state: UInt64 = 0x5DEE_CE66
        var mismatches: [TimeInterval] = []
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = TimeInterval(state >> 11) / TimeInterval(1 << 53) * 253_402_300_800
            let date = Date(timeIntervalSince1970: seconds)
            if WireTimestamp.string(from: date) != Timestamp.string(from: date) {
                mismatches.append(seconds)
            }
        }
        #expect(mismatches.isEmpty)
    }

    @Test func loggedMessagesCarryTheirWireTimestamp() {
        let date = Fixtures.fixedDate
        let message = LoggedMessage(
            id: 1, channelID: "general", senderID: "alice", senderName: "Alice", text: "hi", date: date, thread: nil,
            idempotencyKey: nil)
        #expect(message.timestamp == Timestamp.string(from: date))
        #expect(Update(message).timestamp == Timestamp.string(from: date))
    }
}
