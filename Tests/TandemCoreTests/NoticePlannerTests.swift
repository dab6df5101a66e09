import Foundation
import Testing
import TandemCore

struct NoticePlannerTests {
    let planner = NoticePlanner(team: Fixtures.team, settings: NoticeSettings())
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func at(_ day: String, _ hour: Int, _ minute: Int = 0) -> Date {
        WallTime(day: Day(iso: day)!, hour: hour, minute: minute).instant(in: berlin)
    }

    @Test func theWeeklyReportIsDueOnMondayAt0900InTheTeamsZoneInEveryLanguageOfTheTeam() throws {
        let next = try #require(planner.next(in: Fixtures.state, after: Fixtures.now))
        #expect(next == at("2026-12-07", 9))
        let due = planner.due(in: Fixtures.state, from: next - 60, through: next)
        #expect(due.map(\.key) == ["report:2026-12-07"])
        let outcome = planner.outcome(for: due, state: Fixtures.state, now: next)
        #expect(outcome.events == [.noticeSent(NoticeSent(key: "report:2026-12-07", at: next))])
        #expect(outcome.replies.first?.channel == "joint")
        let text = try #require(outcome.replies.first?.body.plainText)
        #expect(text.contains("Standard report") && text.contains("Standardbericht"))
        #expect(!text.contains("Sent late"))
    }

    @Test func aSentNoticeIsNeitherDueNorNextAgain() throws {
        var state = Fixtures.state
        state.apply(.noticeSent(NoticeSent(key: "report:2026-12-07", at: at("2026-12-07", 9))))
        #expect(planner.due(in: state, from: at("2026-12-07", 8), through: at("2026-12-07", 10)).isEmpty)
        #expect(planner.next(in: state, after: Fixtures.now) == at("2026-12-14", 9))
    }

    @Test func aLateNoticeSaysSo() {
        let due = planner.due(in: Fixtures.state, from: at("2026-12-07", 9), through: at("2026-12-07", 9, 10))
        let text = planner.outcome(for: due, state: Fixtures.state, now: at("2026-12-07", 9, 10)).replies.first?.body.plainText
        #expect(text?.contains("(Sent late: Tandem was offline.)") == true)
    }

    @Test func meetingRemindersFollowTheWallClockAcrossDST() throws {
        var talk = Conversation()
        talk.now = at("2027-03-20", 12)
        talk.say("meeting add Sync 2027-03-22 09:00 every monday remind=15m", as: Fixtures.mia)
        let from = at("2027-03-21", 0), through = at("2027-04-06", 0)
        let reminders = planner.due(in: talk.state, from: from, through: through).filter { $0.key.hasPrefix("meeting:") }
        // 08:45 Berlin: 07:45Z before the change on 28 March, 06:45Z after it.
        #expect(reminders.map(\.at) == [at("2027-03-22", 8, 45), at("2027-03-29", 8, 45), at("2027-04-05", 8, 45)])
        #expect(reminders[0].at.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 7 * 3600 + 45 * 60)
        #expect(reminders[1].at.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 6 * 3600 + 45 * 60)
    }
}
