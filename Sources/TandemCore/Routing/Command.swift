import Foundation

/// What a member asked for, parsed and typed. The handler switches over it exhaustively.
public enum Command: Sendable, Equatable {
    case help(topic: String?)
    case campaignSearch(query: String)
    case campaignList(CampaignListFilter)
    case campaignShow(id: String)
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
