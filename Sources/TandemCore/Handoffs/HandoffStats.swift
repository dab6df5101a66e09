import Foundation

/// The numbers both teams agree on, derived from handoffs: never stored, so they cannot drift.
public struct HandoffStats: Sendable, Equatable {
    public var handedOff = 0
    public var accepted = 0
    public var rejected = 0
    public var rejectedByReason: [String: Int] = [:]
    public var won = 0
    public var lost = 0
    public var recycled = 0
    /// Handoffs whose first touch (accept or reject) came within the SLA …
    public var slaKept = 0
    /// … out of those whose SLA outcome is known (touched, or past due).
    public var slaDecided = 0

    public init() {}

    /// Stats over `handoffs` as of `now`. A handoff counts as accepted if it was ever accepted (won and
    /// lost leads were accepted first).
    public init(_ handoffs: some Sequence<Handoff>, now: Date) {
        for handoff in handoffs { add(handoff, now: now) }
    }

    public mutating func add(_ handoff: Handoff, now: Date) {
        handedOff += 1
        if handoff.acceptedAt != nil { accepted += 1 }
        for step in handoff.history {
            switch step.status {
            case .rejected:
                rejected += 1
                rejectedByReason[step.reason ?? "?", default: 0] += 1
            case .won: won += 1
            case .lost: lost += 1
            case .recycled: recycled += 1
            case .pending, .accepted: break
            }
        }
        if let kept = handoff.keptSLA(at: now) {
            slaDecided += 1
            if kept { slaKept += 1 }
        }
    }

    /// SLA kept in percent, nil when nothing is decided yet.
    public var slaKeptPercent: Int? {
        slaDecided == 0 ? nil : Int((Double(slaKept) * 100 / Double(slaDecided)).rounded())
    }

    /// Reasons, most frequent first.
    public var topReasons: [(reason: String, count: Int)] {
        rejectedByReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
    }
}
