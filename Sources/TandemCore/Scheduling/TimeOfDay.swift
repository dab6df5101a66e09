import Foundation

/// A time on the wall clock ("09:30"), without a day or zone: what people type after a day.
public struct TimeOfDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 0…23.
    public var hour: Int
    /// 0…59.
    public var minute: Int

    public init(hour: Int, minute: Int = 0) {
        self.hour = hour
        self.minute = minute
    }

    /// Nil for impossible clock readings (25:00, 10:60), so parsers can refuse them instead of wrapping.
    public init?(validatingHour hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// Minutes after midnight, for ordering and arithmetic.
    public var minutesSinceMidnight: Int { hour * 60 + minute }

    /// "09:30": the 24-hour form both languages read.
    public var description: String {
        String(format: "%02d:%02d", hour, minute)
    }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool {
        a.minutesSinceMidnight < b.minutesSinceMidnight
    }
}
