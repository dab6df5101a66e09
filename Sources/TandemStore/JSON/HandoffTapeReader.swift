import Foundation
import TandemCore

/// Handoffs make up most of a snapshot, and `Codable`'s machinery (a container per object, a protocol call and
/// a key lookup per field) cost about 10 µs each: a second of every start with 100,000 of them. This reads one
/// straight from the tape, as the synthesized `Decodable` of `Handoff` would.
///
/// It is only a shortcut: on anything it does not expect (a missing or mistyped field, an escaped key, an
/// unknown status) it returns nil, and the caller decodes that handoff through `Codable`, which reads it or
/// names the problem. Unknown keys are skipped, as `Codable` skips them. `HandoffTapeReaderTests` checks it
/// against `Codable` with every optional field set and unset, and that it knows every stored property.
enum HandoffTapeReader {
    static func read(_ tape: TapeStorage, at index: Int) -> Handoff? {
        var id: String?, contact: Handoff.Contact?, company: Handoff.Company?, score: Int??, trigger: String??
        var campaign: String??, note: String??, priority: Handoff.Priority?, from: String?, assignee: String??
        var createdAt: Date?, firstTouchDue: Date?, status: Handoff.Status?, declinedBy: [String]?
        var revisit: Day??, history: [Handoff.Transition]?
        let complete = tape.forEachMember(of: index) { key, value in
            if key.is("id") { id = tape.text(value); return id != nil }
            if key.is("contact") { contact = contactAt(tape, value); return contact != nil }
            if key.is("company") { company = companyAt(tape, value); return company != nil }
            if key.is("score") { score = tape.optional(value, tape.int); return score != nil }
            if key.is("trigger") { trigger = tape.optional(value, tape.text); return trigger != nil }
            if key.is("campaign") { campaign = tape.optional(value, tape.text); return campaign != nil }
            if key.is("note") { note = tape.optional(value, tape.text); return note != nil }
            if key.is("priority") { priority = tape.text(value).flatMap(Handoff.Priority.init(rawValue:)); return priority != nil }
            if key.is("from") { from = tape.text(value); return from != nil }
            if key.is("assignee") { assignee = tape.optional(value, tape.text); return assignee != nil }
            if key.is("createdAt") { createdAt = tape.instant(value); return createdAt != nil }
            if key.is("firstTouchDue") { firstTouchDue = tape.instant(value); return firstTouchDue != nil }
            if key.is("status") { status = tape.text(value).flatMap(Handoff.Status.init(rawValue:)); return status != nil }
            if key.is("declinedBy") { declinedBy = tape.array(value, tape.text); return declinedBy != nil }
            if key.is("revisit") { revisit = tape.optional(value) { tape.text($0).flatMap { Day(iso: $0) } }; return revisit != nil }
            if key.is("history") { history = tape.array(value) { transitionAt(tape, $0) }; return history != nil }
            return true  // unknown keys are skipped, as Codable skips them
        }
        guard complete, let id, let contact, let company, let priority, let from, let createdAt, let firstTouchDue,
            let status, let declinedBy, let history
        else { return nil }
        var handoff = Handoff(
            id: id, contact: contact, company: company, score: score ?? nil, trigger: trigger ?? nil,
            campaign: campaign ?? nil, note: note ?? nil, priority: priority, from: from, assignee: assignee ?? nil,
            createdAt: createdAt, firstTouchDue: firstTouchDue)
        handoff.status = status
        handoff.declinedBy = declinedBy
        handoff.revisit = revisit ?? nil
        handoff.history = history
        return handoff
    }

    private static func contactAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Contact? {
        var name: String?, title: String??, email: String??, phone: String??, consent: Handoff.Consent?, language: String??
        let complete = tape.forEachMember(of: index) { key, value in
            if key.is("name") { name = tape.text(value); return name != nil }
            if key.is("title") { title = tape.optional(value, tape.text); return title != nil }
            if key.is("email") { email = tape.optional(value, tape.text); return email != nil }
            if key.is("phone") { phone = tape.optional(value, tape.text); return phone != nil }
            if key.is("consent") { consent = tape.text(value).flatMap(Handoff.Consent.init(rawValue:)); return consent != nil }
            if key.is("language") { language = tape.optional(value, tape.text); return language != nil }
            return true
        }
        guard complete, let name, let consent else { return nil }
        return Handoff.Contact(
            name: name, title: title ?? nil, email: email ?? nil, phone: phone ?? nil, consent: consent,
            language: language ?? nil)
    }

