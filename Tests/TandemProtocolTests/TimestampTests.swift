import Foundation
import TandemProtocol
import Testing

@Suite("Timestamps: ISO 8601, UTC, milliseconds")
struct TimestampTests {
    @Test(arguments: zip(
        [1_796_032_800.123, 1_796_032_800, 1_796_032_800.9996, 0.5, -0.25],
        [
            "2026-11-30T10:00:00.123Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:01.000Z",
            "1970-01-01T00:00:00.500Z", "1969-12-31T23:59:59.750Z",
        ]
    ))
    func writesUTCWithMillisecondsRounded(seconds: Double, expected: String) {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test(arguments: ["2026-11-30T10:00:00.123Z", "2026-11-30T10:00:02.623Z", "1970-01-01T00:00:00.001Z"])
    func readsWhatItWrites(_ timestamp: String) throws {
        let date = try #require(Timestamp.date(from: timestamp))
        #expect(Timestamp.string(from: date) == timestamp)
    }

    /// A bridge may write seconds only, or another offset: still understood.
    @Test(arguments: zip(
        ["2026-11-30T10:00:00Z", "2026-11-30T11:00:00.123+01:00"],
        ["2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.123Z"]
    ))
    func readsOtherISO8601Forms(_ timestamp: String, asWritten expected: String) throws {
        let date = try #require(Timestamp.date(from: timestamp))
        #expect(Timestamp.string(from: date) == expected)
    }

    @Test(arguments: ["", "yesterday", "2026-11-30 10:00:00.123Z", "1796032800"])
    func refusesWhatIsNotATimestamp(_ text: String) {
        #expect(Timestamp.date(from: text) == nil)
    }

    @Test func updateDateReadsItsTimestamp() {
        let user = User(id: "alice", name: "Alice")
        let update = Update(id: "1", channel: "general", user: user, text: "hi", timestamp: "2026-11-30T10:00:00.123Z")
        #expect(update.date.map(Timestamp.string(from:)) == "2026-11-30T10:00:00.123Z")
        #expect(Update(id: "1", channel: "general", user: user, text: "hi", timestamp: nil).date == nil)
    }
}
