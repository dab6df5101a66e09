import Foundation
import Testing
import TandemCore
import TandemStore

/// Values for `StateJSONEncoderTests`: a state using every field of every stored type, and small types that
/// use the encoder protocol in every way (nested containers, super encoders, values that encode nothing).
enum Samples {
    static let now = Date(timeIntervalSince1970: 1_796_032_800)

    static func day(_ year: Int, _ month: Int, _ day: Int) -> Day { Day(year: year, month: month, day: day) }

    static func campaign(_ id: String, at: Date) -> Campaign {
        Campaign(
            id: id, name: "Spring Launch / DACH “2027” – \"Größe\"", owner: "Mia", statusOverride: .live,
            briefingDate: day(2026, 11, 2), start: day(2027, 3, 1), end: day(2027, 5, 31),
            objective: "Pipeline from new logos\nin the Mittelstand", kpi: "120 MQLs", segment: "Plant managers, 200–2000 employees",
            exclusions: "existing customers", whyNow: "budgets open in Q1", oneLiner: "One live view of production 😀",
            keyMessages: ["less downtime", "no new hardware"], proofPoints: ["Kessler: −30 % stops"],
            talkingPoints: ["uses the sensors already there"], discoveryQuestions: ["How do you see downtime today?"],
            offer: .init(description: "First plant free", promoCode: "SPRING27", validUntil: day(2027, 4, 30)),
            objections: [.init(objection: "too expensive", answer: "pays back in 6 months")], competitorNotes: "Acme\tis cheaper",
            assets: [.init(title: "Deck", url: "https://example.com/decks/spring?lang=de&v=2")],
            channels: ["email", "linkedin"], doNotSay: ["free forever"], tags: ["launch", "frühling"],
            salesNotes: [.init(author: "Sam", at: at, text: "asked for SAP \\ integration")])
    }

    static func handoff(_ n: Int, at: Date, full: Bool) -> Handoff {
        full
            ? Handoff(
                id: "H-\(n)",
                contact: .init(
                    name: "Anna Schmidt \(n)", title: "Werkleiterin", email: "anna\(n)@example.com", phone: "+49 30 123",
                    consent: .yes, language: "de"),
                company: .init(
                    name: "Kessler GmbH", domain: "kessler.example", industry: "Maschinenbau", size: "200-1000",
                    region: "DACH", fitGrade: "A"),
                score: 87, trigger: "demo request", campaign: "spring-launch", note: "asked for a demo\r\nnext week",
                priority: .hot, from: "mia", assignee: "sam", createdAt: at, firstTouchDue: at + 3_600)
            : Handoff(
                id: "H-\(n)", contact: .init(name: "Lukas \(n)"), from: "leo", assignee: nil, createdAt: at,
                firstTouchDue: at + 86_400)
    }

    static func meeting(_ n: Int, rule: Recurrence.Rule, at: Date) -> Meeting {
        Meeting(
            id: "M-\(n)", title: "Pipeline-Abgleich \(n)", channel: "joint", organizer: "priya",
            schedule: MeetingSchedule(
                firstStart: WallTime(day: day(2026, 12, 3), hour: 9, minute: 30), timeZone: "Europe/Berlin",
                durationMinutes: 45, recurrence: Recurrence(rule), skipped: n == 1 ? [day(2026, 12, 24), day(2026, 12, 31)] : [],
                until: n == 2 ? day(2027, 12, 31) : nil),
            reminderMinutes: n == 3 ? [] : [1440, 15], agenda: n == 1 ? [.init(author: "sam", text: "Q1 targets")] : [])
    }

    static let richText = RichText([
        .paragraph([
            .text("Handoff "), .bold([.text("H-1"), .code("accepted")]), .code("x / y"),
            .link(title: "brief", url: "https://example.com/a/b"), .mention(id: "sam", name: "Sam"),
        ]),
        .bullets([[.text("one")], [.bold([.text("two")])], []]),
        .paragraph([]),
    ])

    static let outbox = [
        OutboxEntry(key: "reply:m1:0", channel: "sales", thread: "t-1", body: richText),
        OutboxEntry(key: "reply:m1:1", channel: "joint", body: "plain \"reply\""),
    ]

    /// One event of each case, in an order that applies: campaigns, handoffs H-1…H-4, meetings M-1…M-2.
    static func events(fraction: Double) -> [DomainEvent] {
        let at = now + fraction
        func step(_ n: Int, _ hours: Double, reason: String? = nil, note: String? = nil, assignee: String? = nil, revisit: Day? = nil)
            -> HandoffStep
        {
            HandoffStep(handoff: "H-\(n)", by: "sam", at: at + hours * 3_600, reason: reason, note: note, assignee: assignee, revisit: revisit)
        }
        var updated = campaign("spring-launch", at: at)
        updated.kpi = "150 MQLs"
        return [
            .campaignCreated(campaign("spring-launch", at: at)),
            .campaignCreated(Campaign(id: "fair", name: "Trade Fair")),
            .campaignUpdated(updated),
            .salesNoteAdded(SalesNoteAdded(campaign: "spring-launch", note: .init(author: "Jonas", at: at - 86_400 * 400, text: "wants a demo"))),
            .campaignArchived(CampaignArchived(campaign: "fair", by: "mia", at: at)),
            .leadHandedOff(handoff(1, at: at, full: true)),
            .leadHandedOff(handoff(2, at: at - fraction / 3, full: false)),
            .leadHandedOff(handoff(3, at: at, full: true)),
            .leadHandedOff(handoff(4, at: at, full: false)),
            .handoffAccepted(step(1, 1)),
            .handoffWon(step(1, 700, note: "signed")),
            .handoffRejected(step(2, 2, reason: "bad-timing", note: "not now")),
            .handoffRecycled(step(2, 3, reason: "bad-timing", revisit: day(2027, 3, 1))),
            .handoffReassigned(step(3, 1, assignee: "jonas")),
            .handoffAccepted(step(4, 1)),
            .handoffLost(step(4, 48, reason: "no-budget")),
            .meetingScheduled(meeting(1, rule: .weekly(interval: 2, weekdays: [1, 4]), at: at)),
            .meetingScheduled(meeting(2, rule: .monthlyOnDay(interval: 1, day: 31), at: at)),
            .meetingSkipped(MeetingChange(meeting: "M-1", by: "priya", at: at, day: day(2027, 1, 7))),
            .agendaItemAdded(MeetingChange(meeting: "M-1", by: "sam", at: at, text: "pricing – “Q2”")),
            .agendaItemDone(MeetingChange(meeting: "M-1", by: "sam", at: at, number: 1)),
            .meetingCancelled(MeetingChange(meeting: "M-2", by: "priya", at: at)),
            .noticeSent(NoticeSent(key: "reminder:M-1:2026-12-03T08:30:00Z:15", at: at, late: true)),
        ]
    }

