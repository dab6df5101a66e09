import Foundation

/// Calendar arithmetic on `Day` without a `Calendar`: schedules ask "which week, which month, which weekday"
/// thousands of times, and plain integer maths (proleptic Gregorian) answers in O(1) with no allocation.
extension Day {
    /// Days since 1970-01-01 (negative before it). Howard Hinnant's `days_from_civil`.
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `dayNumber` days after 1970-01-01. Hinnant's `civil_from_days`.
    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// `n` days later (earlier for negative `n`); like `adding(days:)` but without a `Calendar`.
    func plus(days n: Int) -> Day {
        Day(dayNumber: dayNumber + n)
    }

    /// Whether the fields name a real date (2026-02-30 does not).
    var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= Day.daysIn(month: month, year: year)
    }

    /// ISO weekday (Monday = 1 … Sunday = 7) by arithmetic; 1970-01-01 was a Thursday.
    var weekdayNumber: Int {
        ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// The Monday-based week this day falls in, counted from the week of 1970-01-01 (which began on Monday 1969-12-29).
    var weekIndex: Int {
        Day.floorDiv(dayNumber + 3, 7)
    }

    /// The Monday that starts week `week` (see `weekIndex`).
    static func monday(ofWeek week: Int) -> Day {
        Day(dayNumber: week * 7 - 3)
    }

    /// Months since January 1970, so "every 3 months" is a plain modulo.
    var monthIndex: Int {
        (year - 1970) * 12 + (month - 1)
    }

    /// The first day of the month `monthIndex` months after January 1970.
    static func firstOfMonth(index: Int) -> Day {
        Day(year: 1970 + floorDiv(index, 12), month: floorMod(index, 12) + 1, day: 1)
    }

    /// Integer division rounding towards minus infinity, so days before 1970 fall in the right week.
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The remainder matching `floorDiv`: always in `0..<b` for positive `b`.
    static func floorMod(_ a: Int, _ b: Int) -> Int {
        a - floorDiv(a, b) * b
    }
}
