import Foundation

/// Everything Tandem knows about the team's work, as a pure fold of domain events.
///
/// Members are not part of it: they come from the configuration, which the admin owns. The indexes are
/// derived from the events and never encoded.
public struct TeamState: Sendable, Equatable {
    /// Campaigns in the order they were created.
    public private(set) var campaigns: [Campaign] = []
    private var campaignIndex: [String: Int] = [:]
    public private(set) var campaignSearch = CampaignSearchIndex()

    /// Handoffs in the order they were made; `H-n` is at position n - 1.
    public private(set) var handoffs: [Handoff] = []
    /// Positions of pending and accepted handoffs: lists of open work never scan closed history.
    public private(set) var openHandoffs: Set<Int> = []
    /// Positions of the handoffs of each campaign id, oldest first (a handoff's campaign never changes).
    private var handoffsByCampaign: [String: [Int]] = [:]
    /// Positions of the open handoffs of each assignee (nil: the sales queue) and of each marketer who made
    /// them: "my handoffs" without reading every open handoff.
    private var openByAssignee: [String?: Set<Int>] = [:]
    private var openByMarketer: [String: Set<Int>] = [:]
    /// The pending handoffs, earliest first-touch due first (then by position): the overdue ones at any moment
    /// are a prefix, found by binary search instead of by reading every open handoff.
    private var pendingByDue: [PendingDue] = []

    struct PendingDue: Comparable {
        var due: Date
        var position: Int
        static func < (a: Self, b: Self) -> Bool { (a.due, a.position) < (b.due, b.position) }
    }

    /// Meetings in the order they were scheduled; `M-n` is at position n - 1.
    public private(set) var meetings: [Meeting] = []
    /// Keys of reminders, escalations and reports already sent.
    public private(set) var sentNotices: Set<String> = []

    public init() {}

    /// A state of these campaigns (the last of those with one id wins) and new handoffs, as the events that
    /// created them would build it.
    public init(campaigns: [Campaign], handoffs: [Handoff] = []) {
        for campaign in campaigns { upsert(campaign, indexing: false) }
        campaignSearch = CampaignSearchIndex(campaigns: self.campaigns)  // in bulk: one sort of the vocabulary
        for handoff in handoffs { apply(.leadHandedOff(handoff)) }
    }

    /// The state its stored records describe, with indexes built from exactly these records (see `Indexes`):
    /// nothing is replayed, the handoffs carry their status already.
    package init(_ records: Records, indexes: Indexes) {
        for campaign in records.campaigns { upsert(campaign, indexing: false) }
        handoffs = records.handoffs
        openHandoffs = indexes.open.positions
        openByAssignee = indexes.open.byAssignee
        openByMarketer = indexes.open.byMarketer
        pendingByDue = indexes.open.byDue
        handoffsByCampaign = indexes.byCampaign.positions
        meetings = records.meetings
        sentNotices = records.sentNotices
        // Campaigns with one id (never written by Tandem) were merged: the index is of what is left.
        campaignSearch =
            campaigns.count == records.campaigns.count ? indexes.search : CampaignSearchIndex(campaigns: campaigns)
    }

    /// What is stored of this state: the records, without the indexes.
    public var records: Records {
        Records(campaigns: campaigns, handoffs: handoffs, meetings: meetings, sentNotices: sentNotices)
    }

    public func campaign(id: String) -> Campaign? {
        campaignIndex[id.lowercased()].map { campaigns[$0] }
    }

    /// `H-42`, `h-42` or `42`.
    public func handoff(id: String) -> Handoff? {
        handoffPosition(id).map { handoffs[$0] }
    }

    /// Positions in `handoffs` of the handoffs for the campaign with exactly this id, oldest first.
    public func handoffPositions(campaign id: String) -> [Int] {
        handoffsByCampaign[id] ?? []
    }

