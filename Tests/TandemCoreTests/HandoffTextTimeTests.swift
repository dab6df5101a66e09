import Foundation
import Testing

@testable import TandemCore

struct HandoffTextTimeTests {
    /// `time(_:for:)` builds its text by hand from the zone's offset; it must read as `Calendar` and
    /// `String(format:)` would, across a year of daylight-saving changes in three zones.
    @Test func timeReadsAsTheFormatItReplaced() {
        for reader in [Fixtures.sam, Fixtures.mia, Fixtures.priya] {
            for step in stride(from: -200 * 86_400, to: 200 * 86_400, by: 7 * 3600 + 13 * 60 + 11) {
                let date = Fixtures.now.addingTimeInterval(TimeInterval(step))
                let c = Calendar.gregorian(reader.zone).dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
                let weekday = ((c.weekday ?? 1) - 1) % 7
                let names = reader.language == .de ? ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"] : ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
                let day = DateText.day(Day(year: c.year!, month: c.month!, day: c.day!), reader.language)
                let expected = String(format: "%@ %@, %02d:%02d", names[weekday], day, c.hour!, c.minute!)
                #expect(HandoffText.time(date, for: reader) == expected)
            }
        }
    }
}
