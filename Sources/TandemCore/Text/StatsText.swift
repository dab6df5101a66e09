import Foundation

/// Handoff numbers as one readable line.
enum StatsText {
    static func line(_ s: HandoffStats, _ l: Language) -> Block {
        var parts = [
            l.pick("\(s.handedOff) handed off", "\(s.handedOff) übergeben"),
            l.pick("\(s.accepted) accepted", "\(s.accepted) angenommen"),
            l.pick("\(s.rejected) rejected", "\(s.rejected) abgelehnt"),
            l.pick("\(s.won) won", "\(s.won) gewonnen"),
            l.pick("\(s.lost) lost", "\(s.lost) verloren"),
        ]
        if let sla = s.slaKeptPercent { parts.append(l.pick("SLA kept \(sla) %", "SLA eingehalten \(sla) %")) }
        var inlines: [Inline] = [.bold([.text("Leads:")]), .text(" " + parts.joined(separator: ", "))]
        if !s.rejectedByReason.isEmpty {
            inlines.append(.text(l.pick(" — top reasons: ", " — häufigste Gründe: ")
                + s.topReasons.prefix(3).map { "\($0.reason) (\($0.count))" }.joined(separator: ", ")))
        }
        return .paragraph(inlines)
    }
}