    private static func companyAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Company? {
        var name: String??, domain: String??, industry: String??, size: String??, region: String??, fitGrade: String??
        let complete = tape.forEachMember(of: index) { key, value in
            if key.is("name") { name = tape.optional(value, tape.text); return name != nil }
            if key.is("domain") { domain = tape.optional(value, tape.text); return domain != nil }
            if key.is("industry") { industry = tape.optional(value, tape.text); return industry != nil }
            if key.is("size") { size = tape.optional(value, tape.text); return size != nil }
            if key.is("region") { region = tape.optional(value, tape.text); return region != nil }
            if key.is("fitGrade") { fitGrade = tape.optional(value, tape.text); return fitGrade != nil }
            return true
        }
        guard complete else { return nil }
        return Handoff.Company(
            name: name ?? nil, domain: domain ?? nil, industry: industry ?? nil, size: size ?? nil,
            region: region ?? nil, fitGrade: fitGrade ?? nil)
    }

    private static func transitionAt(_ tape: TapeStorage, _ index: Int) -> Handoff.Transition? {
        var status: Handoff.Status?, actor: String?, at: Date?, reason: String??, note: String??, assignee: String??
        let complete = tape.forEachMember(of: index) { key, value in
            if key.is("status") { status = tape.text(value).flatMap(Handoff.Status.init(rawValue:)); return status != nil }
            if key.is("actor") { actor = tape.text(value); return actor != nil }
            if key.is("at") { at = tape.instant(value); return at != nil }
            if key.is("reason") { reason = tape.optional(value, tape.text); return reason != nil }
            if key.is("note") { note = tape.optional(value, tape.text); return note != nil }
            if key.is("assignee") { assignee = tape.optional(value, tape.text); return assignee != nil }
            return true
        }
        guard complete, let status, let actor, let at else { return nil }
        return Handoff.Transition(
            status: status, actor: actor, at: at, reason: reason ?? nil, note: note ?? nil, assignee: assignee ?? nil)
    }
}

/// A key of an object on the tape, compared with the names a reader knows without making a `String`.
struct TapeKey {
    let bytes: UnsafeRawBufferPointer

    @inline(__always) func `is`(_ name: StaticString) -> Bool {
        name.utf8CodeUnitCount == bytes.count && memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0
    }
}

extension TapeStorage {
    /// Calls `body` with each member's key and value token until it returns false; false then, and false for a
    /// value that is not an object or has an escaped key (which the readers leave to `Codable`).
    func forEachMember(of index: Int, _ body: (TapeKey, Int) -> Bool) -> Bool {
        guard token(index).kind == .object else { return false }
        var complete = true
        forEachChild(of: index) { _, key, value in
            let name = token(key!)
            guard name.kind == .plainString else { complete = false; return false }
            complete = body(TapeKey(bytes: UnsafeRawBufferPointer(rebasing: bytes[Int(name.offset)..<Int(name.offset + name.length)])), value)
            return complete
        }
        return complete
    }

    /// The string at `index`, nil when it is something else.
    func text(_ index: Int) -> String? {
        let kind = token(index).kind
        return kind == .plainString || kind == .escapedString ? string(index) : nil
    }

    func int(_ index: Int) -> Int? { try? integer(index, as: Int.self) }

    func instant(_ index: Int) -> Date? { try? date(index) }

    /// `.some(nil)` for null, `.some(value)` when `read` reads it, nil when it does not.
    func optional<T>(_ index: Int, _ read: (Int) -> T?) -> T?? {
        token(index).kind == .null ? .some(nil) : read(index).map { .some($0) }
    }

    /// Each element read by `read`; nil when the value is not an array or an element does not read.
    func array<T>(_ index: Int, _ read: (Int) -> T?) -> [T]? {
        guard token(index).kind == .array else { return nil }
        var elements: [T] = []
        elements.reserveCapacity(Int(token(index).length))
        var complete = true
        forEachChild(of: index) { _, _, value in
            guard let element = read(value) else { complete = false; return false }
            elements.append(element)
            return true
        }
        return complete ? elements : nil
    }
}
