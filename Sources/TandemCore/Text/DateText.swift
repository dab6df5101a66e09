import Foundation

/// Dates as people read them, in their language: "3 Dec 2026", "3. Dez. 2026".
public enum DateText {
    static let monthsEN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthsDE = [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.",
    ]

    public static func day(_ d: Day, _ language: Language) -> String {
        language == .de
            ? "\(d.day). \(monthsDE[d.month - 1]) \(d.year)"
            : "\(d.day) \(monthsEN[d.month - 1]) \(d.year)"
    }

    /// "1 Mar – 30 Apr 2026", or an open range.
    public static func range(_ start: Day?, _ end: Day?, _ language: Language) -> String? {
        switch (start, end) {
        case (nil, nil): nil
        case (let s?, nil): language.pick("from ", "ab ") + day(s, language)
        case (nil, let e?): language.pick("until ", "bis ") + day(e, language)
        case (let s?, let e?): day(s, language) + " – " + day(e, language)
        }
    }

    public static func status(_ status: Campaign.Status, _ language: Language) -> String {
        switch status {
        case .draft: language.pick("draft", "Entwurf")
        case .planned: language.pick("planned", "geplant")
        case .live: language.pick("live", "läuft")
        case .ended: language.pick("ended", "beendet")
        case .archived: language.pick("archived", "archiviert")
        }
    }
}
