import Foundation

/// Maps `field=value` options onto a campaign brief. Lists take `;` between items; assets and objections take
/// `title|url` and `objection|answer` pairs.
enum CampaignFields {
    /// The field names people type, folded (case, dashes and underscores do not matter).
    static let names = [
        "name", "owner", "status", "briefing", "start", "end", "objective", "kpi", "segment", "exclusions", "whynow",
        "oneliner", "offer", "promo", "validuntil", "competitors", "tags", "channels", "keymessages", "talkingpoints",
        "proofpoints", "questions", "donotsay", "assets", "objections",
    ]

    private static let synonyms: [String: String] = [
        "promocode": "promo", "code": "promo", "offeruntil": "validuntil", "messages": "keymessages",
        "points": "talkingpoints", "proof": "proofpoints", "discoveryquestions": "questions", "briefingdate": "briefing",
        "title": "name", "competition": "competitors", "angebot": "offer", "ziel": "objective", "zielgruppe": "segment",
    ]

    /// A field as replies name it: the label the brief shows, in the member's language (not the typed key).
    static func label(_ key: String, _ language: Language) -> String {
        let field: CampaignField? = switch key {
        case "owner": .owner
        case "status": .status
        case "start": .start
        case "end": .end
        case "objective": .objective
        case "kpi": .kpi
        case "segment": .segment
        case "exclusions": .exclusions
        case "whynow": .whyNow
        case "oneliner": .oneLiner
        case "offer": .offer
        case "promo": .promoCode
        case "competitors": .competitors
        case "channels": .channels
        case "keymessages": .keyMessages
        case "talkingpoints": .talkingPoints
        case "proofpoints": .proofPoints
        case "questions": .discoveryQuestions
        case "donotsay": .doNotSay
        case "assets": .assets
        case "objections": .objections
        default: nil
        }
        if let field { return field.label(language) }
        return switch key {
        case "name": language.pick("Name", "Name")
        case "briefing": language.pick("Sales briefing", "Vertriebs-Briefing")
        case "validuntil": language.pick("Offer valid until", "Angebot gültig bis")
        case "tags": language.pick("Tags", "Schlagwörter")
        default: key
        }
    }

    static func key(_ raw: String) -> String {
        let folded = TextFolding.fold(raw).filter { $0 != "-" && $0 != "_" }
        return synonyms[folded] ?? folded
    }

