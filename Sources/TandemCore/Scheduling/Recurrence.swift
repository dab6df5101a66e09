import Foundation

/// How a meeting repeats: the calendar rule, applied to local days in the meeting's zone.
///
/// The series is anchored at the first start's day: week and month intervals count from its week and
/// month, and no occurrence falls before it. The anchor day itself is an occurrence only when it matches
/// the rule (a meeting first planned on a Monday that repeats "every tuesday" starts on the Tuesday).
public struct Recurrence: Sendable, Equatable, Codable {
    public enum Rule: Sendable, Equatable, Codable {
        /// A single meeting.
        case none
        /// Every `interval` weeks on the ISO `weekdays` (1 = Monday … 7 = Sunday). Weeks run Monday to
        /// Sunday and are counted from the first start's week, so interval 2 is "every other week" in step
        /// with the first meeting. No weekdays means the first start's weekday.
        case weekly(interval: Int, weekdays: [Int])
        /// Every `interval` months on day `day` (1…31). A month without that day (the 31st in April, the
        /// 30th in February) holds the meeting on its LAST day instead: a monthly report on the 31st
        /// happens every month. (iCalendar's BYMONTHDAY=31 would skip those months instead; the export
        /// writes a rule that keeps Tandem's meaning.)
        case monthlyOnDay(interval: Int, day: Int)
        /// Every `interval` months on the `ordinal` `weekday`: 1…5 counts from the start of the month,
        /// -1 is the last, -2 the second to last. A month without a 5th Tuesday has no meeting.
        case monthlyOnWeekday(interval: Int, ordinal: Int, weekday: Int)
    }

    public var rule: Rule

    public init(_ rule: Rule) {
        self.rule = rule
    }

    /// A meeting that happens once.
    public static let once = Recurrence(.none)
}

extension Recurrence.Rule {
    /// The first day on or after `day` (and not before `anchor`) that this rule holds a meeting on.
    ///
    /// O(1) for weekly rules; monthly rules look at a handful of months, more only for rare ordinals
    /// (a 5th Monday in February), bounded by `monthSearchLimit`.
    func firstDay(onOrAfter day: Day, anchor: Day) -> Day? {
        let from = max(day, anchor)
        switch self {
        case .none:
            return day <= anchor ? anchor : nil

        case .weekly(let interval, let weekdays):
            let interval = max(1, interval)
            let valid = Set(weekdays.filter { (1...7).contains($0) }).sorted()
            let days = valid.isEmpty ? [anchor.weekdayNumber] : valid
            var week = from.weekIndex
            let phase = Day.floorMod(week - anchor.weekIndex, interval)
            if phase == 0, let weekday = days.first(where: { $0 >= from.weekdayNumber }) {
                return Day.monday(ofWeek: week).plus(days: weekday - 1)
            }
            week += interval - phase
            return Day.monday(ofWeek: week).plus(days: days[0] - 1)

        case .monthlyOnDay(let interval, let dayOfMonth):
            return firstInMonths(from: from, anchor: anchor, interval: interval) { month in
                let last = Day.daysIn(month: month.month, year: month.year)
                return Day(year: month.year, month: month.month, day: min(max(1, dayOfMonth), last))
            }

        case .monthlyOnWeekday(let interval, let ordinal, let weekday):
            guard (1...7).contains(weekday), (1...5).contains(ordinal) || (-5 ... -1).contains(ordinal) else {
                return nil
            }
            return firstInMonths(from: from, anchor: anchor, interval: interval) { month in
                Recurrence.Rule.weekday(weekday, ordinal: ordinal, inMonthOf: month)
            }
        }
    }

    /// Whether this rule holds a meeting on `day`.
    func matches(_ day: Day, anchor: Day) -> Bool {
        firstDay(onOrAfter: day, anchor: anchor) == day
    }

    /// Enough months to find a 5th Monday in February (once in 28 years) at any interval.
    static let monthSearchLimit = 12 * 400

    /// Walks the months in step with the anchor's month and returns the first day `pick` chooses on or
    /// after `from`.
    private func firstInMonths(from: Day, anchor: Day, interval: Int, pick: (Day) -> Day?) -> Day? {
        let interval = max(1, interval)
        var index = from.monthIndex
        let phase = Day.floorMod(index - anchor.monthIndex, interval)
        if phase != 0 { index += interval - phase }
        var looked = 0
        while looked < Recurrence.Rule.monthSearchLimit {
            if let day = pick(Day.firstOfMonth(index: index)), day >= from { return day }
            index += interval
            looked += interval
        }
        return nil
    }

    /// The `ordinal` `weekday` of the month `month` falls in; nil when the month has none (a 5th Tuesday).
    static func weekday(_ weekday: Int, ordinal: Int, inMonthOf month: Day) -> Day? {
        let length = Day.daysIn(month: month.month, year: month.year)
        let dayOfMonth: Int
        if ordinal > 0 {
            let first = Day(year: month.year, month: month.month, day: 1)
            dayOfMonth = 1 + (weekday - first.weekdayNumber + 7) % 7 + (ordinal - 1) * 7
        } else {
            let last = Day(year: month.year, month: month.month, day: length)
            dayOfMonth = length - (last.weekdayNumber - weekday + 7) % 7 + (ordinal + 1) * 7
        }
        guard (1...length).contains(dayOfMonth) else { return nil }
        return Day(year: month.year, month: month.month, day: dayOfMonth)
    }
}
