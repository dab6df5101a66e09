import Foundation

/// Reading the day part of an expression: named days, weekdays and written dates.
extension WhenParser {
    /// A day, and the time when the same word carried one (`2026-12-03T10:00`).
    struct DayReading {
        var day: Day
        var time: TimeOfDay?
    }

    /// Words that make "next monday" mean the same as "monday".
    private static let nextWords: Set<String> = [
        "next", "nachste", "nachsten", "nachster", "nachstes", "kommende", "kommenden", "kommender",
    ]

    /// Reads a day at `index`, optionally after "on" / "am" ("on monday", "am 3.12.").
    static func scanDay(_ words: [String], at index: Int, today: Day) -> WhenScan<DayReading> {
        guard index < words.count else { return .absent }
        if words[index] == "on" || words[index] == "am" {
            let inner = scanNamedOrWrittenDay(words, at: index + 1, today: today)
            if case .absent = inner { return .absent }
            return inner
        }
        return scanNamedOrWrittenDay(words, at: index, today: today)
    }

    private static func scanNamedOrWrittenDay(_ words: [String], at i: Int, today: Day) -> WhenScan<DayReading> {
        guard i < words.count else { return .absent }
        func word(_ offset: Int) -> String? { i + offset < words.count ? words[i + offset] : nil }
        func found(_ day: Day, _ used: Int) -> WhenScan<DayReading> { .found(DayReading(day: day), end: i + used) }

        switch words[i] {
        case "today", "heute": return found(today, 1)
        case "tomorrow", "morgen": return found(today.plus(days: 1), 1)
        case "ubermorgen": return found(today.plus(days: 2), 1)
        case "day" where word(1) == "after" && word(2) == "tomorrow": return found(today.plus(days: 2), 3)
        case "the" where word(1) == "day" && word(2) == "after" && word(3) == "tomorrow":
            return found(today.plus(days: 2), 4)
        case let next where nextWords.contains(next):
            guard let weekday = word(1).flatMap({ WhenVocabulary.weekday($0) }) else { return .absent }
            return found(nextWeekday(weekday, after: today), 2)
        default:
            break
        }
        if let weekday = WhenVocabulary.weekday(words[i]) {
            return found(nextWeekday(weekday, after: today), 1)
        }
        for reading in [isoDate(words[i]), dottedDate(words[i], today: today)] where !reading.isAbsent {
            return reading.advanced(by: i)
        }
        return monthNameDate(words, at: i, today: today)
    }

    /// The next `weekday` strictly after `today`: on a Monday, "monday" means in a week.
    static func nextWeekday(_ weekday: Int, after today: Day) -> Day {
        let ahead = (weekday - today.weekdayNumber + 7) % 7
        return today.plus(days: ahead == 0 ? 7 : ahead)
    }

    /// `2026-12-03` or `2026-12-03T10:00` (folded, so the `T` is lower-case).
    private static func isoDate(_ word: String) -> WhenScan<DayReading> {
        let halves = word.split(separator: "t", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
            (1...2).contains(parts[2].count), let y = digits(parts[0]), let m = digits(parts[1]),
            let d = digits(parts[2])
        else { return .absent }
        let day = Day(year: y, month: m, day: d)
        guard day.isValid else { return .invalid }
        guard halves.count == 2 else { return .found(DayReading(day: day), end: 1) }
        guard case .found(let time, _) = clockReading(String(halves[1]), allowDot: false) else { return .invalid }
        return .found(DayReading(day: day, time: time), end: 1)
    }

    /// German `3.12.2026`, `03.12.26` or `3.12.` (the next 3 December from today on).
    private static func dottedDate(_ word: String, today: Day) -> WhenScan<DayReading> {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            [0, 2, 4].contains(parts[2].count), let d = digits(parts[0]), let m = digits(parts[1])
        else { return .absent }
        if parts[2].isEmpty {
            guard let day = upcoming(month: m, day: d, from: today) else { return .invalid }
            return .found(DayReading(day: day), end: 1)
        }
        guard let y = digits(parts[2]) else { return .absent }
        let day = Day(year: parts[2].count == 2 ? 2000 + y : y, month: m, day: d)
        return day.isValid ? .found(DayReading(day: day), end: 1) : .invalid
    }

    /// `3 Dec`, `3. Dezember 2026`, `3rd december`, `Dec 3`, `December 3rd, 2026`.
    private static func monthNameDate(_ words: [String], at i: Int, today: Day) -> WhenScan<DayReading> {
        guard i + 1 < words.count else { return .absent }
        let dayFirst = WhenVocabulary.months[words[i + 1]].map { ($0, words[i]) }
        let monthFirst = WhenVocabulary.months[words[i]].map { ($0, words[i + 1]) }
        guard let (month, dayWord) = dayFirst ?? monthFirst,
            let d = WhenVocabulary.number(dayWord, allowing: ["st", "nd", "rd", "th", "."]), dayWord.count <= 4
        else { return .absent }
        if i + 2 < words.count, words[i + 2].count == 4, let y = digits(Substring(words[i + 2])) {
            let day = Day(year: y, month: month, day: d)
            return day.isValid ? .found(DayReading(day: day), end: i + 3) : .invalid
        }
        guard let day = upcoming(month: month, day: d, from: today) else { return .invalid }
        return .found(DayReading(day: day), end: i + 2)
    }

    /// The first `day`.`month` on or after `today` (29 February may be years away); nil if it never exists.
    private static func upcoming(month: Int, day: Int, from today: Day) -> Day? {
        (today.year...today.year + 8).lazy
            .map { Day(year: $0, month: month, day: day) }
            .first { $0.isValid && $0 >= today }
    }

    /// ASCII digits only, so "１２" or "+3" are not read as numbers.
    static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

extension WhenScan {
    var isAbsent: Bool {
        if case .absent = self { true } else { false }
    }

    /// A single-word reading moved to where the word was found.
    func advanced(by index: Int) -> WhenScan {
        if case .found(let value, let end) = self { return .found(value, end: end + index) }
        return self
    }
}
