import Foundation

/// How fast Sales promises to touch a handed-off lead, per priority, optionally counted in business hours.
public struct ServiceLevels: Codable, Sendable, Equatable {
    /// Business hours in the team's zone: the SLA clock only runs inside them.
    public struct BusinessHours: Codable, Sendable, Equatable {
        public var startHour: Int
        public var endHour: Int
        /// ISO weekdays (1 = Monday) that are working days.
        public var weekdays: Set<Int>

        public init(startHour: Int = 9, endHour: Int = 17, weekdays: Set<Int> = [1, 2, 3, 4, 5]) {
            self.startHour = startHour
            self.endHour = endHour
            self.weekdays = weekdays
        }
    }

    public var hotMinutes: Int
    public var warmMinutes: Int
    public var coolMinutes: Int
    public var businessHours: BusinessHours?

    public init(hotMinutes: Int = 60, warmMinutes: Int = 240, coolMinutes: Int = 1440, businessHours: BusinessHours? = nil) {
        self.hotMinutes = hotMinutes
        self.warmMinutes = warmMinutes
        self.coolMinutes = coolMinutes
        self.businessHours = businessHours
    }

    public func minutes(for priority: Handoff.Priority) -> Int {
        switch priority {
        case .hot: hotMinutes
        case .warm: warmMinutes
        case .cool: coolMinutes
        }
    }

    /// When the first touch of a lead handed off at `start` is due.
    public func due(from start: Date, priority: Handoff.Priority, zone: TimeZone) -> Date {
        let minutes = minutes(for: priority)
        guard let hours = businessHours, hours.endHour > hours.startHour, !hours.weekdays.isEmpty else {
            return start.addingTimeInterval(Double(minutes) * 60)
        }
        // Walk working day by working day; at most a few weeks even for long SLAs.
        let cal = Calendar.gregorian(zone)
        var remaining = Double(minutes) * 60
        var cursor = start
        for _ in 0..<3_660 {
            let day = Day(cursor, in: zone)
            let open = cal.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hours.startHour)) ?? cursor
            let close = cal.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hours.endHour)) ?? cursor
            if hours.weekdays.contains(day.isoWeekday), cursor < close {
                let from = max(cursor, open)
                let available = close.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            let next = day.adding(days: 1)
            cursor = cal.date(from: DateComponents(year: next.year, month: next.month, day: next.day)) ?? close
        }
        return cursor
    }
}
