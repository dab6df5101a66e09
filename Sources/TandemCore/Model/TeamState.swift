import Foundation

/// Everything Tandem knows about the team's work, as a pure fold of domain events.
///
/// Members are not part of it: they come from the configuration, which the admin owns.
public struct TeamState: Codable, Sendable, Equatable {
    /// Campaigns in the order they were created; look-ups go through `campaignIndex`.
    public private(set) var campaigns: [Campaign] = []
    private var campaignIndex: [String: Int] = [:]
    /// Derived from `campaigns`; never encoded.
    public private(set) var campaignSearch = CampaignSearchIndex()

    public init() {}

    public init(campaigns: [Campaign]) {
        for campaign in campaigns { apply(.campaignCreated(campaign)) }
    }

    public func campaign(id: String) -> Campaign? {
        campaignIndex[id.lowercased()].map { campaigns[$0] }
    }

    /// Applies one event. Events were validated by the handler that made them, so applying never fails;
    /// an event about something unknown changes nothing.
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .campaignCreated(let campaign):
            if let i = campaignIndex[campaign.id.lowercased()] {
                campaigns[i] = campaign
                campaignSearch.index(campaign, at: i)
            } else {
                campaignIndex[campaign.id.lowercased()] = campaigns.count
                campaignSearch.index(campaign, at: campaigns.count)
                campaigns.append(campaign)
            }
        }
    }

    public mutating func apply(_ events: [DomainEvent]) {
        for event in events { apply(event) }
    }

    private enum CodingKeys: String, CodingKey { case campaigns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(campaigns: try c.decode([Campaign].self, forKey: .campaigns))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(campaigns, forKey: .campaigns)
    }
}
