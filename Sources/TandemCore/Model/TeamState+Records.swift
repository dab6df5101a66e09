import Foundation

/// A team state is stored as its records; its indexes are derived when it is read.
extension TeamState {
    /// What a state is stored as, and its `Codable` form: the campaigns, handoffs and meetings in the order they
    /// were made, and the keys of the notices sent.
    public struct Records: Sendable, Equatable {
        public var campaigns: [Campaign]
        /// `H-n` at position n - 1.
        public var handoffs: [Handoff]
        /// `M-n` at position n - 1.
        public var meetings: [Meeting]
        public var sentNotices: Set<String>

        public init(campaigns: [Campaign] = [], handoffs: [Handoff] = [], meetings: [Meeting] = [], sentNotices: Set<String> = []) {
            self.campaigns = campaigns
            self.handoffs = handoffs
            self.meetings = meetings
            self.sentNotices = sentNotices
        }
    }

    /// The state its records describe, its indexes built one after another.
    /// - Throws: `MisnumberedHandoff` when a handoff's id is not its position.
    public init(_ records: Records) throws(MisnumberedHandoff) {
        self.init(records, indexes: try Indexes(records))
    }

    /// The indexes a state keeps beside its records. Each part is built from the records alone, so a loader may
    /// build the parts on threads of its own (while the calling thread does the rest) and hand them over whole.
    package struct Indexes: Sendable {
        package var search: CampaignSearchIndex
        package var byCampaign: HandoffsByCampaign
        package var open: OpenHandoffs

        package init(search: CampaignSearchIndex, byCampaign: HandoffsByCampaign, open: OpenHandoffs) {
            self.search = search
            self.byCampaign = byCampaign
            self.open = open
        }

        init(_ records: Records) throws(MisnumberedHandoff) {
            self.init(
                search: CampaignSearchIndex(campaigns: records.campaigns),
                byCampaign: try HandoffsByCampaign(records.handoffs), open: OpenHandoffs(records.handoffs))
        }
    }

    /// A handoff whose id is not its position (`H-n` at n - 1): lists built on it would answer for the wrong lead.
    public struct MisnumberedHandoff: Error, CustomStringConvertible {
        public var position: Int
        public var id: String
        public var description: String { "handoff \(position + 1) has the id \(id), not H-\(position + 1)" }
    }

    /// Stored handoffs by campaign, the positions of each campaign's oldest first. Building it checks that each
    /// handoff's id is its position.
    package struct HandoffsByCampaign: Sendable {
        var positions: [String: [Int]] = [:]

        package init(_ handoffs: [Handoff]) throws(MisnumberedHandoff) {
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
    package struct OpenHandoffs: Sendable {
        var positions: Set<Int> = []
        var byAssignee: [String?: Set<Int>] = [:]
        var byMarketer: [String: Set<Int>] = [:]
        var byDue: [PendingDue] = []

        package init(_ handoffs: [Handoff]) {
            for i in handoffs.indices where handoffs[i].status.isOpen {
                positions.insert(i)
                byAssignee[handoffs[i].assignee, default: []].insert(i)
                byMarketer[handoffs[i].from, default: []].insert(i)
                if handoffs[i].status == .pending { byDue.append(PendingDue(due: handoffs[i].firstTouchDue, position: i)) }
            }
            byDue.sort()  // once: inserting each in order moved half the list every time
        }
    }

    /// Whether `id` is `handoffID(position:)`, without making that string (a snapshot checks every handoff).
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
}

// MARK: - Codable

extension TeamState.Records: Codable {
    /// The one list of the stored keys, for the store's loader too.
    package enum CodingKeys: String, CodingKey, CaseIterable { case campaigns, handoffs, meetings, sentNotices }

    /// Lists may be missing (an empty state written by hand); campaigns may not.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, campaigns: Self.campaigns(from: decoder))
    }

    /// The campaigns alone: a loader decodes them first, to build their search index while it decodes the rest.
    package static func campaigns(from decoder: any Decoder) throws -> [Campaign] {
        try decoder.container(keyedBy: CodingKeys.self).decode([Campaign].self, forKey: .campaigns)
    }

    /// The records whose `campaigns(from:)` were decoded already.
    package init(from decoder: any Decoder, campaigns: [Campaign]) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            campaigns: campaigns,
            handoffs: try c.decodeIfPresent([Handoff].self, forKey: .handoffs) ?? [],
            meetings: try c.decodeIfPresent([Meeting].self, forKey: .meetings) ?? [],
            sentNotices: try c.decodeIfPresent(Set<String>.self, forKey: .sentNotices) ?? [])
    }

    /// `sentNotices` sorted: a `Set` comes out in another order every run, and state files would churn.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(campaigns, forKey: .campaigns)
        try c.encode(handoffs, forKey: .handoffs)
        try c.encode(meetings, forKey: .meetings)
        try c.encode(sentNotices.sorted(), forKey: .sentNotices)
    }
}

extension TeamState: Codable {
    /// Read as its records; a handoff out of place is a corrupt value, named with its path.
    public init(from decoder: any Decoder) throws {
        let records = try Records(from: decoder)
        do {
            try self.init(records)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [Records.CodingKeys.handoffs], debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws { try records.encode(to: encoder) }
}
