import Foundation

/// A change to the team state. Events are what the journal stores, so their JSON shape is stable and flat:
/// `{"type": "handoffAccepted", "handoff": "H-1", "by": "sam", "at": "…"}`. Add cases; never change the
/// meaning of an existing one.
public enum DomainEvent: Sendable, Equatable {
    case campaignCreated(Campaign)
    /// The whole new brief: simpler to apply and to audit than a field-by-field patch.
    case campaignUpdated(Campaign)
    case salesNoteAdded(SalesNoteAdded)
    case campaignArchived(CampaignArchived)
    case leadHandedOff(Handoff)
    case handoffAccepted(HandoffStep)
    case handoffRejected(HandoffStep)
    case handoffWon(HandoffStep)
    case handoffLost(HandoffStep)
    case handoffRecycled(HandoffStep)
    case handoffReassigned(HandoffStep)
    case meetingScheduled(Meeting)
    case meetingSkipped(MeetingChange)
    case meetingCancelled(MeetingChange)
    case agendaItemAdded(MeetingChange)
    case agendaItemDone(MeetingChange)
    case noticeSent(NoticeSent)
}

public struct SalesNoteAdded: Codable, Sendable, Equatable {
    public var campaign: String
    public var note: Campaign.SalesNote
    public init(campaign: String, note: Campaign.SalesNote) {
        self.campaign = campaign
        self.note = note
    }
}

public struct CampaignArchived: Codable, Sendable, Equatable {
    public var campaign: String
    public var by: String
    public var at: Date
    public init(campaign: String, by: String, at: Date) {
        self.campaign = campaign
        self.by = by
        self.at = at
    }
}

/// One transition of a handoff: who, when, why.
public struct HandoffStep: Codable, Sendable, Equatable {
    public var handoff: String
    public var by: String
    public var at: Date
    /// Reason code for rejections and losses (from the configured list), free text otherwise.
    public var reason: String?
    public var note: String?
    /// For reassignments: the new assignee; nil means the sales queue.
    public var assignee: String?
    /// For recycling: when Marketing should look at the lead again.
    public var revisit: Day?

    public init(
        handoff: String, by: String, at: Date, reason: String? = nil, note: String? = nil, assignee: String? = nil,
        revisit: Day? = nil
    ) {
        self.handoff = handoff
        self.by = by
        self.at = at
        self.reason = reason
        self.note = note
        self.assignee = assignee
        self.revisit = revisit
    }
}

extension DomainEvent: Codable {
    private enum Kind: String, Codable, CaseIterable {
        case campaignCreated, campaignUpdated, salesNoteAdded, campaignArchived, leadHandedOff, handoffAccepted,
            handoffRejected, handoffWon, handoffLost, handoffRecycled, handoffReassigned, meetingScheduled,
            meetingSkipped, meetingCancelled, agendaItemAdded, agendaItemDone, noticeSent
    }
    private enum CodingKeys: String, CodingKey { case type, campaign, handoff, meeting }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .type) {
        case .campaignCreated: self = .campaignCreated(try c.decode(Campaign.self, forKey: .campaign))
        case .campaignUpdated: self = .campaignUpdated(try c.decode(Campaign.self, forKey: .campaign))
        case .salesNoteAdded: self = .salesNoteAdded(try SalesNoteAdded(from: decoder))
        case .campaignArchived: self = .campaignArchived(try CampaignArchived(from: decoder))
        case .leadHandedOff: self = .leadHandedOff(try c.decode(Handoff.self, forKey: .handoff))
        case .handoffAccepted: self = .handoffAccepted(try HandoffStep(from: decoder))
        case .handoffRejected: self = .handoffRejected(try HandoffStep(from: decoder))
        case .handoffWon: self = .handoffWon(try HandoffStep(from: decoder))
        case .handoffLost: self = .handoffLost(try HandoffStep(from: decoder))
        case .handoffRecycled: self = .handoffRecycled(try HandoffStep(from: decoder))
        case .handoffReassigned: self = .handoffReassigned(try HandoffStep(from: decoder))
        case .meetingScheduled: self = .meetingScheduled(try c.decode(Meeting.self, forKey: .meeting))
        case .meetingSkipped: self = .meetingSkipped(try MeetingChange(from: decoder))
        case .meetingCancelled: self = .meetingCancelled(try MeetingChange(from: decoder))
        case .agendaItemAdded: self = .agendaItemAdded(try MeetingChange(from: decoder))
        case .agendaItemDone: self = .agendaItemDone(try MeetingChange(from: decoder))
        case .noticeSent: self = .noticeSent(try NoticeSent(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .campaignCreated(let campaign):
            try c.encode(Kind.campaignCreated, forKey: .type)
            try c.encode(campaign, forKey: .campaign)
        case .campaignUpdated(let campaign):
            try c.encode(Kind.campaignUpdated, forKey: .type)
            try c.encode(campaign, forKey: .campaign)
        case .salesNoteAdded(let payload):
            try c.encode(Kind.salesNoteAdded, forKey: .type)
            try payload.encode(to: encoder)
        case .campaignArchived(let payload):
            try c.encode(Kind.campaignArchived, forKey: .type)
            try payload.encode(to: encoder)
        case .leadHandedOff(let handoff):
            try c.encode(Kind.leadHandedOff, forKey: .type)
            try c.encode(handoff, forKey: .handoff)
        case .handoffAccepted(let step): try encode(step, as: .handoffAccepted, into: &c, encoder)
        case .handoffRejected(let step): try encode(step, as: .handoffRejected, into: &c, encoder)
        case .handoffWon(let step): try encode(step, as: .handoffWon, into: &c, encoder)
        case .handoffLost(let step): try encode(step, as: .handoffLost, into: &c, encoder)
        case .handoffRecycled(let step): try encode(step, as: .handoffRecycled, into: &c, encoder)
        case .handoffReassigned(let step): try encode(step, as: .handoffReassigned, into: &c, encoder)
        case .meetingScheduled(let meeting):
            try c.encode(Kind.meetingScheduled, forKey: .type)
            try c.encode(meeting, forKey: .meeting)
        case .meetingSkipped(let change): try encode(change, as: .meetingSkipped, into: &c, encoder)
        case .meetingCancelled(let change): try encode(change, as: .meetingCancelled, into: &c, encoder)
        case .agendaItemAdded(let change): try encode(change, as: .agendaItemAdded, into: &c, encoder)
        case .agendaItemDone(let change): try encode(change, as: .agendaItemDone, into: &c, encoder)
        case .noticeSent(let notice): try encode(notice, as: .noticeSent, into: &c, encoder)
        }
    }

    /// Flat shape: the payload's fields beside `type`.
    private func encode(
        _ payload: some Encodable, as kind: Kind, into c: inout KeyedEncodingContainer<CodingKeys>, _ encoder: any Encoder
    ) throws {
        try c.encode(kind, forKey: .type)
        try payload.encode(to: encoder)
    }
}
