import Foundation

/// One field of a campaign, rendered compactly: a short value reads on one line, a list as bullets.
enum FieldValue: Equatable {
    case inline([Inline])
    case bullets([[Inline]])
}

extension CampaignText {
    /// The value of `field` as an answer shows it, or nil when the brief has nothing for it, so that the
    /// answer can say so instead of showing an empty heading. Texts are the brief's own, so a field reads the
    /// same here as in `campaign show`.
    func value(of field: CampaignField) -> FieldValue? {
        switch field {
        case .offer: text(offerText)
        case .promoCode: promoCode
        case .dates: dates
        case .start: campaign.start.map { .inline([.text(DateText.day($0, language))]) }
        case .end: end
        case .talkingPoints: list(campaign.talkingPoints)
        case .objections:
            campaign.objections.isEmpty
                ? nil : .bullets(campaign.objections.map { [.text("„\($0.objection)“ → "), .text($0.answer)] })
        case .assets:
            campaign.assets.isEmpty ? nil : .bullets(campaign.assets.map { [.link(title: $0.title, url: $0.url)] })
        case .owner: text(campaign.owner)
        case .segment: text(campaign.segment)
        case .exclusions: text(campaign.exclusions)
        case .doNotSay: list(campaign.doNotSay)
        case .keyMessages: list(campaign.keyMessages)
        case .proofPoints: list(campaign.proofPoints)
        case .discoveryQuestions: list(campaign.discoveryQuestions)
        case .kpi: text(campaign.kpi)
        case .objective: text(campaign.objective)
        case .whyNow: text(campaign.whyNow)
        case .oneLiner: text(campaign.oneLiner)
        case .channels: text(campaign.channels.isEmpty ? nil : campaign.channels.joined(separator: ", "))
        case .competitors: text(campaign.competitorNotes)
        case .status: text(statusAndDates)
        case .salesNotes:
            campaign.salesNotes.isEmpty
                ? nil : .bullets(campaign.salesNotes.suffix(5).map { [.text($0.author + ": "), .text($0.text)] })
        }
    }

    private func text(_ value: String?) -> FieldValue? {
        guard let value, !value.isEmpty else { return nil }
        return .inline([.text(value)])
    }

    private func list(_ values: [String]) -> FieldValue? {
        let values = values.filter { !$0.isEmpty }
        return values.isEmpty ? nil : .bullets(values.map { [.text($0)] })
    }

    /// The code itself as code, so it can be copied; its validity beside it because a rep quoting an expired
    /// code loses the deal.
    private var promoCode: FieldValue? {
        guard let code = campaign.offer?.promoCode, !code.isEmpty else { return nil }
        var inlines: [Inline] = [.code(code)]
        if let until = campaign.offer?.validUntil {
            let validity = language.pick("valid until ", "gültig bis ") + DateText.day(until, language)
            inlines.append(.text(" (" + validity + ")"))
        }
        return .inline(inlines)
    }

    private var dates: FieldValue? {
        guard let range = DateText.range(campaign.start, campaign.end, language) else { return nil }
        var text = range + " (" + DateText.status(campaign.status(on: today), language) + ")"
        if let briefing = campaign.briefingDate {
            text += language.pick("; sales briefing ", "; Vertriebs-Briefing ") + DateText.day(briefing, language)
        }
        return .inline([.text(text)])
    }

    /// The campaign's last day, and the offer's when it differs: both are "the end" to someone.
    private var end: FieldValue? {
        let offerEnd = campaign.offer?.validUntil.flatMap { $0 == campaign.end ? nil : $0 }
        let offerText = offerEnd.map {
            language.pick("offer valid until ", "Angebot gültig bis ") + DateText.day($0, language)
        }
        switch (campaign.end, offerText) {
        case (nil, nil): return nil
        case (let end?, nil): return .inline([.text(DateText.day(end, language))])
        case (nil, let offer?): return .inline([.text(offer)])
        case (let end?, let offer?): return .inline([.text(DateText.day(end, language) + "; " + offer)])
        }
    }
}
