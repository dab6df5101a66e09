import Foundation

/// A campaign brief for Sales: what Marketing promises, to whom, until when, and how to talk about it.
///
/// Only `id` and `name` are required; every other field is optional because a field nobody fills is noise.
public struct Campaign: Codable, Sendable, Equatable, Identifiable {
    /// Where a campaign is in its life. `planned`, `live` and `ended` follow from the dates unless set explicitly.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case draft, planned, live, ended, archived
    }

    public struct Offer: Codable, Sendable, Equatable {
        public var description: String?
        public var promoCode: String?
        public var validUntil: Day?
        public init(description: String? = nil, promoCode: String? = nil, validUntil: Day? = nil) {
            self.description = description
            self.promoCode = promoCode
            self.validUntil = validUntil
        }
    }

    public struct Objection: Codable, Sendable, Equatable {
        public var objection: String
        public var answer: String
        public init(objection: String, answer: String) {
            self.objection = objection
            self.answer = answer
        }
    }

    public struct Asset: Codable, Sendable, Equatable {
        public var title: String
        public var url: String
        public init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    public struct SalesNote: Codable, Sendable, Equatable {
        public var author: String
        public var at: Date
        public var text: String
        public init(author: String, at: Date, text: String) {
            self.author = author
            self.at = at
            self.text = text
        }
    }

    public var id: String
    public var name: String
    public var owner: String?
    /// Set only for `draft` and `archived`, or to override the dates; nil means "derive from the dates".
    public var statusOverride: Status?
    public var briefingDate: Day?
    public var start: Day?
    public var end: Day?
    public var objective: String?
    public var kpi: String?
    public var segment: String?
    public var exclusions: String?
    public var whyNow: String?
    public var oneLiner: String?
    public var keyMessages: [String]
    public var proofPoints: [String]
    public var talkingPoints: [String]
    public var discoveryQuestions: [String]
    public var offer: Offer?
    public var objections: [Objection]
    public var competitorNotes: String?
    public var assets: [Asset]
    public var channels: [String]
    public var doNotSay: [String]
    public var tags: [String]
    public var salesNotes: [SalesNote]

    public init(
        id: String, name: String, owner: String? = nil, statusOverride: Status? = nil,
        briefingDate: Day? = nil, start: Day? = nil, end: Day? = nil,
        objective: String? = nil, kpi: String? = nil, segment: String? = nil, exclusions: String? = nil,
        whyNow: String? = nil, oneLiner: String? = nil, keyMessages: [String] = [], proofPoints: [String] = [],
        talkingPoints: [String] = [], discoveryQuestions: [String] = [], offer: Offer? = nil,
        objections: [Objection] = [], competitorNotes: String? = nil, assets: [Asset] = [],
        channels: [String] = [], doNotSay: [String] = [], tags: [String] = [], salesNotes: [SalesNote] = []
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.statusOverride = statusOverride
        self.briefingDate = briefingDate
        self.start = start
        self.end = end
        self.objective = objective
        self.kpi = kpi
        self.segment = segment
        self.exclusions = exclusions
        self.whyNow = whyNow
        self.oneLiner = oneLiner
        self.keyMessages = keyMessages
        self.proofPoints = proofPoints
        self.talkingPoints = talkingPoints
        self.discoveryQuestions = discoveryQuestions
        self.offer = offer
        self.objections = objections
        self.competitorNotes = competitorNotes
        self.assets = assets
        self.channels = channels
        self.doNotSay = doNotSay
        self.tags = tags
        self.salesNotes = salesNotes
    }

    /// The status on `today`: an explicit override wins, otherwise the dates decide.
    public func status(on today: Day) -> Status {
        if let statusOverride { return statusOverride }
        if let start, today < start { return .planned }
        if let end, end < today { return .ended }
        if start == nil && end == nil { return .draft }
        return .live
    }

    // Missing arrays decode as empty so that hand-written sample files stay short.
    private enum CodingKeys: String, CodingKey {
        case id, name, owner, statusOverride = "status", briefingDate, start, end, objective, kpi, segment,
            exclusions, whyNow, oneLiner, keyMessages, proofPoints, talkingPoints, discoveryQuestions, offer,
            objections, competitorNotes, assets, channels, doNotSay, tags, salesNotes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func list<T: Decodable>(_ key: CodingKeys) throws -> [T] { try c.decodeIfPresent([T].self, forKey: key) ?? [] }
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            owner: try c.decodeIfPresent(String.self, forKey: .owner),
            statusOverride: try c.decodeIfPresent(Status.self, forKey: .statusOverride),
            briefingDate: try c.decodeIfPresent(Day.self, forKey: .briefingDate),
            start: try c.decodeIfPresent(Day.self, forKey: .start),
            end: try c.decodeIfPresent(Day.self, forKey: .end),
            objective: try c.decodeIfPresent(String.self, forKey: .objective),
            kpi: try c.decodeIfPresent(String.self, forKey: .kpi),
            segment: try c.decodeIfPresent(String.self, forKey: .segment),
            exclusions: try c.decodeIfPresent(String.self, forKey: .exclusions),
            whyNow: try c.decodeIfPresent(String.self, forKey: .whyNow),
            oneLiner: try c.decodeIfPresent(String.self, forKey: .oneLiner),
            keyMessages: try list(.keyMessages), proofPoints: try list(.proofPoints),
            talkingPoints: try list(.talkingPoints), discoveryQuestions: try list(.discoveryQuestions),
            offer: try c.decodeIfPresent(Offer.self, forKey: .offer),
            objections: try list(.objections),
            competitorNotes: try c.decodeIfPresent(String.self, forKey: .competitorNotes),
            assets: try list(.assets), channels: try list(.channels), doNotSay: try list(.doNotSay),
            tags: try list(.tags), salesNotes: try list(.salesNotes)
        )
    }
}
