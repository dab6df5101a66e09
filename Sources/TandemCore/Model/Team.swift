import Foundation

/// The team as the configuration describes it: members, the team's time zone, where announcements go.
public struct Team: Codable, Sendable, Equatable {
    public var members: [Member]
    /// The team's IANA time zone: campaign days and business hours are counted in it.
    public var timeZone: String
    /// Where handoffs are announced to Sales.
    public var salesChannel: String?
    /// Where Marketing and Sales meet: reminders and the weekly report.
    public var jointChannel: String?
    /// First-touch deadlines per priority.
    public var serviceLevels: ServiceLevels
    /// Reason codes a rep may give when rejecting or losing a lead; short, so the report means something.
    public var rejectReasons: [String]

    public static let defaultRejectReasons = [
        "unreachable", "bad-data", "no-need", "no-budget", "no-fit", "bad-timing", "duplicate", "existing-customer",
        "competitor",
    ]

    public init(
        members: [Member], timeZone: String = "UTC", salesChannel: String? = nil, jointChannel: String? = nil,
        serviceLevels: ServiceLevels = ServiceLevels(), rejectReasons: [String] = Team.defaultRejectReasons
    ) {
        self.members = members
        self.timeZone = timeZone
        self.salesChannel = salesChannel
        self.jointChannel = jointChannel
        self.serviceLevels = serviceLevels
        self.rejectReasons = rejectReasons
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    public func member(id: String) -> Member? { members.first { $0.id == id } }

    /// A member named in chat: `@sam`, `sam`, `Sam Carter` or `@Sam`, matched on id, then full or first name;
    /// or by the exact id, which on Matrix is what a typed mention says (`@sam:example.org`).
    public func member(named text: String) -> Member? {
        if let exact = members.first(where: { $0.id == text }) { return exact }
        let name = TextFolding.fold(text.hasPrefix("@") ? String(text.dropFirst()) : text)
        guard !name.isEmpty else { return nil }
        if let byID = members.first(where: { TextFolding.fold($0.id) == name }) { return byID }
        if let byName = members.first(where: { TextFolding.fold($0.name) == name }) { return byName }
        let byFirst = members.filter { TextFolding.fold($0.name).split(separator: " ").first.map(String.init) == name }
        return byFirst.count == 1 ? byFirst[0] : nil
    }
}
