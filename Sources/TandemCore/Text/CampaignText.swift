import Foundation

/// How a campaign reads in chat, at three lengths: a list line, a summary, and the full brief.
struct CampaignText {
    let campaign: Campaign
    let language: Language
    let today: Day

    private func t(_ en: String, _ de: String) -> String { language.pick(en, de) }

    var statusAndDates: String {
        let status = DateText.status(campaign.status(on: today), language)
        guard let range = DateText.range(campaign.start, campaign.end, language) else { return status }
        return status + ", " + range
    }

    var line: [Inline] {
        var inlines: [Inline] = [.bold([.text(campaign.name)]), .text(" "), .code(campaign.id), .text(" — " + statusAndDates)]
        if let oneLiner = campaign.oneLiner { inlines.append(.text(" — " + oneLiner)) }
        return inlines
    }

    var summary: RichText {
        var text = RichText.paragraph(.bold([.text(campaign.name)]), .text(" (" + statusAndDates + ")"))
        if let oneLiner = campaign.oneLiner { text.add(.text(oneLiner)) }
        if let offer = offerText { text.add(.bold([.text(t("Offer:", "Angebot:"))]), .text(" " + offer)) }
        if let segment = campaign.segment { text.add(.bold([.text(t("Segment:", "Zielgruppe:"))]), .text(" " + segment)) }
        if !campaign.talkingPoints.isEmpty {
            text.add(.bold([.text(t("Talking points:", "Gesprächspunkte:"))]))
            text.add(.bullets(campaign.talkingPoints.prefix(3).map { [.text($0)] }))
        }
        if let owner = campaign.owner { text.add(.text(t("Owner: ", "Verantwortlich: ") + owner)) }
        return text
    }

    var offerText: String? {
        guard let offer = campaign.offer else { return nil }
        var parts: [String] = []
        if let d = offer.description { parts.append(d) }
        if let code = offer.promoCode { parts.append(t("code ", "Code ") + code) }
        if let until = offer.validUntil { parts.append(t("valid until ", "gültig bis ") + DateText.day(until, language)) }
        return parts.isEmpty ? nil : parts.joined(separator: " — ")
    }

    var brief: RichText {
        var text = RichText.paragraph(.bold([.text(campaign.name)]), .text(" "), .code(campaign.id))
        func field(_ en: String, _ de: String, _ value: String?) {
            // The space outside the bold: `**Status: **planned` is not bold in Markdown (a closing `**` must follow
            // a non-space).
            if let value, !value.isEmpty { text.add(.bold([.text(t(en, de) + ":")]), .text(" " + value)) }
        }
        func list(_ en: String, _ de: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            text.add(.bold([.text(t(en, de) + ":")]))
            text.add(.bullets(values.map { [.text($0)] }))
        }
        field("Status", "Status", statusAndDates)
        if let briefing = campaign.briefingDate {
            field("Sales briefing", "Vertriebs-Briefing", DateText.day(briefing, language))
        }
        field("Owner", "Verantwortlich", campaign.owner)
        field("One-liner", "In einem Satz", campaign.oneLiner)
        field("Objective", "Ziel", campaign.objective)
        field("KPI", "KPI", campaign.kpi)
        field("Segment", "Zielgruppe", campaign.segment)
        field("Exclusions", "Ausschlüsse", campaign.exclusions)
        field("Why now", "Warum jetzt", campaign.whyNow)
        field("Offer", "Angebot", offerText)
        list("Key messages", "Kernbotschaften", campaign.keyMessages)
        list("Proof points", "Belege", campaign.proofPoints)
        list("Talking points", "Gesprächspunkte", campaign.talkingPoints)
        list("Discovery questions", "Fragen an den Kunden", campaign.discoveryQuestions)
        if !campaign.objections.isEmpty {
            text.add(.bold([.text(t("Objections", "Einwände") + ":")]))
            text.add(.bullets(campaign.objections.map { [.text("„\($0.objection)“ → "), .text($0.answer)] }))
        }
        field("Competitors", "Wettbewerb", campaign.competitorNotes)
        if !campaign.assets.isEmpty {
            text.add(.bold([.text(t("Assets", "Material") + ":")]))
            text.add(.bullets(campaign.assets.map { [.link(title: $0.title, url: $0.url)] }))
        }
        field("Channels", "Kanäle", campaign.channels.isEmpty ? nil : campaign.channels.joined(separator: ", "))
        list("Do not say", "Nicht sagen", campaign.doNotSay)
        if !campaign.salesNotes.isEmpty {
            text.add(.bold([.text(t("Sales notes", "Notizen aus dem Vertrieb") + ":")]))
            text.add(.bullets(campaign.salesNotes.suffix(5).map { [.text($0.author + ": "), .text($0.text)] }))
        }
        return text
    }
}
