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
    /// The keys of each object, in the order the store writes them (sorted): see `TapeKeyTable`.
    private enum HandoffKey: String, CaseIterable, Sendable {
        case assignee, campaign, company, contact, createdAt, declinedBy, firstTouchDue, from, history, id, note,
            priority, revisit, score, status, trigger
    }
    private enum ContactKey: String, CaseIterable, Sendable { case consent, email, language, name, phone, title }
    private enum CompanyKey: String, CaseIterable, Sendable { case domain, fitGrade, industry, name, region, size }
    private enum TransitionKey: String, CaseIterable, Sendable { case actor, assignee, at, note, reason, status }

    private static let handoffKeys = TapeKeyTable<HandoffKey>()
    private static let contactKeys = TapeKeyTable<ContactKey>()
    private static let companyKeys = TapeKeyTable<CompanyKey>()
    private static let transitionKeys = TapeKeyTable<TransitionKey>()
    private static let statuses = TapeKeyTable<Handoff.Status>()
    private static let priorities = TapeKeyTable<Handoff.Priority>()
    private static let consents = TapeKeyTable<Handoff.Consent>()

    /// Reads the handoff at `index` into the uninitialized memory at `slot`; false (and `slot` untouched) when
    /// it does not read.
    static func read(_ tape: TapeStorage, at index: Int, into slot: UnsafeMutableRawPointer) -> Bool {
        guard let handoff = read(tape, at: index) else { return false }
        slot.initializeMemory(as: Handoff.self, to: handoff)
        return true
    }

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
            case nil: return true  // unknown keys are skipped, as Codable skips them
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
            case nil: return true
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
            case nil: return true
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
            case nil: return true
            }
        }
        guard complete, let status, let actor, let at else { return nil }
        return Handoff.Transition(
            status: status, actor: actor, at: at, reason: reason ?? nil, note: note ?? nil, assignee: assignee ?? nil)
    }
}

/// Names a reader knows (an object's keys, an enum's raw values), found from the bytes of a key or string on
/// the tape without making a `String`. Writers sort keys, so each lookup first tries the name after the one
/// found last: reading a sorted object costs one comparison per key.
struct TapeKeyTable<Name: CaseIterable & RawRepresentable<String> & Sendable>: Sendable {
    private let names: [Name]
    private let lengths: [Int]
    /// Every name's UTF-8, one after another, name `i`'s from `starts[i]`.
    private let utf8: [UInt8]
    private let starts: [Int]

    init() {
        names = Array(Name.allCases)
        lengths = names.map { $0.rawValue.utf8.count }
        utf8 = names.flatMap { Array($0.rawValue.utf8) }
        starts = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
    }

    /// The name `bytes` spell, starting the search after `last` (the index found before; updated).
    @inline(__always)
    func name(_ bytes: UnsafeRawBufferPointer, after last: inout Int) -> Name? {
        var i = last
        for _ in 0..<names.count {
            i += 1
            if i == names.count { i = 0 }
            guard lengths[i] == bytes.count else { continue }
            let start = starts[i]
            var n = 0
            while n < bytes.count, utf8[start + n] == bytes[n] { n += 1 }
            if n == bytes.count {
                last = i
                return names[i]
            }
        }
        return nil
    }
}

extension TapeStorage {
    /// Calls `body` with each member's key (nil for a key `keys` does not know) and value token until it returns
    /// false; false then, and false for a value that is not an object or has an escaped key (which the readers
    /// leave to `Codable`).
    /// Inlined so that each reader gets it specialized for its key type: generic, it looked keys up through
    /// witness tables, a quarter of the time a handoff took.
    @inline(__always)
    func forEachMember<Key>(of index: Int, _ keys: TapeKeyTable<Key>, _ body: (Key?, Int) -> Bool) -> Bool {
        guard token(index).kind == .object else { return false }
        var complete = true
        var last = -1
        forEachChild(of: index) { _, key, value in
            let name = token(key!)
            guard name.kind == .plainString else { complete = false; return false }
            complete = body(keys.name(self.bytes(of: name), after: &last), value)
            return complete
        }
        return complete
    }

    /// The bytes of a plain string's token.
    @inline(__always) func bytes(of token: JSONTape.Token) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(token.offset)..<Int(token.offset + token.length)])
    }

    /// The enum case a string value names; nil for anything else.
    @inline(__always)
    func value<Name>(_ index: Int, _ names: TapeKeyTable<Name>) -> Name? {
        let token = token(index)
        guard token.kind == .plainString else { return text(index).flatMap(Name.init(rawValue:)) }
        var last = -1
        return names.name(bytes(of: token), after: &last)
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
