import Foundation
import TandemCore

/// A deliberately small reading of RFC 5545 RRULEs, written from the RFC and independent of Tandem's rule
/// code, to check that an exported rule means what Tandem means.
///
/// Covers what the export writes: FREQ=WEEKLY with INTERVAL, BYDAY and WKST=MO; FREQ=MONTHLY with INTERVAL,
/// BYMONTHDAY (negative values count from the end), BYDAY=nXX and BYSETPOS. Ignores UNTIL (callers give an end).
struct RRuleOracle {
    var frequency = ""
    var interval = 1
    var byDay: [(ordinal: Int?, weekday: Int)] = []
    var byMonthDay: [Int] = []
    var bySetPosition: Int?

    private static let codes = ["MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7]

    init?(_ rule: String) {
        for part in rule.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "FREQ": frequency = pair[1]
            case "INTERVAL": interval = Int(pair[1]) ?? 1
            case "BYMONTHDAY": byMonthDay = pair[1].split(separator: ",").compactMap { Int($0) }
            case "BYSETPOS": bySetPosition = Int(pair[1])
            case "BYDAY":
                for item in pair[1].split(separator: ",") {
                    guard let weekday = Self.codes[String(item.suffix(2))] else { return nil }
                    let prefix = item.dropLast(2)
                    byDay.append((prefix.isEmpty ? nil : Int(prefix), weekday))
                }
            case "WKST": guard pair[1] == "MO" else { return nil }
            case "UNTIL": break
            default: return nil
            }
        }
    }

    /// The instance days from `start` (DTSTART's day, always the first instance) through `end`.
    func days(start: Day, through end: Day) -> [Day] {
        var result: [Day] = []
        switch frequency {
        case "WEEKLY":
            let weekdays = byDay.isEmpty ? [start.isoWeekday] : byDay.map(\.weekday).sorted()
            var monday = start.adding(days: 1 - start.isoWeekday)
            while monday <= end {
                result += weekdays.map { monday.adding(days: $0 - 1) }
                monday = monday.adding(days: 7 * interval)
            }
        case "MONTHLY":
            var (year, month) = (start.year, start.month)
            while Day(year: year, month: month, day: 1) <= end {
                var set = monthSet(year: year, month: month)
                if let position = bySetPosition {
                    let index = position > 0 ? position - 1 : set.count + position
                    set = set.indices.contains(index) ? [set[index]] : []
                }
                result += set.map { Day(year: year, month: month, day: $0) }
                month += interval
                while month > 12 { (year, month) = (year + 1, month - 12) }
            }
        default:
            return []
        }
        return result.filter { $0 >= start && $0 <= end }
    }

    /// The days of one month the BYxxx parts select, in order.
    private func monthSet(year: Int, month: Int) -> [Int] {
        let length = Day.daysIn(month: month, year: year)
        var days: Set<Int> = []
        for value in byMonthDay {
            let day = value > 0 ? value : length + 1 + value
            if (1...length).contains(day) { days.insert(day) }
        }
        for (ordinal, weekday) in byDay {
            let matching = (1...length).filter { Day(year: year, month: month, day: $0).isoWeekday == weekday }
            guard let ordinal else {
                days.formUnion(matching)
                continue
            }
            let index = ordinal > 0 ? ordinal - 1 : matching.count + ordinal
            if matching.indices.contains(index) { days.insert(matching[index]) }
        }
        return days.sorted()
    }
}
