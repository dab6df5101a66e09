import Foundation

/// A change to the team state. Events are what the journal stores, so their JSON shape is stable:
/// `{"type": "...", ...fields}`. Add cases; never change the meaning of an existing one.
public enum DomainEvent: Sendable, Equatable {
    case campaignCreated(Campaign)
}

extension DomainEvent: Codable {
    private enum CodingKeys: String, CodingKey { case type, campaign }
    private enum Kind: String, Codable { case campaignCreated }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .type) {
        case .campaignCreated: self = .campaignCreated(try c.decode(Campaign.self, forKey: .campaign))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .campaignCreated(let campaign):
            try c.encode(Kind.campaignCreated, forKey: .type)
            try c.encode(campaign, forKey: .campaign)
        }
    }
}
