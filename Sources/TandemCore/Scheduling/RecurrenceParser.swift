import Foundation

/// Reads how a meeting repeats, in English and German.
///
/// Accepted (weekday lists as `mon,thu`, `mon, thu`, `monday and thursday`, `mo/do`):
/// - `every monday`, `every mon,thu`, `jeden dienstag`, `mondays`, `montags und donnerstags`
/// - `every 2 weeks on tuesday`, `every other week`, `alle 2 wochen dienstag`, `jeden zweiten dienstag`
/// - `weekly`/`wöchentlich` (the first start's weekday, or `weekly on friday`), `biweekly`/`zweiwöchentlich`
/// - `daily`/`täglich`, `every weekday`/`werktags` (Monday to Friday, as a weekly rule)
/// - `monthly`/`monatlich` (the first start's day of month), `monthly on day 31`, `monthly on the 15th`,
///   `monatlich am 15.`, `monthly on the last day`
/// - `monthly on the last friday`, `every month on the 2nd tuesday`, `monatlich am letzten freitag`,
///   `every 3 months on the first monday`, `jeden ersten Montag im Monat`, `every last friday`
/// - `quarterly`/`vierteljährlich` (every 3 months on the first start's day)
///
/// "every second tuesday" and "jeden zweiten Dienstag" mean every other Tuesday; "first" and "last"
/// without "of the month" mean the month ("every last friday").
public enum RecurrenceParser {
    /// Parses a recurrence at the START of `words`.
    ///
    /// - Parameter firstStart: the first meeting's day, which fills in a weekday or day of month left unsaid.
    /// - Returns: the recurrence and how many words it used; nil if the words do not start with one, or
    ///   name an impossible one ("monthly on day 32", "every 6th friday").
    public static func parse(_ words: [String], firstStart: Day) -> (Recurrence, consumed: Int)? {
        let reader = Reader(words: words.map(WhenVocabulary.normalize), anchor: firstStart)
        guard let (rule, end) = reader.read() else { return nil }
        return (Recurrence(rule), end)
    }
}

/// The grammar, over folded words.
private struct Reader {
    let words: [String]
    let anchor: Day

    typealias Result = (Recurrence.Rule, Int)

    static let everyWords: Set<String> = ["every", "each", "jeden", "jede", "jeder", "jedes", "alle"]
    static let weekUnits: Set<String> = ["week", "weeks", "woche", "wochen"]
    static let monthUnits: Set<String> = ["month", "months", "monat", "monate", "monats"]
    static let dayWords: Set<String> = ["day", "tag"]
    static let weekdayWords: Set<String> = ["weekday", "weekdays", "werktag", "werktage", "werktags", "werktaglich"]
    static let listJoiners: Set<String> = ["and", "und", "&", ","]
    static let monthPhrases = [
        ["of", "the", "month"], ["of", "each", "month"], ["of", "every", "month"], ["in", "the", "month"],
        ["im", "monat"], ["des", "monats"], ["jedes", "monats"], ["eines", "monats"],
    ]

    func word(_ i: Int) -> String? { i < words.count ? words[i] : nil }

    func read() -> Result? {
        guard let head = word(0) else { return nil }
        switch head {
        case "daily", "taglich": return (.weekly(interval: 1, weekdays: Array(1...7)), 1)
        case _ where Self.weekdayWords.contains(head): return (.weekly(interval: 1, weekdays: Array(1...5)), 1)
        case "weekly", "wochentlich": return weekly(interval: 1, at: 1)
        case "biweekly", "fortnightly", "zweiwochentlich", "vierzehntagig", "vierzehntaglich":
            return weekly(interval: 2, at: 1)
        case "monthly", "monatlich": return monthly(interval: 1, at: 1)
        case "quarterly", "vierteljahrlich", "quartalsweise": return monthly(interval: 3, at: 1)
        case _ where Self.everyWords.contains(head): return every(at: 1)
        default:
            // "mondays", "montags und donnerstags": a plural weekday list on its own.
            guard WhenVocabulary.weekdays[head] == nil, WhenVocabulary.weekday(head, plural: true) != nil,
                let (days, end) = weekdays(at: 0)
            else { return nil }
            return (.weekly(interval: 1, weekdays: days), end)
        }
    }