    /// Applies `fields`; returns the problem (in `language`) instead of applying anything when one is wrong.
    /// - Parameter readDay: reads a date as the member typed it ("2027-03-01", "morgen", "Fr").
    static func apply(
        _ fields: [String: String], to campaign: inout Campaign, _ language: Language, readDay: (String) -> Day?
    ) -> String? {
        var updated = campaign
        for (raw, value) in fields.sorted(by: { $0.key < $1.key }) {
            let text = value.trimmingCharacters(in: .whitespaces)
            let optional: String? = text.isEmpty ? nil : text
            func list() -> [String] {
                text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            func pairs() -> [(String, String)]? {
                var result: [(String, String)] = []
                for item in list() {
                    let parts = item.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2 else { return nil }
                    result.append((parts[0], parts[1]))
                }
                return result
            }
            func day() -> Day?? {
                if text.isEmpty { return .some(nil) }
                return readDay(text).map { .some($0) }
            }
            switch key(raw) {
            case "name":
                guard let optional else { return language.pick("A campaign needs a name.", "Eine Kampagne braucht einen Namen.") }
                guard optional.count <= InputLimits.nameCharacters else {
                    return language.pick(
                        "A campaign name has at most \(InputLimits.nameCharacters) characters (this one \(optional.count)).",
                        "Ein Kampagnenname hat höchstens \(InputLimits.nameCharacters) Zeichen (dieser \(optional.count)).")
                }
                updated.name = optional
            case "owner": updated.owner = optional
            case "status":
                if text.isEmpty || TextFolding.fold(text) == "auto" {
                    updated.statusOverride = nil
                } else if let status = Campaign.Status(rawValue: TextFolding.fold(text)) {
                    updated.statusOverride = status
                } else {
                    return language.pick("status is one of: ", "status ist eines von: ")
                        + Campaign.Status.allCases.map(\.rawValue).joined(separator: ", ") + ", auto"
                }
            case "briefing", "start", "end", "validuntil":
                guard let parsed = day() else {
                    return language.pick(
                        "\(raw) needs a date like 2027-03-01, at most \(WhenParser.maxYearsAway) years from today.",
                        "\(raw) braucht ein Datum wie 2027-03-01, höchstens \(WhenParser.maxYearsAway) Jahre von heute entfernt.")
                }
                switch key(raw) {
                case "briefing": updated.briefingDate = parsed
                case "start": updated.start = parsed
                case "end": updated.end = parsed
                default: updated.offer = withOffer(updated.offer) { $0.validUntil = parsed }
                }
            case "objective": updated.objective = optional
            case "kpi": updated.kpi = optional
            case "segment": updated.segment = optional
            case "exclusions": updated.exclusions = optional
            case "whynow": updated.whyNow = optional
            case "oneliner": updated.oneLiner = optional
            case "offer": updated.offer = withOffer(updated.offer) { $0.description = optional }
            case "promo": updated.offer = withOffer(updated.offer) { $0.promoCode = optional }
            case "competitors": updated.competitorNotes = optional
            case "tags": updated.tags = list()
            case "channels": updated.channels = list()
            case "keymessages": updated.keyMessages = list()
            case "talkingpoints": updated.talkingPoints = list()
            case "proofpoints": updated.proofPoints = list()
            case "questions": updated.discoveryQuestions = list()
            case "donotsay": updated.doNotSay = list()
            case "assets":
                guard let pairs = pairs(), pairs.allSatisfy({ $0.1.hasPrefix("https://") || $0.1.hasPrefix("http://") }) else {
                    return language.pick("assets take title|https://url pairs, separated by ;",
                        "assets nimmt Titel|https://url-Paare, getrennt durch ;")
                }
                updated.assets = pairs.map { Campaign.Asset(title: $0.0, url: $0.1) }
            case "objections":
                guard let pairs = pairs() else {
                    return language.pick("objections take objection|answer pairs, separated by ;",
                        "objections nimmt Einwand|Antwort-Paare, getrennt durch ;")
                }
                updated.objections = pairs.map { Campaign.Objection(objection: $0.0, answer: $0.1) }
            default:
                return language.pick("I don't know the field ", "Das Feld kenne ich nicht: ") + raw + ". "
                    + language.pick("Fields: ", "Felder: ") + names.joined(separator: ", ")
            }
        }
        let datesChanged = fields.keys.contains { ["start", "end"].contains(key($0)) }
        if datesChanged, let start = updated.start, let end = updated.end, end < start {
            return language.pick(
                "The end (\(end)) is before the start (\(start)).", "Das Ende (\(end)) liegt vor dem Start (\(start)).")
        }
        campaign = updated
        return nil
    }

    private static func withOffer(_ offer: Campaign.Offer?, _ change: (inout Campaign.Offer) -> Void) -> Campaign.Offer? {
        var offer = offer ?? Campaign.Offer()
        change(&offer)
        return offer == Campaign.Offer() ? nil : offer
    }

    /// A short, typable id from a name: "Spring Launch 2027!" → "spring-launch-2027".
    static func slug(_ name: String, taken: (String) -> Bool) -> String {
        let words = TextFolding.words(name).prefix(5)
        var base = words.joined(separator: "-")
        if base.isEmpty { base = "campaign" }
        if base.count > 40 { base = String(base.prefix(40)) }
        var candidate = base
        var n = 2
        while taken(candidate) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }
}
