import Foundation

extension CommandHandler {
    func today(_ context: RequestContext) -> Day { Day(context.now, in: team.zone) }

    func campaignSearch(_ query: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        if let exact = state.campaign(id: query) { return .reply(summary(of: exact, context: context)) }
        let hits = state.campaignSearch.search(query)
        let complete = hits.filter(\.isComplete)
        if complete.count == 1 || (complete.count > 1 && complete[0].score >= complete[1].score * 1.5) {
            return .reply(summary(of: state.campaigns[complete[0].position], context: context))
        }
        if !complete.isEmpty {
            var text = RichText.paragraph(
                .text(language.pick("Several campaigns match ", "Mehrere Kampagnen passen zu ")),
                .bold([.text(query)]), .text(":"))
            text.add(.bullets(complete.prefix(8).map { line(for: state.campaigns[$0.position], context: context) }))
            text.add(.text(language.pick("Details: ", "Details: ")), .code(Self.showCommand("<id>", language)))
            return .reply(text)
        }
        var text = RichText.paragraph(
            .text(language.pick("No campaign matches ", "Keine Kampagne passt zu ")), .bold([.text(InputLimits.echoed(query))]), .text("."))
        if hits.isEmpty {
            text.add(.text(language.pick("See them all with ", "Alle siehst du mit ")),
                .code(language.pick("campaign list all", "kampagne liste alle")), .text("."))
        } else {
            text.add(.text(language.pick("Did you mean:", "Meintest du:")))
            text.add(.bullets(hits.prefix(3).map { line(for: state.campaigns[$0.position], context: context) }))
        }
        return .reply(text)
    }

    func campaignList(_ filter: CampaignListFilter, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let today = today(context)
        let wanted: Set<Campaign.Status> =
            switch filter {
            case .current: [.live, .planned]
            case .planned: [.planned]
            case .live: [.live]
            case .ended: [.ended]
            case .all: Set(Campaign.Status.allCases)
            }
        let campaigns = state.campaigns.filter { wanted.contains($0.status(on: today)) }
            .sorted { ($0.start ?? Day(year: 9999, month: 12, day: 31)) < ($1.start ?? Day(year: 9999, month: 12, day: 31)) }
        guard !campaigns.isEmpty else {
            return .reply(RichText(stringLiteral: language.pick("No campaigns here yet.", "Hier gibt es noch keine Kampagnen.")))
        }
        var text = RichText.paragraph(
            .bold([.text(language.pick("Campaigns", "Kampagnen"))]), .text(" (\(campaigns.count))"))
        text.add(.bullets(campaigns.prefix(50).map { line(for: $0, context: context) }))
        if campaigns.count > 50 {
            text.add(.text(language.pick("… and \(campaigns.count - 50) more.", "… und \(campaigns.count - 50) weitere.")))
        }
        return .reply(text)
    }

    func campaignShow(_ id: String, state: TeamState, context: RequestContext) -> Outcome {
        guard let campaign = state.campaign(id: id) else {
            return campaignSearch(id, state: state, context: context)
        }
        var text = CampaignText(campaign: campaign, language: context.language, today: today(context)).brief
        let stats = HandoffStats(state.handoffPositions(campaign: campaign.id).lazy.map { state.handoffs[$0] }, now: context.now)
        if stats.handedOff > 0 { text.add(StatsText.line(stats, context.language)) }
        return .reply(text)
    }

    /// The short answer to "what is campaign X?": what a rep needs on a call, with the full brief one command away.
    func summary(of campaign: Campaign, context: RequestContext) -> RichText {
        let language = context.language
        var text = CampaignText(campaign: campaign, language: language, today: today(context)).summary
        text.add(.text(language.pick("Full brief: ", "Ganzes Briefing: ")), .code(Self.showCommand(campaign.id, language)))
        return text
    }

    func line(for campaign: Campaign, context: RequestContext) -> [Inline] {
        CampaignText(campaign: campaign, language: context.language, today: today(context)).line
    }

    /// `campaign show <id>` in the member's language: every answer about a campaign ends with it.
    static func showCommand(_ id: String, _ language: Language) -> String {
        language.pick("campaign show ", "kampagne zeige ") + id
    }
}