    /// After "every" / "jeden" / "alle".
    private func every(at i: Int) -> Result? {
        guard let next = word(i) else { return nil }
        if Self.dayWords.contains(next) { return (.weekly(interval: 1, weekdays: Array(1...7)), i + 1) }
        if Self.weekdayWords.contains(next) { return (.weekly(interval: 1, weekdays: Array(1...5)), i + 1) }
        if Self.weekUnits.contains(next) { return weekly(interval: 1, at: i + 1) }
        if Self.monthUnits.contains(next) { return monthly(interval: 1, at: i + 1) }
        if let (days, end) = weekdays(at: i) { return (.weekly(interval: 1, weekdays: days), end) }

        // "every 2 weeks", "every other week", "jeden zweiten Monat", "every last friday", "every 15th".
        guard let n = WhenVocabulary.count(next) ?? WhenVocabulary.ordinal(next) else { return nil }
        let unit = word(i + 1)
        if let unit, Self.weekUnits.contains(unit) { return n >= 1 ? weekly(interval: n, at: i + 2) : nil }
        if let unit, Self.monthUnits.contains(unit) { return n >= 1 ? monthly(interval: n, at: i + 2) : nil }
        if let unit, Self.dayWords.contains(unit), n == -1 {
            return (.monthlyOnDay(interval: 1, day: 31), monthSuffix(at: i + 2).end)
        }
        if let (days, end) = weekdays(at: i + 1) {
            let (ofMonth, suffixEnd) = monthSuffix(at: end)
            if ofMonth || n == 1 || n == -1 {
                guard days.count == 1, Self.isWeekdayOrdinal(n) else { return nil }
                return (.monthlyOnWeekday(interval: 1, ordinal: n, weekday: days[0]), suffixEnd)
            }
            return n >= 2 ? (.weekly(interval: n, weekdays: days), end) : nil
        }
        // "every 15th", "jeden 15. des Monats": an ordinal, not a bare count, names a day of the month.
        guard WhenVocabulary.count(next) == nil, (1...31).contains(n) else { return nil }
        return (.monthlyOnDay(interval: 1, day: n), monthSuffix(at: i + 1).end)
    }

    /// After "weekly" or "every n weeks": an optional "on" / "am" and weekday list.
    private func weekly(interval: Int, at i: Int) -> Result? {
        let start = word(i) == "on" || word(i) == "am" ? i + 1 : i
        if let (days, end) = weekdays(at: start) { return (.weekly(interval: interval, weekdays: days), end) }
        return (.weekly(interval: interval, weekdays: [anchor.weekdayNumber]), i)
    }

    /// After "monthly" or "every n months": which day of the month, else the first start's.
    private func monthly(interval: Int, at i: Int) -> Result? {
        var k = i
        var introduced = false
        if word(k) == "on" || word(k) == "am" {
            k += 1
            introduced = true
        }
        if word(k) == "the" {
            k += 1
            introduced = true
        }
        let fallback: Result = (.monthlyOnDay(interval: interval, day: anchor.day), i)
        guard let first = word(k) else { return fallback }

        // "day 31", "tag 15"
        if Self.dayWords.contains(first), let n = word(k + 1).flatMap(WhenVocabulary.count) {
            guard (1...31).contains(n) else { return nil }
            return (.monthlyOnDay(interval: interval, day: n), monthSuffix(at: k + 2).end)
        }
        guard let n = WhenVocabulary.ordinal(first) else { return fallback }
        // "last day", "letzten Tag"
        if n == -1, let next = word(k + 1), Self.dayWords.contains(next) {
            return (.monthlyOnDay(interval: interval, day: 31), monthSuffix(at: k + 2).end)
        }
        // "2nd tuesday", "letzten Freitag"
        if let next = word(k + 1), let weekday = WhenVocabulary.weekday(next) {
            guard Self.isWeekdayOrdinal(n) else { return nil }
            return (.monthlyOnWeekday(interval: interval, ordinal: n, weekday: weekday), monthSuffix(at: k + 2).end)
        }
        // "on the 15th", "am 15."
        guard introduced else { return fallback }
        guard (1...31).contains(n) else { return nil }
        return (.monthlyOnDay(interval: interval, day: n), monthSuffix(at: k + 1).end)
    }

    /// A weekday list at `i`: `mon,thu`, `mon, thu`, `monday and thursday`, `mo/do`, `montags`.
    private func weekdays(at i: Int) -> ([Int], end: Int)? {
        var days: [Int] = []
        var k = i
        var end = i
        while let current = word(k) {
            if !days.isEmpty, Self.listJoiners.contains(current) {
                k += 1
                continue
            }
            let parts = current.split(whereSeparator: { $0 == "," || $0 == "/" }).map(String.init)
            let found = parts.compactMap { WhenVocabulary.weekday($0, plural: true) }
            guard !parts.isEmpty, found.count == parts.count else { break }
            days += found
            k += 1
            end = k
        }
        return days.isEmpty ? nil : (Array(Set(days)).sorted(), end)
    }

    /// An optional "of the month" / "of each month" / "im Monat" / "des Monats" / "jedes Monats".
    private func monthSuffix(at i: Int) -> (present: Bool, end: Int) {
        for phrase in Self.monthPhrases where phrase.indices.allSatisfy({ word(i + $0) == phrase[$0] }) {
            return (true, i + phrase.count)
        }
        return (false, i)
    }

    static func isWeekdayOrdinal(_ n: Int) -> Bool {
        (1...5).contains(n) || n == -1
    }
}
