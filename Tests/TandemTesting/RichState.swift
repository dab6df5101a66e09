import Foundation
import TandemCore
import TandemStore

/// A state with something of every kind in it, made the way the bot makes state: by handling chat commands.
/// For tests of what reads and writes the whole state (encoders, decoders, snapshots).
public enum RichState {
    public static let team = Team(
        members: [
            Member(id: "mia", name: "Mia", roles: [.marketingLead], language: .de, timeZone: "Europe/Berlin"),
            Member(id: "leo", name: "Leo", roles: [.marketing], language: .en, timeZone: "Europe/Berlin"),
            Member(id: "sam", name: "Sam", roles: [.sales], language: .en, timeZone: "America/New_York"),
            Member(id: "jonas", name: "Jonas", roles: [.sales], language: .de, timeZone: "Europe/Berlin"),
            Member(id: "priya", name: "Priya", roles: [.salesLead], language: .en, timeZone: "Europe/London"),
        ],
        timeZone: "Europe/Berlin", salesChannel: "sales", jointChannel: "joint")

    /// 2026-11-30 10:00 UTC.
    public static let now = Date(timeIntervalSince1970: 1_796_032_800)

    /// The commands, in order; `handoffs` new leads go through every step of their life.
    public static func commands(handoffs: Int = 24) -> [(member: String, text: String)] {
        var commands: [(String, String)] = [
            ("mia", "campaign add \"Spring Launch\" start=2027-03-01 end=2027-04-30"),
            ("mia", "campaign set spring-launch talking-points=\"Live view in a day; Uses sensors already there\" "
                + "assets=\"Deck|https://example.com/d.pdf\" promo=SPRING27 segment=\"Fertigung & Logistik\" "
                + "objective=\"120 MQLs — \\\"quoted\\\" \\\\ back\\\\slash\" tags=\"frühling, launch\""),
            ("mia", "campaign add \"Frühjahrs-Webinar 🏭\" start=2027-02-10 end=2027-03-31"),
            ("sam", "campaign note spring-launch \"Prospects ask for SAP connectors\ttabbed\""),
            ("leo", "campaign archive fruehjahr-webinar"),
            ("mia", "meeting add Pipeline 2026-12-07 09:00 every monday remind=15m"),
            ("mia", "meeting add Review 2027-01-31 16:00 monthly"),
            ("sam", "agenda add M-1 \"Lead quality from the webinar\""),
            ("jonas", "agenda done M-1 1"),
            ("mia", "meeting skip M-1 2026-12-14"),
            ("priya", "meeting cancel M-2"),
        ]
        for n in 1...handoffs {
            let rep = n % 2 == 0 ? "@sam" : "@jonas"
            let campaign = n % 3 == 0 ? "" : " campaign=spring-launch"
            commands.append(
                ("leo", "handoff \"Anna Schmidt \(n)\" to \(rep) company=\"Kessler GmbH\" email=anna\(n)@example.com"
                    + "\(campaign) priority=\(n % 4 == 0 ? "hot" : "warm") consent=yes \"asked for a demo\""))
            let id = "H-\(n)"
            let owner = n % 2 == 0 ? "sam" : "jonas"
            switch n % 6 {
            case 0: commands.append((owner, "handoff accept \(id)"))
            case 1: commands += [(owner, "handoff accept \(id)"), (owner, "handoff won \(id)")]
            case 2: commands += [(owner, "handoff reject \(id) no-budget \"frozen until Q3\"")]
            case 3: commands += [(owner, "handoff reject \(id) bad-timing"), ("leo", "handoff recycle \(id) revisit=2027-03-01")]
            case 4: commands += [(owner, "handoff accept \(id)"), (owner, "handoff lost \(id) competitor \"went with Acme\"")]
            default: break  // pending
            }
        }
        return commands
    }

    /// The state after `commands`, with the replies of the last few still owed in the outbox.
    public static func make(handoffs: Int = 24) -> StoredState {
        let handler = CommandHandler(team: team)
        var state = StoredState(cursor: "c-42")
        var now = Self.now
        for (n, command) in commands(handoffs: handoffs).enumerated() {
            let sender = team.members.first { $0.id == command.member }!
            let outcome = handler.handle(command.text, state: state.team, context: RequestContext(sender: sender, channel: "joint", now: now))
            state.team.apply(outcome.events)
            for (k, reply) in outcome.replies.enumerated() {
                state.outbox.append(OutboxEntry(key: "reply:m-\(n):\(k)", channel: reply.channel ?? "joint", body: reply.body))
            }
            state.outbox = Array(state.outbox.suffix(6))
            now += 3_607.25  // a fraction of a second, as a real clock has
        }
        state.team.apply(.noticeSent(NoticeSent(key: "reminder:M-1:2026-12-07T08:00:00Z:15", at: now)))
        return state
    }
}
