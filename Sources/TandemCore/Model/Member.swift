import Foundation

/// What a member may do is decided by roles, never by names.
public enum Role: String, Codable, Sendable, CaseIterable {
    case marketing
    case marketingLead = "marketing-lead"
    case sales
    case salesLead = "sales-lead"
    case admin
}

/// The languages Tandem answers in.
public enum Language: String, Codable, Sendable, CaseIterable {
    case en, de

    /// Picks the text for this language; keeping both texts side by side keeps translations in step.
    public func pick(_ english: String, _ german: String) -> String {
        self == .de ? german : english
    }
}

/// A person on the team, as the configuration names them.
public struct Member: Codable, Sendable, Equatable, Identifiable {
    /// The chat platform's user id.
    public var id: String
    public var name: String
    public var roles: Set<Role>
    public var language: Language
    /// IANA identifier, e.g. "Europe/Berlin".
    public var timeZone: String

    public init(id: String, name: String, roles: Set<Role>, language: Language = .en, timeZone: String = "UTC") {
        self.id = id
        self.name = name
        self.roles = roles
        self.language = language
        self.timeZone = timeZone
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// Someone who wrote to the bot but is not in the team configuration: may read, may not change anything.
    public static func guest(id: String, name: String) -> Member {
        Member(id: id, name: name, roles: [])
    }
}
