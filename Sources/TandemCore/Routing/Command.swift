import Foundation

/// What a member asked for, parsed and typed. The handler switches over it exhaustively.
///
/// Names of people and campaigns stay text here: resolving them needs the team and the state, which the
/// handler has and the parser does not.
public enum Command: Sendable, Equatable {
    case help(topic: String?)
    case campaignSearch(query: String)
    case campaignList(CampaignListFilter)
    case campaignShow(id: String)
    case campaignAdd(name: String, fields: [String: String])
    case campaignSet(id: String, fields: [String: String])
    case campaignNote(id: String, text: String)
    case campaignArchive(id: String)
    case handoffCreate(HandoffRequest)
    case handoffStep(HandoffAction, id: String, reason: String?, options: [String: String])
    case handoffReassign(id: String, to: String)
    case handoffShow(id: String)
    case handoffList(HandoffFilter)
    /// The words after `meeting add`: title, when, recurrence and channel are told apart by the handler,
    /// which knows the member's time zone and today.
    case meetingAdd(words: [String], options: [String: String])
    case meetingList
    case meetingShow(id: String)
    case meetingSkip(id: String, when: [String])
    case meetingCancel(id: String)
    case meetingCalendar(id: String)
    case agendaAdd(meeting: String, text: String)
    case agendaShow(meeting: String)
    case agendaDone(meeting: String, number: Int)
    case report(ReportPeriod)
}

/// How far back `report` looks.
public enum ReportPeriod: String, Sendable, Equatable {
    case week, month

    public var days: Int { self == .week ? 7 : 30 }
}

/// `handoff <lead> to @rep|queue [key=value …] [note]`, before names are resolved.
public struct HandoffRequest: Sendable, Equatable {
    public var leadName: String
    /// `@sam`, `Sam Carter`, or `queue`.
    public var to: String
    public var options: [String: String]
    public var note: String?

    public init(leadName: String, to: String, options: [String: String] = [:], note: String? = nil) {
        self.leadName = leadName
        self.to = to
        self.options = options
        self.note = note
    }
}

public enum HandoffAction: String, Sendable, CaseIterable {
    case accept, reject, won, lost, recycle
}

/// Which handoffs `handoffs` lists.
public enum HandoffFilter: Sendable, Equatable {
    /// Open handoffs assigned to the sender (the default).
    case mine
    case open
    case overdue
    case campaign(String)
    case member(String)
}

/// Which campaigns `campaign list` shows.
public enum CampaignListFilter: String, Sendable, CaseIterable {
    /// Live and planned: what Sales may be asked about now. The default.
    case current
    case planned, live, ended, all

    /// Accepts English and German words.
    public init?(word: String) {
        switch TextFolding.fold(word) {
        case "current", "aktuell": self = .current
        case "planned", "geplant": self = .planned
        case "live", "laufend", "aktiv": self = .live
        case "ended", "beendet", "vorbei": self = .ended
        case "all", "alle": self = .all
        default: return nil
        }
    }
}
