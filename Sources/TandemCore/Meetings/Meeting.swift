import Foundation

/// A joint meeting of Marketing and Sales: when it happens, where reminders go, and the shared agenda.
public struct Meeting: Codable, Sendable, Equatable, Identifiable {
    public struct AgendaItem: Codable, Sendable, Equatable {
        public var author: String
        public var text: String
        public var done: Bool
        public init(author: String, text: String, done: Bool = false) {
            self.author = author
            self.text = text
            self.done = done
        }
    }

    /// "M-3".
    public var id: String
    public var title: String
    public var channel: String
    public var organizer: String
    public var schedule: MeetingSchedule
    /// Minutes before each occurrence at which a reminder goes out, largest first.
    public var reminderMinutes: [Int]
    public var agenda: [AgendaItem]
    public var cancelled: Bool

    public init(
        id: String, title: String, channel: String, organizer: String, schedule: MeetingSchedule,
        reminderMinutes: [Int] = [1440, 15], agenda: [AgendaItem] = [], cancelled: Bool = false
    ) {
        self.id = id
        self.title = title
        self.channel = channel
        self.organizer = organizer
        self.schedule = schedule
        self.reminderMinutes = reminderMinutes.sorted(by: >)
        self.agenda = agenda
        self.cancelled = cancelled
    }

    /// The next start at or after `date`, unless cancelled.
    public func nextStart(atOrAfter date: Date) -> Date? {
        cancelled ? nil : schedule.nextOccurrence(atOrAfter: date)
    }

    /// Agenda items not yet done, with their 1-based numbers as people refer to them.
    public var openAgenda: [(number: Int, item: AgendaItem)] {
        agenda.enumerated().filter { !$0.element.done }.map { ($0.offset + 1, $0.element) }
    }
}

/// One change to a meeting: skip, cancel, agenda.
public struct MeetingChange: Codable, Sendable, Equatable {
    public var meeting: String
    public var by: String
    public var at: Date
    /// For skips: the local day skipped.
    public var day: Day?
    /// For agenda items: the text added, or the 1-based number marked done.
    public var text: String?
    public var number: Int?

    public init(meeting: String, by: String, at: Date, day: Day? = nil, text: String? = nil, number: Int? = nil) {
        self.meeting = meeting
        self.by = by
        self.at = at
        self.day = day
        self.text = text
        self.number = number
    }
}

/// A reminder, escalation or report that went out: recorded so it never goes out twice, also across restarts.
public struct NoticeSent: Codable, Sendable, Equatable {
    /// Deterministic: `meeting:M-3:2026-12-08T09:00Z:15m`, `sla:H-42:1`, `report:2026-W50`.
    public var key: String
    public var at: Date
    /// Sent after its time (after downtime), within the grace period.
    public var late: Bool

    public init(key: String, at: Date, late: Bool = false) {
        self.key = key
        self.at = at
        self.late = late
    }
}