    /// Positions of the open handoffs assigned to `assignee` (nil: the sales queue).
    public func openHandoffPositions(assignee: String?) -> Set<Int> {
        openByAssignee[assignee] ?? []
    }

    /// Positions of the open handoffs that `marketer` handed off.
    public func openHandoffPositions(from marketer: String) -> Set<Int> {
        openByMarketer[marketer] ?? []
    }

    /// Positions of the pending handoffs whose first touch was due before `now`, most overdue first: a view of
    /// the index, not a copy (a list shows 30 of thousands).
    public func overdueHandoffPositions(at now: Date) -> some RandomAccessCollection<Int> {
        // A closure, not the key path `\.position`: applying a key path per element cost more than the rest.
        pendingByDue[..<pendingByDue.partitioningIndex { $0.due >= now }].lazy.map { $0.position }
    }

    /// The id the next handoff gets.
    public var nextHandoffID: String { Self.handoffID(position: handoffs.count) }

    /// `H-n` is at position n - 1.
    static func handoffID(position: Int) -> String { "H-\(position + 1)" }

    func handoffPosition(_ id: String) -> Int? {
        let digits = id.uppercased().hasPrefix("H-") ? id.dropFirst(2) : Substring(id)
        guard let n = Int(digits), n >= 1, n <= handoffs.count else { return nil }
        return n - 1
    }

    public func meeting(id: String) -> Meeting? {
        meetingPosition(id).map { meetings[$0] }
    }

    public var nextMeetingID: String { "M-\(meetings.count + 1)" }

    func meetingPosition(_ id: String) -> Int? {
        let digits = id.uppercased().hasPrefix("M-") ? id.dropFirst(2) : Substring(id)
        guard let n = Int(digits), n >= 1, n <= meetings.count else { return nil }
        return n - 1
    }

