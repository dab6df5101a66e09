import Foundation
import Testing

@testable import TandemCore

/// The planner's reminder timeline is a memo: `next` and `due` must answer exactly as the plain scan over every
/// meeting does, through time passing, daylight-saving changes, notices being sent and meetings changing.
struct NoticePlannerTimelineTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let zones = ["Europe/Berlin", "America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Sydney"]

    static func meeting(_ n: Int, around day: Day, _ rng: inout Generator) -> Meeting {
        let first = WallTime(
            day: day.adding(days: -Int.random(in: 0..<60, using: &rng)), hour: Int.random(in: 0...23, using: &rng),
            minute: [0, 15, 30, 45].randomElement(using: &rng)!)
        let rule: Recurrence.Rule =
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: .weekly(interval: 1, weekdays: [Int.random(in: 1...7, using: &rng)])
            case 1: .weekly(interval: 2, weekdays: [1, 4])
            case 2: .monthlyOnDay(interval: 1, day: Int.random(in: 1...31, using: &rng))
            case 3: .monthlyOnWeekday(interval: 1, ordinal: [1, 2, -1].randomElement(using: &rng)!, weekday: Int.random(in: 1...7, using: &rng))
            default: .none
            }
        var skipped: Set<Day> = []
        if Bool.random(using: &rng) { skipped.insert(day.adding(days: Int.random(in: 0...10, using: &rng))) }
        let schedule = MeetingSchedule(
            firstStart: first, timeZone: zones.randomElement(using: &rng)!, durationMinutes: 30, recurrence: Recurrence(rule),
            skipped: skipped, until: Int.random(in: 0..<8, using: &rng) == 0 ? day.adding(days: Int.random(in: 0...10, using: &rng)) : nil)
        return Meeting(
            id: "M-\(n)", title: "Sync \(n)", channel: "joint", organizer: "mia", schedule: schedule,
            reminderMinutes: [[1440, 15], [15], [60], [1440, 60, 5]].randomElement(using: &rng)!)
    }

    /// Answers handoff escalations and the report, from a state without meetings; a planner of its own, so
    /// the planner under test keeps its timeline from one question to the next.
    let reference = NoticePlanner(team: Fixtures.team, settings: NoticeSettings())

    /// What `next` answered before the timeline: every meeting scanned, then handoffs and the report (which
    /// `next` on a state without meetings gives).
    func referenceNext(_ planner: NoticePlanner, _ state: TeamState, _ noMeetings: TeamState, after: Date) -> Date? {
        var best = reference.next(in: noMeetings, after: after)
        planner.considerReminders(in: state, after: after) { date, key in
            guard let date, date > after, best.map({ date < $0 }) ?? true, !state.sentNotices.contains(key()) else { return }
            best = date
        }
        return best
    }

    func referenceDue(_ planner: NoticePlanner, _ state: TeamState, _ noMeetings: TeamState, from: Date, through: Date) -> [DueNotice] {
        let reminders = planner.reminders(of: state.meetings, from: from, through: through).filter { !state.sentNotices.contains($0.key) }
        return (reminders + reference.due(in: noMeetings, from: from, through: through)).sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }

    @Test(arguments: [1, 2, 3])
    func timelineAnswersAsTheScan(seed: UInt64) {
        var rng = Generator(state: seed)
        // Across the spring-forward weekend in Europe (2026-03-29), a week after New York's.
        var now = SchedulingFixtures.utc("2026-03-20T08:00Z")
        let today = Day(now, in: .gmt)
        let planner = NoticePlanner(team: Fixtures.team, settings: NoticeSettings())
        var state = Fixtures.state
        var noMeetings = Fixtures.state
        for n in 1...100 { state.apply(.meetingScheduled(Self.meeting(n, around: today, &rng))) }
        for step in 0..<300 {
            now += [1, 59, 600, 900, 3600, 4 * 3600, 26 * 3600].randomElement(using: &rng)! + Double.random(in: 0..<1, using: &rng)
            // The scheduler: send what is due, then ask for the next.
            let due = planner.due(in: state, from: now - 900, through: now)
            #expect(due == referenceDue(planner, state, noMeetings, from: now - 900, through: now), "step \(step)")
            for notice in due where Int.random(in: 0..<4, using: &rng) > 0 {
                state.apply(.noticeSent(NoticeSent(key: notice.key, at: now)))
                noMeetings.apply(.noticeSent(NoticeSent(key: notice.key, at: now)))
            }
            let minute = planner.due(in: state, from: now, through: now + 60)
            #expect(minute == referenceDue(planner, state, noMeetings, from: now, through: now + 60), "step \(step)")
            let expected = referenceNext(planner, state, noMeetings, after: now)
            #expect(planner.next(in: state, after: now) == expected, "step \(step)")
            #expect(NoticePlanner(team: Fixtures.team, settings: NoticeSettings()).next(in: state, after: now) == expected)
            // Now and then the meetings change.
            switch Int.random(in: 0..<12, using: &rng) {
            case 0:
                state.apply(.meetingScheduled(Self.meeting(state.meetings.count + 1, around: Day(now, in: .gmt), &rng)))
            case 1:
                let id = "M-\(Int.random(in: 1...state.meetings.count, using: &rng))"
                state.apply(.meetingCancelled(MeetingChange(meeting: id, by: "mia", at: now)))
            case 2:
                let id = "M-\(Int.random(in: 1...state.meetings.count, using: &rng))"
                let day = Day(now, in: .gmt).adding(days: Int.random(in: 0...2, using: &rng))
                state.apply(.meetingSkipped(MeetingChange(meeting: id, by: "mia", at: now, day: day)))
            case 3:
                let id = "M-\(Int.random(in: 1...state.meetings.count, using: &rng))"
                state.apply(.agendaItemAdded(MeetingChange(meeting: id, by: "sam", at: now, text: "Lead quality")))
            default:
                break
            }
        }
    }

    @Test func wideWindowsAreComputedDirectly() {
        var rng = Generator(state: 9)
        let now = SchedulingFixtures.now
        var state = Fixtures.state
        for n in 1...40 { state.apply(.meetingScheduled(Self.meeting(n, around: Day(now, in: .gmt), &rng))) }
        let planner = NoticePlanner(team: Fixtures.team, settings: NoticeSettings())
        _ = planner.next(in: state, after: now)
        let week = planner.due(in: state, from: now - 7 * 86_400, through: now)
        #expect(week == referenceDue(planner, state, Fixtures.state, from: now - 7 * 86_400, through: now))
        #expect(week.contains { if case .meetingReminder = $0.kind { true } else { false } })
    }
}
