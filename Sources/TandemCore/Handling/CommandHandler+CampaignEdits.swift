import Foundation

extension CommandHandler {
    func campaignAdd(name: String, fields: [String: String], state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let id = fields["id"].map { TextFolding.words($0).joined(separator: "-") }
            ?? CampaignFields.slug(name, taken: { state.campaign(id: $0) != nil })
        if id.isEmpty || state.campaign(id: id) != nil {
            return .reply(RichText.paragraph(
                .text(language.pick("A campaign with the id ", "Eine Kampagne mit der ID ")), .code(id),
                .text(language.pick(" exists already.", " gibt es schon."))))
        }
        var campaign = Campaign(id: id, name: name, owner: context.sender.name)
        var rest = fields
        rest["id"] = nil
        rest["name"] = name  // checked like any name set later
        if let problem = CampaignFields.apply(rest, to: &campaign, language, readDay: { day($0, context) }) {
            return .reply(RichText(stringLiteral: problem))
        }
        var text = RichText.paragraph(
            .text(language.pick("Created ", "Angelegt: ")), .bold([.text(campaign.name)]), .text(" "), .code(id),
            .text(language.pick(". Add details with ", ". Details ergänzen mit ")),
            .code(language.pick("campaign set \(id) field=value", "kampagne setze \(id) feld=wert")), .text("."))
        if campaign.start == nil { text.add(.text(language.pick("It is a draft until it has dates.", "Ohne Daten bleibt sie ein Entwurf."))) }
        return Outcome(events: [.campaignCreated(campaign)], replies: [Reply(body: text)])
    }

    func campaignSet(id: String, fields: [String: String], state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard var campaign = state.campaign(id: id) else { return noSuchCampaign(id, state: state, context: context) }
        if let problem = CampaignFields.apply(fields, to: &campaign, language, readDay: { day($0, context) }) {
            return .reply(RichText(stringLiteral: problem))
        }
        let changed = Set(fields.keys.map(CampaignFields.key)).map { CampaignFields.label($0, language) }.sorted()
            .joined(separator: ", ")
        return Outcome(
            events: [.campaignUpdated(campaign)],
            replies: [Reply(body: RichText.paragraph(
                .text(language.pick("Updated ", "Geändert in ")), .bold([.text(campaign.name)]), .text(": " + changed + ".")))])
    }

    func campaignNote(id: String, text: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let campaign = state.campaign(id: id) else { return noSuchCampaign(id, state: state, context: context) }
        let note = Campaign.SalesNote(author: context.sender.name, at: context.now, text: text)
        return Outcome(
            events: [.salesNoteAdded(SalesNoteAdded(campaign: campaign.id, note: note))],
            replies: [Reply(body: RichText.paragraph(
                .text(language.pick("Noted on ", "Notiert bei ")), .bold([.text(campaign.name)]),
                .text(language.pick(". Marketing sees it in the brief.", ". Das Marketing sieht es im Briefing."))))])
    }

    func campaignArchive(id: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let campaign = state.campaign(id: id) else { return noSuchCampaign(id, state: state, context: context) }
        if campaign.statusOverride == .archived {
            return .reply(RichText.paragraph(.bold([.text(campaign.name)]), .text(language.pick(" is archived already.", " ist schon archiviert."))))
        }
        return Outcome(
            events: [.campaignArchived(CampaignArchived(campaign: campaign.id, by: context.sender.id, at: context.now))],
            replies: [Reply(body: RichText.paragraph(.text(language.pick("Archived ", "Archiviert: ")), .bold([.text(campaign.name)]), .text(".")))])
    }

    /// A whole date expression in the sender's zone: ISO, German dates, weekday names, "morgen", "in 3 days".
    func day(_ text: String, _ context: RequestContext) -> Day? {
        let words = text.split(separator: " ").map(String.init)
        guard let parsed = WhenParser.parse(words, now: context.now, zone: context.sender.zone), parsed.consumed == words.count
        else { return nil }
        return parsed.day
    }

    /// "No campaign X" plus the closest ones, so the member can retry with the right id.
    func noSuchCampaign(_ id: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        var text = RichText.paragraph(
            .text(language.pick("There is no campaign with the id ", "Es gibt keine Kampagne mit der ID ")), .code(id), .text("."))
        let hits = state.campaignSearch.search(id).prefix(3)
        if !hits.isEmpty {
            text.add(.text(language.pick("Did you mean:", "Meintest du:")))
            text.add(.bullets(hits.map { line(for: state.campaigns[$0.position], context: context) }))
        }
        return .reply(text)
    }
}