    /// Applies one event. Events were validated by the handler that made them, so applying never fails;
    /// an event about something unknown changes nothing.
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .campaignCreated(let campaign), .campaignUpdated(let campaign):
            upsert(campaign)
        case .salesNoteAdded(let added):
            guard let i = campaignIndex[added.campaign.lowercased()] else { return }
            campaigns[i].salesNotes.append(added.note)
        case .campaignArchived(let archived):
            guard let i = campaignIndex[archived.campaign.lowercased()] else { return }
            campaigns[i].statusOverride = .archived
        case .leadHandedOff(let handoff):
            guard handoff.id == nextHandoffID else { return }
            openHandoffs.insert(handoffs.count)
            if let campaign = handoff.campaign { handoffsByCampaign[campaign, default: []].append(handoffs.count) }
            handoffs.append(handoff)
            trackOpen(handoffs.count - 1, was: nil)
        case .handoffAccepted(let step): transition(step, to: .accepted)
        case .handoffRejected(let step): transition(step, to: .rejected)
        case .handoffWon(let step): transition(step, to: .won)
        case .handoffLost(let step): transition(step, to: .lost)
        case .handoffRecycled(let step): transition(step, to: .recycled)
        case .handoffReassigned(let step): transition(step, to: .pending)
        case .meetingScheduled(let meeting):
            guard meeting.id == nextMeetingID else { return }
            meetings.append(meeting)
        case .meetingSkipped(let change):
            guard let i = meetingPosition(change.meeting), let day = change.day else { return }
            meetings[i].schedule.skipped.insert(day)
        case .meetingCancelled(let change):
            guard let i = meetingPosition(change.meeting) else { return }
            meetings[i].cancelled = true
        case .agendaItemAdded(let change):
            guard let i = meetingPosition(change.meeting), let text = change.text else { return }
            meetings[i].agenda.append(Meeting.AgendaItem(author: change.by, text: text))
        case .agendaItemDone(let change):
            guard let i = meetingPosition(change.meeting), let n = change.number, meetings[i].agenda.indices.contains(n - 1)
            else { return }
            meetings[i].agenda[n - 1].done = true
        case .noticeSent(let notice):
            sentNotices.insert(notice.key)
        }
    }

    public mutating func apply(_ events: [DomainEvent]) {
        for event in events { apply(event) }
    }

    private mutating func upsert(_ campaign: Campaign, indexing: Bool = true) {
        if let i = campaignIndex[campaign.id.lowercased()] {
            campaigns[i] = campaign
            if indexing { campaignSearch.index(campaign, at: i) }
        } else {
            campaignIndex[campaign.id.lowercased()] = campaigns.count
            if indexing { campaignSearch.index(campaign, at: campaigns.count) }
            campaigns.append(campaign)
        }
    }

    private mutating func transition(_ step: HandoffStep, to status: Handoff.Status) {
        guard let i = handoffPosition(step.handoff) else { return }
        let before = handoffs[i]
        handoffs[i] = Self.transitioned(before, step, to: status)
        if status.isOpen { openHandoffs.insert(i) } else { openHandoffs.remove(i) }
        trackOpen(i, was: before)
    }

    /// Keeps `openByAssignee`, `openByMarketer` and `pendingByDue` in step with the handoff at `i`, which was
    /// `old` before.
    private mutating func trackOpen(_ i: Int, was old: Handoff?) {
        if let old, old.status.isOpen {
            openByAssignee[old.assignee]?.remove(i)
            if openByAssignee[old.assignee]?.isEmpty == true { openByAssignee[old.assignee] = nil }
            openByMarketer[old.from]?.remove(i)
            if openByMarketer[old.from]?.isEmpty == true { openByMarketer[old.from] = nil }
        }
        if let old, old.status == .pending {
            let entry = PendingDue(due: old.firstTouchDue, position: i)
            let at = pendingByDue.partitioningIndex { $0 >= entry }
            if at < pendingByDue.count, pendingByDue[at] == entry { pendingByDue.remove(at: at) }
        }
        if handoffs[i].status.isOpen {
            openByAssignee[handoffs[i].assignee, default: []].insert(i)
            openByMarketer[handoffs[i].from, default: []].insert(i)
        }
        if handoffs[i].status == .pending {
            let entry = PendingDue(due: handoffs[i].firstTouchDue, position: i)
            pendingByDue.insert(entry, at: pendingByDue.partitioningIndex { $0 >= entry })
        }
    }

    /// The handoff `event` changes, as `apply(event)` would leave it; nil when the event changes no handoff.
    ///
    /// For handlers that show the result of a step before it is applied: copying the state and applying
    /// the event to the copy would copy every handoff.
    public func handoff(after event: DomainEvent) -> Handoff? {
        let change: (HandoffStep, Handoff.Status)? =
            switch event {
            case .handoffAccepted(let step): (step, .accepted)
            case .handoffRejected(let step): (step, .rejected)
            case .handoffWon(let step): (step, .won)
            case .handoffLost(let step): (step, .lost)
            case .handoffRecycled(let step): (step, .recycled)
            case .handoffReassigned(let step): (step, .pending)
            default: nil
            }
        guard let (step, status) = change, let i = handoffPosition(step.handoff) else { return nil }
        return Self.transitioned(handoffs[i], step, to: status)
    }

    private static func transitioned(_ handoff: Handoff, _ step: HandoffStep, to status: Handoff.Status) -> Handoff {
        var handoff = handoff
        if status == .rejected || status == .lost, let assignee = handoff.assignee, !handoff.declinedBy.contains(assignee) {
            handoff.declinedBy.append(assignee)
        }
        if status == .pending {  // a reassignment
            handoff.assignee = step.assignee
        }
        if status == .recycled {
            handoff.revisit = step.revisit
            handoff.assignee = nil
        }
        handoff.status = status
        handoff.history.append(
            Handoff.Transition(
                status: status, actor: step.by, at: step.at, reason: step.reason, note: step.note,
                assignee: status == .pending ? step.assignee : nil))
        return handoff
    }
}
