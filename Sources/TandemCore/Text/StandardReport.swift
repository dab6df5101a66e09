import Foundation

/// The standard report both teams read: campaigns live and starting soon; handoffs made, accepted,
/// rejected (top reasons), won and lost per campaign; SLA kept; overdue handoffs by rep.
public struct StandardReport: Sendable {
    let state: TeamState
    let team: Team
    let now: Date
    let days: Int

    public init(state: TeamState, team: Team, now: Date, days: Int) {
        self.state = state
        self.team = team
        self.now = now
        self.days = days
    }

    /// The report in `reader`'s language and zone.
    public func render(for reader: Member) -> RichText {
        let l = reader.language
        let today = Day(now, in: team.zone)
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        var text = RichText.paragraph(.bold([.text(l.pick("Standard report", "Standardbericht") + " — "
            + (days == 7 ? l.pick("last 7 days", "letzte 7 Tage") : l.pick("last \(days) days", "letzte \(days) Tage")))]))

        let live = state.campaigns.filter { $0.status(on: today) == .live }
        let soon = state.campaigns.filter {
            $0.status(on: today) == .planned && ($0.start.map { today.days(until: $0) <= 30 } ?? false)
        }
        text.add(.bold([.text(l.pick("Campaigns live", "Laufende Kampagnen") + " (\(live.count))")]))
        if !live.isEmpty { text.add(.bullets(live.map { CampaignText(campaign: $0, language: l, today: today).line })) }
        text.add(.bold([.text(l.pick("Starting within 30 days", "Starten in 30 Tagen") + " (\(soon.count))")]))
        if !soon.isEmpty { text.add(.bullets(soon.map { CampaignText(campaign: $0, language: l, today: today).line })) }

        // Handoffs made in the period, grouped by campaign.
        let recent = state.handoffs.reversed().prefix { $0.createdAt >= since }
        let total = HandoffStats(recent, now: now)
        text.add(.bold([.text(l.pick("Handoffs", "Übergaben") + " (\(total.handedOff))")]))
        if total.handedOff > 0 {
            var byCampaign: [String: HandoffStats] = [:]
            for handoff in recent { byCampaign[handoff.campaign ?? "", default: HandoffStats()].add(handoff, now: now) }
            text.add(.bullets(byCampaign.sorted { $0.value.handedOff > $1.value.handedOff }.map { id, stats in
                let name = state.campaign(id: id)?.name ?? l.pick("no campaign", "ohne Kampagne")
                guard case .paragraph(let inlines) = StatsText.line(stats, l) else { return [.text(name)] }
                return [.bold([.text(name + ":")])] + inlines.dropFirst()  // the rest starts with its space
            }))
            text.add(StatsText.line(total, l))
        }

        // Only the overdue ones are copied: copying every open handoff would cost as much as the state is large.
        let overdue = state.openHandoffs.sorted().filter { state.handoffs[$0].isOverdue(at: now) }.map { state.handoffs[$0] }
        text.add(.bold([.text(l.pick("Overdue handoffs", "Überfällige Übergaben") + " (\(overdue.count))")]))
        if !overdue.isEmpty {
            let byRep = Dictionary(grouping: overdue) { $0.assignee ?? "queue" }
            text.add(.bullets(byRep.sorted { $0.value.count > $1.value.count }.map { rep, list in
                [.text((team.member(id: rep)?.name ?? rep) + ": "), .text(list.map(\.id).joined(separator: ", "))]
            }))
        }
        return text
    }
}