    /// A state built from `events` and more: every recurrence, handoffs with and without optional fields.
    static func state(fraction: Double) -> StoredState {
        var team = TeamState()
        team.apply(events(fraction: fraction))
        for n in 5...30 { team.apply(.leadHandedOff(handoff(n, at: now - Double(n) * 3_601 - fraction * Double(n), full: n % 2 == 0))) }
        team.apply(.meetingScheduled(meeting(3, rule: .monthlyOnWeekday(interval: 3, ordinal: -1, weekday: 5), at: now)))
        team.apply(.meetingScheduled(meeting(4, rule: .none, at: now)))
        team.apply(.noticeSent(NoticeSent(key: "weekly-report:2026-W49", at: now)))
        return StoredState(team: team, cursor: "c-1/2", outbox: outbox)
    }

    // MARK: - Small types

    struct Integers: Encodable {
        var int = Int.min, int8 = Int8.min, int16 = Int16.max, int32 = Int32.min, int64 = Int64.max
        var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16(0), uint32 = UInt32.max, uint64 = UInt64.max
        var float = Float(0.1), double = -0.0
    }

    /// Encodes nothing at all: Foundation writes `{}` for it (and throws at the top).
    struct NothingEncoded: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct Empties: Encodable {
        var array: [Int] = []
        var object: [String: Int] = [:]
        var nested: [[[Int]]] = [[], [[]]]
        var objects: [[String: [String]]] = [[:], ["x": []]]
        var nothing = NothingEncoded()
        var text = RichText([])
        var once = Recurrence(.none)
    }

    struct Optionals: Encodable {
        var present: Int? = 1
        var absent: Int? = nil

        enum CodingKeys: String, CodingKey { case present, absent, explicit, nested }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(present, forKey: .present)
            try c.encodeIfPresent(absent, forKey: .absent)
            try c.encode(absent, forKey: .explicit)
            try c.encode([absent, present], forKey: .nested)
        }
    }

    /// Every way into the encoder, each used before the next is made (as `encode(to:)` implementations do).
    struct AllContainers: Encodable {
        enum Keys: String, CodingKey { case b, a, nested, list, sup, empty, single, twice, z }
        enum Inner: String, CodingKey { case y, x }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode("b", forKey: .b)
            var nested = c.nestedContainer(keyedBy: Inner.self, forKey: .nested)
            try nested.encode(2, forKey: .y)
            var deeper = nested.nestedUnkeyedContainer(forKey: .x)
            try deeper.encode(true)
            var inList = deeper.nestedContainer(keyedBy: Inner.self)
            try inList.encodeNil(forKey: .x)
            var listInList = deeper.nestedUnkeyedContainer()
            try listInList.encode(1.5)
            try deeper.encode("after")
            var superElement = deeper.superEncoder().singleValueContainer()
            try superElement.encode("super element")
            try deeper.encode(3)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode(Date(timeIntervalSince1970: 1.5))
            try c.encode(1, forKey: .a)
            var sup = c.superEncoder(forKey: .sup).container(keyedBy: Inner.self)
            try sup.encode("s", forKey: .y)
            try sup.encode(["x": 1], forKey: .x)
            _ = c.superEncoder(forKey: .empty)
            var single = c.superEncoder(forKey: .single).singleValueContainer()
            try single.encode(Samples.Optionals())
            try encodeTwice(to: encoder)
            try encodeTwice(to: c.superEncoder())
            try c.encode("z", forKey: .z)
        }

        /// Asks the same encoder for its container again, as `DomainEvent` does for its flat payloads.
        private func encodeTwice(to encoder: any Encoder) throws {
            var again = encoder.container(keyedBy: Keys.self)
            try again.encode(["t": [1, 2]], forKey: .twice)
        }
    }

    /// Writes to a nested container after a later sibling was made: Foundation allows it, this encoder refuses.
    struct OutOfOrder: Encodable {
        enum Keys: String, CodingKey { case first, second }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            var first = c.nestedUnkeyedContainer(forKey: .first)
            var second = c.nestedUnkeyedContainer(forKey: .second)
            try second.encode(2)
            try first.encode(1)
        }
    }

    struct TwiceKeyed: Encodable {
        enum Keys: String, CodingKey { case a, m, z }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(1, forKey: .z)
            try c.encode("first", forKey: .a)
            try c.encode([1, 2], forKey: .m)
            try c.encode("second", forKey: .a)
            try c.encode(["last"], forKey: .m)
        }
    }
}

extension DomainEvent: CustomTestStringConvertible {
    public var testDescription: String { String(describing: self).prefix { $0 != "(" }.description }
}
