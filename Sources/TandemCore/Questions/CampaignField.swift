import Foundation

/// What a question asks about: one part of a campaign brief, as people ask for it.
///
/// Several cases read the same stored value differently (`dates`, `start`, `end` all come from the
/// campaign's dates), because "when does it end?" deserves one date, not a range.
public enum CampaignField: String, Sendable, CaseIterable {
    case offer, promoCode, dates, start, end, talkingPoints, objections, assets, owner, segment, exclusions
    case doNotSay, keyMessages, proofPoints, discoveryQuestions, kpi, objective, whyNow, oneLiner, channels
    case competitors, status, salesNotes

    /// The field's name in the member's language, the same words the full brief uses as headings,
    /// so an answer and `campaign show` read alike.
    public func label(_ language: Language) -> String {
        switch self {
        case .offer: language.pick("Offer", "Angebot")
        case .promoCode: language.pick("Promo code", "Aktionscode")
        case .dates: language.pick("Dates", "Zeitraum")
        case .start: language.pick("Start", "Start")
        case .end: language.pick("End", "Ende")
        case .talkingPoints: language.pick("Talking points", "Gesprächspunkte")
        case .objections: language.pick("Objections", "Einwände")
        case .assets: language.pick("Assets", "Material")
        case .owner: language.pick("Owner", "Verantwortlich")
        case .segment: language.pick("Segment", "Zielgruppe")
        case .exclusions: language.pick("Exclusions", "Ausschlüsse")
        case .doNotSay: language.pick("Do not say", "Nicht sagen")
        case .keyMessages: language.pick("Key messages", "Kernbotschaften")
        case .proofPoints: language.pick("Proof points", "Belege")
        case .discoveryQuestions: language.pick("Discovery questions", "Fragen an den Kunden")
        case .kpi: "KPI"
        case .objective: language.pick("Objective", "Ziel")
        case .whyNow: language.pick("Why now", "Warum jetzt")
        case .oneLiner: language.pick("One-liner", "In einem Satz")
        case .channels: language.pick("Channels", "Kanäle")
        case .competitors: language.pick("Competitors", "Wettbewerb")
        case .status: language.pick("Status", "Status")
        case .salesNotes: language.pick("Sales notes", "Notizen aus dem Vertrieb")
        }
    }

    /// The label as it reads inside an English sentence ("has nothing on record for talking points").
    /// German keeps its capitalised nouns and quotes the label instead.
    func labelInSentence(_ language: Language) -> String {
        switch (self, language) {
        case (.kpi, _): "KPI"
        case (_, .en): label(.en).lowercased()
        case (_, .de): "„" + label(.de) + "“"
        }
    }
}
