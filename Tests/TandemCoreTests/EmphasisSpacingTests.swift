@testable import TandemCore
import Testing

/// A bold span that starts or ends with a space is not bold in Markdown (`**Status: **planned` shows the stars):
/// no reply may hold one. Checked on every field of a full campaign, in both languages, and on the weekly report.
struct EmphasisSpacingTests {
    static func spacedBold(in text: RichText) -> [String] {
        func walk(_ inlines: [Inline]) -> [String] {
            inlines.flatMap { inline -> [String] in
                guard case .bold(let inner) = inline else { return [] }
                let plain = inner.map { if case .text(let s) = $0 { s } else { "x" } }.joined()
                let spaced = plain.first?.isWhitespace == true || plain.last?.isWhitespace == true
                return (spaced ? [plain] : []) + walk(inner)
            }
        }
        return text.blocks.flatMap { block -> [String] in
            switch block {
            case .paragraph(let inlines): walk(inlines)
            case .bullets(let items): items.flatMap(walk)
            }
        }
    }

    @Test(arguments: [Language.en, .de])
    func noBoldSpanIsPaddedWithSpaces(language: Language) {
        for campaign in Fixtures.campaigns {
            let brief = CampaignText(campaign: campaign, language: language, today: Day(Fixtures.now, in: Fixtures.team.zone)).brief
            #expect(Self.spacedBold(in: brief).isEmpty, "\(campaign.id): \(Self.spacedBold(in: brief))")
        }
        let handler = CommandHandler(team: Fixtures.team)
        let sender = language == .de ? Fixtures.mia : Fixtures.leo
        for command in ["report", "campaign spring", "campaign list", "campaign spring-launch", "handoff stats", "meeting list"] {
            let outcome = handler.handle(command, state: Fixtures.state, context: Fixtures.context(sender))
            for reply in outcome.replies {
                #expect(Self.spacedBold(in: reply.body).isEmpty, "\(command): \(Self.spacedBold(in: reply.body))")
            }
        }
    }
}
