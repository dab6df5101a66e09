import Foundation

/// A marketing-qualified lead handed to Sales, with everything a rep needs for the first call and the full
/// history of what happened to it.
public struct Handoff: Codable, Sendable, Equatable, Identifiable {
    /// pending → accepted → won | lost; pending → rejected; rejected | lost → recycled (back to Marketing).
    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending, accepted, rejected, won, lost, recycled

        public var isOpen: Bool { self == .pending || self == .accepted }
    }

    public enum Priority: String, Codable, Sendable, CaseIterable {
        case hot, warm, cool
    }

    /// GDPR: whether the contact agreed to be contacted.
    public enum Consent: String, Codable, Sendable, CaseIterable {
        case yes, no, unknown
    }

    public struct Contact: Codable, Sendable, Equatable {
        public var name: String
        public var title: String?
        public var email: String?
        public var phone: String?
        public var consent: Consent
        public var language: String?

        public init(
            name: String, title: String? = nil, email: String? = nil, phone: String? = nil, consent: Consent = .unknown,
            language: String? = nil
        ) {
            self.name = name
            self.title = title
            self.email = email
            self.phone = phone
            self.consent = consent
            self.language = language
        }

        /// The stored keys, one per property: declared, not synthesized, so that the store's direct reader
        /// (`HandoffTapeReader`) switches over the same list and cannot miss one.
        package enum CodingKeys: String, CodingKey, CaseIterable { case name, title, email, phone, consent, language }
    }

    public struct Company: Codable, Sendable, Equatable {
        public var name: String?
        public var domain: String?
        public var industry: String?
        public var size: String?
        public var region: String?
        /// A (best fit) … D.
        public var fitGrade: String?

        public init(
            name: String? = nil, domain: String? = nil, industry: String? = nil, size: String? = nil,
            region: String? = nil, fitGrade: String? = nil
        ) {
            self.name = name
            self.domain = domain
            self.industry = industry
            self.size = size
            self.region = region
            self.fitGrade = fitGrade
        }

        /// The stored keys, one per property (see `Handoff.CodingKeys`).
        package enum CodingKeys: String, CodingKey, CaseIterable { case name, domain, industry, size, region, fitGrade }
    }

    /// One step in the handoff's life: who did what, when, and why.
    public struct Transition: Codable, Sendable, Equatable {
        public var status: Status
        public var actor: String
        public var at: Date
        public var reason: String?
        public var note: String?
        /// For reassignments: the new assignee (nil = the sales queue).
        public var assignee: String?

        public init(status: Status, actor: String, at: Date, reason: String? = nil, note: String? = nil, assignee: String? = nil) {
            self.status = status
            self.actor = actor
            self.at = at
            self.reason = reason
            self.note = note
            self.assignee = assignee
        }

        /// The stored keys, one per property (see `Handoff.CodingKeys`).
        package enum CodingKeys: String, CodingKey, CaseIterable { case status, actor, at, reason, note, assignee }
    }

    /// "H-42".
    public var id: String
    public var contact: Contact
    public var company: Company
    public var score: Int?
    /// What made the lead qualify: demo request, pricing page, webinar, download …
    public var trigger: String?
    public var campaign: String?
    public var note: String?
    public var priority: Priority
    /// The marketer who handed it off.
    public var from: String
    /// The rep it is assigned to; nil means the sales queue.
    public var assignee: String?
    public var createdAt: Date
    public var firstTouchDue: Date
    public var status: Status
    /// Reps who rejected or lost it: a recycled lead never goes straight back to them.
    public var declinedBy: [String]
    public var revisit: Day?
    public var history: [Transition]

    /// The stored keys, one per property: declared, not synthesized, so that the store's direct reader
    /// (`HandoffTapeReader`) switches over the same list, and a key added here must be read there too. A property
    /// left out of the list would not be stored at all: `StateFormatTests` sets every property and reads it back.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id, contact, company, score, trigger, campaign, note, priority, from, assignee, createdAt, firstTouchDue,
            status, declinedBy, revisit, history
    }

    public init(
        id: String, contact: Contact, company: Company = Company(), score: Int? = nil, trigger: String? = nil,
        campaign: String? = nil, note: String? = nil, priority: Priority = .warm, from: String, assignee: String?,
        createdAt: Date, firstTouchDue: Date
    ) {
        self.init(
            id: id, contact: contact, company: company, score: score, trigger: trigger, campaign: campaign, note: note,
            priority: priority, from: from, assignee: assignee, createdAt: createdAt, firstTouchDue: firstTouchDue,
            status: .pending, declinedBy: [], revisit: nil,
            history: [Transition(status: .pending, actor: from, at: createdAt, assignee: assignee)])
    }

    /// A handoff as stored, with its status and history: for readers of the store's files.
    public init(
        id: String, contact: Contact, company: Company, score: Int?, trigger: String?, campaign: String?,
        note: String?, priority: Priority, from: String, assignee: String?, createdAt: Date, firstTouchDue: Date,
        status: Status, declinedBy: [String], revisit: Day?, history: [Transition]
    ) {
        self.id = id
        self.contact = contact
        self.company = company
        self.score = score
        self.trigger = trigger
        self.campaign = campaign
        self.note = note
        self.priority = priority
        self.from = from
        self.assignee = assignee
        self.createdAt = createdAt
        self.firstTouchDue = firstTouchDue
        self.status = status
        self.declinedBy = declinedBy
        self.revisit = revisit
        self.history = history
    }

    /// Pending past its first-touch deadline.
    public func isOverdue(at now: Date) -> Bool { status == .pending && now > firstTouchDue }

    /// When it was first accepted (the first touch), if ever.
    public var acceptedAt: Date? { history.first { $0.status == .accepted }?.at }

    /// Whether the first touch happened within the SLA; nil while still pending and not yet due.
    public func keptSLA(at now: Date) -> Bool? {
        if let acceptedAt { return acceptedAt <= firstTouchDue }
        if status == .rejected, let rejected = history.first(where: { $0.status == .rejected }) {
            return rejected.at <= firstTouchDue
        }
        return now > firstTouchDue ? false : nil
    }
}
