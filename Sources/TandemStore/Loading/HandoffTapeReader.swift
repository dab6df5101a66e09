import Foundation
import TandemCore

/// Reads a handoff straight from the tape, as its `Codable` conformance would read it but without `Codable`'s
/// machinery (a container per object, a protocol call and a key lookup per field): handoffs are most of a
/// snapshot, and this is most of the time it takes to load one.
///
/// The keys are the model's own `CodingKeys`, switched over exhaustively: a key added to `Handoff` (or to its
/// contact, company or transitions) does not compile until it is read here too. It is only a shortcut: on
/// anything it does not expect (a key it does not know, a missing or mistyped field, an escaped key, an unknown
/// status) it returns nil, and the caller decodes that handoff through `Codable`, which reads it or names the
/// problem. `StateFormatTests` checks it against `Codable` with every field set, and that it takes such a handoff.
enum HandoffTapeReader {
    private static let handoffKeys = TapeKeyTable<Handoff.CodingKeys>()
    private static let contactKeys = TapeKeyTable<Handoff.Contact.CodingKeys>()
    private static let companyKeys = TapeKeyTable<Handoff.Company.CodingKeys>()
    private static let transitionKeys = TapeKeyTable<Handoff.Transition.CodingKeys>()
    private static let statuses = TapeKeyTable<Handoff.Status>()
    private static let priorities = TapeKeyTable<Handoff.Priority>()
    private static let consents = TapeKeyTable<Handoff.Consent>()

    /// The handoff at `index`; nil when it does not read.
    static func read(_ tape: TapeStorage, at index: Int) -> Handoff? {
        var id: String?, contact: Handoff.Contact?, company: Handoff.Company?, score: Int??, trigger: String??
        var campaign: String??, note: String??, priority: Handoff.Priority?, from: String?, assignee: String??
        var createdAt: Date?, firstTouchDue: Date?, status: Handoff.Status?, declinedBy: [String]?
        var revisit: Day??, history: [Handoff.Transition]?
        let complete = tape.forEachMember(of: index, handoffKeys) { key, value in
            switch key {
            case .id: id = tape.text(value); return id != nil
            case .contact: contact = contactAt(tape, value); return contact != nil
            case .company: company = companyAt(tape, value); return company != nil
            case .score: score = tape.optional(value, tape.int); return score != nil
            case .trigger: trigger = tape.optional(value, tape.text); return trigger != nil
            case .campaign: campaign = tape.optional(value, tape.text); return campaign != nil
            case .note: note = tape.optional(value, tape.text); return note != nil
            case .priority: priority = tape.value(value, priorities); return priority != nil
            case .from: from = tape.text(value); return from != nil
            case .assignee: assignee = tape.optional(value, tape.text); return assignee != nil
            case .createdAt: createdAt = tape.instant(value); return createdAt != nil
            case .firstTouchDue: firstTouchDue = tape.instant(value); return firstTouchDue != nil
            case .status: status = tape.value(value, statuses); return status != nil
            case .declinedBy: declinedBy = tape.array(value, tape.text); return declinedBy != nil
            case .revisit: revisit = tape.optional(value) { tape.text($0).flatMap { Day(iso: $0) } }; return revisit != nil
            case .history: history = tape.array(value) { transitionAt(tape, $0) }; return history != nil
            case nil: return false  // a key the model does not know: left to Codable, which decides
            }
        }
        guard complete, let id, let contact, let company, let priority, let from, let createdAt, let firstTouchDue,
            let status, let declinedBy, let history
        else { return nil }
        return Handoff(
            id: id, contact: contact, company: company, score: score ?? nil, trigger: trigger ?? nil,
            campaign: campaign ?? nil, note: note ?? nil, priority: priority, from: from, assignee: assignee ?? nil,
            createdAt: createdAt, firstTouchDue: firstTouchDue, status: status, declinedBy: declinedBy,
            revisit: revisit ?? nil, history: history)
    }

    private static func contactAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Contact? {
        var name: String?, title: String??, email: String??, phone: String??, consent: Handoff.Consent?, language: String??
        let complete = tape.forEachMember(of: index, contactKeys) { key, value in
            switch key {
            case .name: name = tape.text(value); return name != nil
            case .title: title = tape.optional(value, tape.text); return title != nil
            case .email: email = tape.optional(value, tape.text); return email != nil
            case .phone: phone = tape.optional(value, tape.text); return phone != nil
            case .consent: consent = tape.value(value, consents); return consent != nil
            case .language: language = tape.optional(value, tape.text); return language != nil
            case nil: return false
            }
        }
        guard complete, let name, let consent else { return nil }
        return Handoff.Contact(
            name: name, title: title ?? nil, email: email ?? nil, phone: phone ?? nil, consent: consent,
            language: language ?? nil)
    }

    private static func companyAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Company? {
        var name: String??, domain: String??, industry: String??, size: String??, region: String??, fitGrade: String??
        let complete = tape.forEachMember(of: index, companyKeys) { key, value in
            switch key {
            case .name: name = tape.optional(value, tape.text); return name != nil
            case .domain: domain = tape.optional(value, tape.text); return domain != nil
            case .industry: industry = tape.optional(value, tape.text); return industry != nil
            case .size: size = tape.optional(value, tape.text); return size != nil
            case .region: region = tape.optional(value, tape.text); return region != nil
            case .fitGrade: fitGrade = tape.optional(value, tape.text); return fitGrade != nil
            case nil: return false
            }
        }
        guard complete else { return nil }
        return Handoff.Company(
            name: name ?? nil, domain: domain ?? nil, industry: industry ?? nil, size: size ?? nil,
            region: region ?? nil, fitGrade: fitGrade ?? nil)
    }

    private static func transitionAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Transition? {
        var status: Handoff.Status?, actor: String?, at: Date?, reason: String??, note: String??, assignee: String??
        let complete = tape.forEachMember(of: index, transitionKeys) { key, value in
            switch key {
            case .status: status = tape.value(value, statuses); return status != nil
            case .actor: actor = tape.text(value); return actor != nil
            case .at: at = tape.instant(value); return at != nil
            case .reason: reason = tape.optional(value, tape.text); return reason != nil
            case .note: note = tape.optional(value, tape.text); return note != nil
            case .assignee: assignee = tape.optional(value, tape.text); return assignee != nil
            case nil: return false
            }
        }
        guard complete, let status, let actor, let at else { return nil }
        return Handoff.Transition(
            status: status, actor: actor, at: at, reason: reason ?? nil, note: note ?? nil, assignee: assignee ?? nil)
    }
}
