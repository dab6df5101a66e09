import Foundation

/// The words people use for days, months, ordinals and durations, in English and German.
///
/// Every key is stored folded (``TextFolding/fold(_:)``), so "Dienstag", "dienstag", "März", "Maerz" and
/// "Tue." are looked up alike. Note that folding turns "ue" into "u": "tue" is stored as "tu".
enum WhenVocabulary {
    /// A typed word folded for lookup: case, accents and umlauts ignored, a trailing comma or semicolon
    /// dropped, and a trailing dot dropped from words ("Mo.", "Dez.") but not from numbers ("3.12.").
    static func normalize(_ word: String) -> String {
        var folded = TextFolding.loose(word)
        while let last = folded.last, last == "," || last == ";" { folded.removeLast() }
        if folded.count > 1, folded.last == ".", folded.allSatisfy({ $0.isLetter || $0 == "." }) {
            folded.removeLast()
        }
        return folded
    }

    private static func table(_ rows: [(Int, [String])]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (value, words) in rows {
            for word in words { result[TextFolding.loose(word)] = value }
        }
        return result
    }

    /// ISO weekday (Monday = 1) by full and short name.
    static let weekdays = table([
        (1, ["monday", "mon", "montag", "mo"]),
        (2, ["tuesday", "tue", "tues", "dienstag", "di"]),
        (3, ["wednesday", "wed", "mittwoch", "mi"]),
        (4, ["thursday", "thu", "thur", "thurs", "donnerstag", "do"]),
        (5, ["friday", "fri", "freitag", "fr"]),
        (6, ["saturday", "sat", "samstag", "sonnabend", "sa"]),
        (7, ["sunday", "sun", "sonntag", "so"]),
    ])

    /// The weekday a normalized word names; plurals of full names ("mondays", "montags") when `plural` allows.
    static func weekday(_ word: String, plural: Bool = false) -> Int? {
        if let day = weekdays[word] { return day }
        guard plural, word.count > 5, word.hasSuffix("s") else { return nil }
        return weekdays[String(word.dropLast())]
    }

    /// Month number by English or German name or abbreviation.
    static let months = table([
        (1, ["january", "jan", "januar", "jänner"]),
        (2, ["february", "feb", "februar"]),
        (3, ["march", "mar", "märz", "mär"]),
        (4, ["april", "apr"]),
        (5, ["may", "mai"]),
        (6, ["june", "jun", "juni"]),
        (7, ["july", "jul", "juli"]),
        (8, ["august", "aug"]),
        (9, ["september", "sep", "sept"]),
        (10, ["october", "oct", "oktober", "okt"]),
        (11, ["november", "nov"]),
        (12, ["december", "dec", "dezember", "dez"]),
    ])

    /// "first" … "fifth" and "last" (-1), with German inflections; "2nd" and "2." are read by ``ordinal(_:)``.
    static let ordinalWords = table([
        (1, ["first", "erste", "ersten", "erster"]),
        (2, ["second", "zweite", "zweiten", "zweiter"]),
        (3, ["third", "dritte", "dritten", "dritter"]),
        (4, ["fourth", "vierte", "vierten", "vierter"]),
        (5, ["fifth", "fünfte", "fünften", "fünfter"]),
        (-1, ["last", "letzte", "letzten", "letzter"]),
    ])

    /// An ordinal as a word, as "2nd"/"3rd"/"4th", or as German "2.".
    static func ordinal(_ word: String) -> Int? {
        if let value = ordinalWords[word] { return value }
        return number(word, allowing: ["st", "nd", "rd", "th", "."])
    }

    /// Small numbers as words ("a", "an", "zwei", "einer"), for "in an hour" and "every two weeks".
    static let numberWords = table([
        (1, ["a", "an", "one", "ein", "eine", "einer", "einem", "einen"]),
        (2, ["two", "zwei", "other"]),
        (3, ["three", "drei"]),
        (4, ["four", "vier"]),
        (5, ["five", "fünf"]),
        (6, ["six", "sechs"]),
    ])

    /// A plain count: digits, or a number word.
    static func count(_ word: String) -> Int? {
        numberWords[word] ?? number(word, allowing: [])
    }

    /// Digits (at most 6) optionally followed by one of `suffixes`.
    static func number(_ word: String, allowing suffixes: [String]) -> Int? {
        var digits = Substring(word)
        if let suffix = suffixes.first(where: { word.hasSuffix($0) }) {
            digits = digits.dropLast(suffix.count)
        }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber)
        else { return nil }
        return Int(digits)
    }

    /// Seconds per duration unit. "m" is minutes (never months) because reminders are minutes away, not months.
    static let unitSeconds = table([
        (60, ["m", "min", "mins", "minute", "minutes", "minuten"]),
        (3600, ["h", "hr", "hrs", "hour", "hours", "std", "stunde", "stunden"]),
        (86_400, ["d", "day", "days", "tag", "tage", "tagen"]),
        (604_800, ["w", "wk", "wks", "week", "weeks", "woche", "wochen"]),
    ])
}
