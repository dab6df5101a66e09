import Foundation

/// Everything Tandem knows about the team's work, as a pure fold of domain events.
///
/// Members are not part of it: they come from the configuration, which the admin owns. The indexes are
/// derived from the events and never encoded.
public struct TeamState: Codable, Sendable, Equatable {
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

    fileprivate struct PendingDue: Comparable {
        var due: Date
        var position: Int
        static func < (a: Self, b: Self) -> Bool { (a.due, a.position) < (b.due, b.position) }
    }

    /// Meetings in the order they were scheduled; `M-n` is at position n - 1.
    public private(set) var meetings: [Meeting] = []
    /// Keys of reminders, escalations and reports already sent.
    public private(set) var sentNotices: Set<String> = []

    public init() {}

    public init(campaigns: [Campaign], handoffs: [Handoff] = []) {
        for campaign in campaigns { upsert(campaign, indexing: false) }
        campaignSearch = CampaignSearchIndex(campaigns: self.campaigns)  // in bulk: one sort of the vocabulary
        for handoff in handoffs { apply(.leadHandedOff(handoff)) }
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

    /// Whether `id` is `handoffID(position:)`, without making that string (a snapshot checks 100,000).
    static func isHandoffID(_ id: String, position: Int) -> Bool {
        var id = id
        return id.withUTF8 { utf8 in
            guard utf8.count > 2, utf8[0] == UInt8(ascii: "H"), utf8[1] == UInt8(ascii: "-") else { return false }
            var expected = position + 1
            for digit in utf8[2...].reversed() {
                guard expected > 0, digit == UInt8(ascii: "0") + UInt8(expected % 10) else { return false }
                expected /= 10
            }
            return expected == 0
        }
    }

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
    /// the event to the copy would copy every handoff (about 100 ms with 100,000 of them).
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

    private enum CodingKeys: String, CodingKey { case campaigns, handoffs, meetings, sentNotices }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let campaigns = try c.decode([Campaign].self, forKey: .campaigns)
        do {
            try self.init(
                campaigns: campaigns, handoffs: try c.decodeIfPresent([Handoff].self, forKey: .handoffs) ?? [],
                meetings: try c.decodeIfPresent([Meeting].self, forKey: .meetings) ?? [],
                sentNotices: try c.decodeIfPresent(Set<String>.self, forKey: .sentNotices) ?? [],
                search: { CampaignSearchIndex(campaigns: campaigns) },
                byCampaign: { handoffs throws(MisnumberedHandoff) in try HandoffsByCampaign(handoffs) })
        } catch let error as MisnumberedHandoff {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [CodingKeys.handoffs], debugDescription: error.description))
        }
    }

    /// A handoff whose id is not its position (`H-n` at n - 1): lists built on it would answer for the wrong lead.
    public struct MisnumberedHandoff: Error, CustomStringConvertible {
        public var position: Int
        public var id: String
        public var description: String { "handoff \(position + 1) has the id \(id), not H-\(position + 1)" }
    }

    /// The state stored parts describe (a snapshot's), its indexes built in one pass each: decoded handoffs
    /// carry their status already, so nothing is replayed.
    ///
    /// The slow parts come from the caller, asked for last, so that a loader can build them on other cores while
    /// it decodes and indexes the rest (`init(from:)` builds them in place):
    /// - Parameter search: the campaign search index of `campaigns`.
    /// - Parameter byCampaign: `HandoffsByCampaign(handoffs)`, which also checks the handoffs' ids.
    public init(
        campaigns: [Campaign], handoffs: [Handoff], meetings: [Meeting], sentNotices: Set<String>,
        search: () -> CampaignSearchIndex,
        byCampaign: ([Handoff]) throws(MisnumberedHandoff) -> HandoffsByCampaign
    ) throws(MisnumberedHandoff) {
        for campaign in campaigns { upsert(campaign, indexing: false) }
        self.handoffs = handoffs
        let open = OpenHandoffIndexes(handoffs)
        openHandoffs = open.positions
        openByAssignee = open.byAssignee
        openByMarketer = open.byMarketer
        pendingByDue = open.byDue
        handoffsByCampaign = try byCampaign(handoffs).positions
        self.meetings = meetings
        self.sentNotices = sentNotices
        // Campaigns with the same id (never written by Tandem) were merged: index what is left instead.
        campaignSearch = self.campaigns.count == campaigns.count ? search() : CampaignSearchIndex(campaigns: self.campaigns)
    }

    /// Stored handoffs by campaign, the positions of each campaign's oldest first. Building it checks that each
    /// handoff's id is its position.
    public struct HandoffsByCampaign: Sendable {
        fileprivate var positions: [String: [Int]] = [:]

        public init(_ handoffs: [Handoff]) throws(MisnumberedHandoff) { try self.init(indexing: handoffs) }

        /// For a loader that reads the array on another thread without holding a reference to it.
        public init(_ handoffs: UnsafeBufferPointer<Handoff>) throws(MisnumberedHandoff) {
            try self.init(indexing: handoffs)
        }

        /// Generic only inside this module, where it is specialized: unspecialized, reading an element copied it.
        private init<Handoffs: RandomAccessCollection<Handoff>>(indexing handoffs: Handoffs) throws(MisnumberedHandoff)
        where Handoffs.Index == Int {
            // By position, not `for handoff in handoffs`: a copy of each handoff retains each of its strings.
            for i in handoffs.indices {
                guard TeamState.isHandoffID(handoffs[i].id, position: i) else {
                    throw MisnumberedHandoff(position: i, id: handoffs[i].id)
                }
                if let campaign = handoffs[i].campaign { positions[campaign, default: []].append(i) }
            }
        }
    }

    /// The open ones among stored handoffs: all, by assignee, by marketer, and the pending by due time.
    fileprivate struct OpenHandoffIndexes {
        var positions: Set<Int> = []
        var byAssignee: [String?: Set<Int>] = [:]
        var byMarketer: [String: Set<Int>] = [:]
        var byDue: [PendingDue] = []

        init(_ handoffs: [Handoff]) {
            for i in handoffs.indices where handoffs[i].status.isOpen {
                positions.insert(i)
                byAssignee[handoffs[i].assignee, default: []].insert(i)
                byMarketer[handoffs[i].from, default: []].insert(i)
                if handoffs[i].status == .pending { byDue.append(PendingDue(due: handoffs[i].firstTouchDue, position: i)) }
            }
            byDue.sort()  // once: inserting each in order moved half the list every time
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(campaigns, forKey: .campaigns)
        try c.encode(handoffs, forKey: .handoffs)
        try c.encode(meetings, forKey: .meetings)
        try c.encode(sentNotices.sorted(), forKey: .sentNotices)
    }
}
