import Foundation

/// When the weekly report goes out, and how long late notices are still worth sending.
public struct NoticeSettings: Codable, Sendable, Equatable {
    /// ISO weekday (1 = Monday) and time of the weekly report, in the team's zone.
    public var reportWeekday: Int
    public var reportTime: TimeOfDay
    /// A notice missed (the bot was down) by less than this is sent late, once; older ones are skipped.
    public var graceMinutes: Int
    /// After the first-touch deadline the rep is reminded; this much later the sales lead is.
    public var escalateToLeadAfterMinutes: Int

    public init(reportWeekday: Int = 1, reportTime: TimeOfDay = TimeOfDay(hour: 9), graceMinutes: Int = 15, escalateToLeadAfterMinutes: Int = 240) {
        self.reportWeekday = reportWeekday
        self.reportTime = reportTime
        self.graceMinutes = graceMinutes
        self.escalateToLeadAfterMinutes = escalateToLeadAfterMinutes
    }
}

/// Something the bot says on its own at a given time: a meeting reminder, an SLA escalation, the weekly report.
public struct DueNotice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case meetingReminder(meeting: String, occurrence: Date, minutesBefore: Int)
        /// Level 1 mentions the rep; level 2 the sales lead.
        case escalation(handoff: String, level: Int)
        case weeklyReport
    }

    /// Deterministic, so a notice is recognised as sent across restarts.
    public var key: String
    public var at: Date
    public var kind: Kind
}

/// Pure planning of notices: which are due in a window, and when the next one is. The scheduler in the
/// runtime sleeps until `next`, then asks for `due` again with the real time.
public struct NoticePlanner: Sendable {
    public let team: Team
    public let settings: NoticeSettings
    /// Meeting reminders of a window around the last question, reused while the meetings' schedules stay the
    /// same (see ``ReminderTimeline``). Shared by copies of this planner. Answers are the same with or without it.
    let timeline = ReminderTimeline()

    public init(team: Team, settings: NoticeSettings) {
        self.team = team
        self.settings = settings
    }

    static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }

    /// Unsent notices due in the closed window [from, through], in time order.
    public func due(in state: TeamState, from: Date, through: Date) -> [DueNotice] {
        guard from <= through else { return [] }
        var notices: [DueNotice]
        // Short windows (the scheduler's) from the timeline; wide ones (missed notices at start-up) directly.
        if let cached = timeline.reminders(
            of: state.meetings, from: from, through: through, building: { reminders(of: $0, from: $1, through: $2) })
        {
            notices = cached
        } else {
            notices = reminders(of: state.meetings, from: from, through: through)
        }
        // Fields read in place: copying each open handoff retains every string of it, which in a big state
        // costs more than the rest of the planning.
        for i in state.openHandoffs where state.handoffs[i].status == .pending {
            for level in 1...2 {
                let at = escalationTime(due: state.handoffs[i].firstTouchDue, level: level)
                if at >= from && at <= through { notices.append(escalation(id: state.handoffs[i].id, level: level, at: at)) }
            }
        }
        if team.jointChannel != nil {
            var day = Day(from, in: team.zone)
            while true {
                let at = WallTime(day: day, time: settings.reportTime).instant(in: team.zone)
                if at > through { break }
                if day.isoWeekday == settings.reportWeekday && at >= from { notices.append(report(day, at: at)) }
                day = day.adding(days: 1)
            }
        }
        return notices.filter { !state.sentNotices.contains($0.key) }.sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }

    /// The time of the first unsent notice strictly after `after`, or nil when nothing is planned.
    public func next(in state: TeamState, after: Date) -> Date? {
        var best: Date?
        func consider(_ date: Date?, key: @autoclosure () -> String) {
            guard let date, date > after, best.map({ date < $0 }) ?? true, !state.sentNotices.contains(key()) else { return }
            best = date
        }
        if let first = timeline.firstReminder(
            of: state.meetings, after: after, unless: state.sentNotices, building: { reminders(of: $0, from: $1, through: $2) })
        {
            // The earliest unsent reminder of any meeting: what the scan below finds, without the scan.
            consider(first.at, key: first.key)
        } else {
            considerReminders(in: state, after: after, consider)
        }
        for i in state.openHandoffs where state.handoffs[i].status == .pending {
            for level in 1...2 {
                consider(escalationTime(due: state.handoffs[i].firstTouchDue, level: level), key: escalationKey(id: state.handoffs[i].id, level))
            }
        }
        if team.jointChannel != nil {
            var day = Day(after, in: team.zone)
            for _ in 0..<15 {
                if day.isoWeekday == settings.reportWeekday {
                    let at = WallTime(day: day, time: settings.reportTime).instant(in: team.zone)
                    if at > after && !state.sentNotices.contains(reportKey(day)) {
                        consider(at, key: reportKey(day))
                        break
                    }
                }
                day = day.adding(days: 1)
            }
        }
        return best
    }

    /// Every meeting's first unsent reminder after `after`: the scan `next` falls back to when the timeline
    /// has no unsent reminder after `after`.
    func considerReminders(in state: TeamState, after: Date, _ consider: (Date?, @autoclosure () -> String) -> Void) {
        for meeting in state.meetings where !meeting.cancelled {
            for minutes in meeting.reminderMinutes {
                let shift = Double(minutes) * 60
                // The next occurrence whose reminder is after `after`; if that one was sent already, the one after.
                var probe = after + shift + 0.001
                for _ in 0..<3 {
                    guard let occurrence = meeting.schedule.nextOccurrence(atOrAfter: probe) else { break }
                    let notice = reminder(meeting, occurrence, minutes)
                    if !state.sentNotices.contains(notice.key) {
                        consider(notice.at, notice.key)
                        break
                    }
                    probe = occurrence + 1
                }
            }
        }
    }

    /// The reminders of `meetings` due in [from, through] (sent or not), sorted by time and key.
    func reminders(of meetings: [Meeting], from: Date, through: Date) -> [DueNotice] {
        var notices: [DueNotice] = []
        for meeting in meetings where !meeting.cancelled {
            for minutes in meeting.reminderMinutes {
                let shift = Double(minutes) * 60
                for occurrence in meeting.schedule.occurrences(from: from + shift, to: through + shift + 0.001) {
                    notices.append(reminder(meeting, occurrence, minutes))
                }
            }
        }
        return notices.sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }

    // MARK: - Keys and times

    func reminder(_ meeting: Meeting, _ occurrence: Date, _ minutes: Int) -> DueNotice {
        DueNotice(
            key: "meeting:\(meeting.id):\(Self.stamp(occurrence)):\(minutes)m", at: occurrence - Double(minutes) * 60,
            kind: .meetingReminder(meeting: meeting.id, occurrence: occurrence, minutesBefore: minutes))
    }

    /// When a handoff whose first touch is due at `due` escalates to `level`.
    func escalationTime(due: Date, level: Int) -> Date {
        level == 1 ? due : due + Double(settings.escalateToLeadAfterMinutes) * 60
    }

    func escalationKey(id: String, _ level: Int) -> String { "sla:\(id):\(level)" }

    func escalation(id: String, level: Int, at: Date) -> DueNotice {
        DueNotice(key: escalationKey(id: id, level), at: at, kind: .escalation(handoff: id, level: level))
    }

    func reportKey(_ day: Day) -> String { "report:\(day)" }

    func report(_ day: Day, at: Date) -> DueNotice {
        DueNotice(key: reportKey(day), at: at, kind: .weeklyReport)
    }
}
