import Foundation

extension QuestionAnswerer {
    /// The reply: just the field asked for, in the member's language, plus "Full brief: `campaign show <id>`".
    ///
    /// When the campaign is unclear it asks "Which campaign do you mean?" with the candidates; when the field
    /// is unclear it gives the campaign's summary; when the campaign has no value for the field it says so
    /// plainly and names the owner to ask. An assumed campaign is always named as an assumption.
    public static func answer(
        _ understanding: QuestionUnderstanding, state: TeamState, context: RequestContext, today: Day
    ) -> RichText {
        let language = context.language
        guard let position = understanding.campaignPosition, state.campaigns.indices.contains(position) else {
            return whichCampaign(understanding, state: state, language: language, today: today)
        }
        let campaign = state.campaigns[position]
        let text = CampaignText(campaign: campaign, language: language, today: today)
        var reply = RichText()
        if understanding.campaignIsAssumed {
            reply.add(
                .text(language.pick("I assume you mean ", "Ich nehme an, du meinst ")), .bold([.text(campaign.name)]),
                .text(language.pick(", the only live campaign.", ", die einzige laufende Kampagne.")))
        }
        if let field = understanding.field {
            let heading: [Inline] = [
                .bold([.text(campaign.name)]), .text(" — "), .bold([.text(field.label(language) + ":")]),
            ]
            switch text.value(of: field) {
            case .inline(let value)?:
                reply.add(.paragraph(heading + [.text(" ")] + value))
            case .bullets(let items)?:
                reply.add(.paragraph(heading))
                reply.add(.bullets(items))
            case nil:
                reply.add(contentsOf: missing(field, of: campaign, language: language))
            }
        } else {
            reply.add(contentsOf: text.summary)
        }
        reply.add(
            .text(language.pick("Full brief: ", "Ganzes Briefing: ")),
            .code(CommandHandler.showCommand(campaign.id, language)))
        return reply
    }

    /// Says plainly that the brief has nothing for `field`, and who can fill the gap.
    private static func missing(_ field: CampaignField, of campaign: Campaign, language: Language) -> RichText {
        let name = Inline.bold([.text(campaign.name)])
        let gap: [Inline] =
            switch (field, language) {
            case (.owner, .en): [name, .text(" has no owner on record yet.")]
            case (.owner, .de): [.text("Für "), name, .text(" ist noch niemand als verantwortlich eingetragen.")]
            case (_, .en): [name, .text(" has nothing on record for \(field.labelInSentence(.en)) yet.")]
            case (_, .de):
                [.text("Für "), name, .text(" ist zu \(field.labelInSentence(.de)) noch nichts hinterlegt.")]
            }
        var text = RichText([.paragraph(gap)])
        if let owner = campaign.owner, !owner.isEmpty, field != .owner {
            text.add(
                .text(language.pick("Ask ", "Frag am besten ")), .bold([.text(owner)]),
                .text(language.pick(", who owns it.", " – verantwortlich für die Kampagne.")))
        } else {
            text.add(.text(language.pick("Ask Marketing who runs it.", "Frag im Marketing nach, wer sie betreut.")))
        }
        return text
    }

    /// "Which campaign do you mean?", with what was understood and the campaigns it could be.
    private static func whichCampaign(
        _ understanding: QuestionUnderstanding, state: TeamState, language: Language, today: Day
    ) -> RichText {
        var text = RichText()
        var question: [Inline] = []
        if let field = understanding.field {
            question.append(
                .text(language.pick("You asked about ", "Du fragst nach ") + field.labelInSentence(language) + ". "))
        }
        question.append(.text(language.pick("Which campaign do you mean?", "Welche Kampagne meinst du?")))
        let candidates = understanding.ambiguous.filter { state.campaigns.indices.contains($0) }
        guard !candidates.isEmpty else {
            question.append(.text(language.pick(" None is live right now.", " Gerade läuft keine.")))
            text.add(.paragraph(question))
            text.add(
                .text(language.pick("See them all with ", "Alle siehst du mit ")),
                .code(language.pick("campaign list all", "kampagne liste alle")), .text("."))
            return text
        }
        text.add(.paragraph(question))
        func line(_ position: Int) -> [Inline] {
            CampaignText(campaign: state.campaigns[position], language: language, today: today).line
        }
        text.add(.bullets(candidates.map(line)))
        text.add(
            .text(language.pick("Ask again with its name, or see one with ", "Frag noch einmal mit Namen oder nutze ")),
            .code(CommandHandler.showCommand(language.pick("<id>", "<ID>"), language)), .text("."))
        return text
    }
}
