import Foundation
import Testing
import TandemCore

struct MeetingCommandTests {
    @Test(arguments: [
        ("meeting add \"Pipeline sync\" monday 09:00 every monday remind=1d,15m", "Pipeline sync", "every Monday at 09:00", [1440, 15]),
        ("meeting add Pipeline sync tomorrow 10:00", "Pipeline sync", "once, 1 Dec 2026 at 10:00", [1440, 15]),
        ("meeting add \"SLA review\" 2027-01-05 14:00 monthly on the first tuesday remind=2h", "SLA review", "monthly on the 1st Tuesday at 14:00", [120]),
        ("meeting add Sync 2026-12-03 09:30 every 2 weeks on thursday in #sales", "Sync", "every 2 weeks on Thursday at 09:30", [1440, 15]),
    ])
    func meetingAddReadsTitleTimeRecurrenceAndReminders(command: String, title: String, rule: String, reminders: [Int]) throws {
        var talk = Conversation()
        let outcome = talk.say(command, as: Fixtures.priya)
        let meeting = try #require(talk.state.meeting(id: "M-1"), "\(outcome.replies.map(\.body.plainText))")
        #expect(meeting.title == title)
        #expect(meeting.reminderMinutes == reminders)
        #expect(meeting.schedule.timeZone == "Europe/London")
        #expect(outcome.replies[0].body.plainText.contains(rule))
    }

    @Test func theChannelDefaultsToTheJointChannel() throws {
        var talk = Conversation()
        talk.say("meeting add Sync tomorrow 10:00", as: Fixtures.mia)
        #expect(talk.state.meeting(id: "M-1")?.channel == "joint")
        talk.say("meeting add Sync tomorrow 10:00 in #sales", as: Fixtures.mia)
        #expect(talk.state.meeting(id: "M-2")?.channel == "sales")
    }

    @Test(arguments: ["meeting add Sync", "meeting add Sync someday", "meeting add Sync tomorrow 10:00 sometimes", "meeting add Sync tomorrow remind=soon"])
    func malformedMeetingsAreNotScheduled(command: String) {
        var talk = Conversation()
        let outcome = talk.say(command, as: Fixtures.mia)
        #expect(outcome.events.isEmpty)
        #expect(talk.state.meetings.isEmpty)
    }

    @Test func onlyLeadsScheduleMeetingsButEveryMemberAddsToTheAgenda() {
        var talk = Conversation()
        #expect(talk.say("meeting add Sync tomorrow 10:00", as: Fixtures.sam).events.isEmpty)
        talk.say("meeting add Sync tomorrow 10:00", as: Fixtures.mia)
        #expect(talk.say("agenda add M-1 \"Lead quality from the webinar\"", as: Fixtures.sam).events.count == 1)
        #expect(talk.say("agenda add M-1 anything", as: Fixtures.guest).events.isEmpty)
        #expect(talk.say("agenda M-1", as: Fixtures.guest).replies[0].body.plainText.contains("Lead quality from the webinar"))
        talk.say("agenda done M-1 1", as: Fixtures.jonas)
        #expect(talk.state.meeting(id: "M-1")?.openAgenda.isEmpty == true)
        #expect(talk.say("agenda done M-1 1", as: Fixtures.jonas).events.isEmpty)
    }

    @Test func skippingAnOccurrenceAndCancellingTheSeries() throws {
        var talk = Conversation()
        talk.say("meeting add Sync 2026-12-07 09:00 every monday", as: Fixtures.mia)
        #expect(talk.say("meeting skip M-1 2026-12-08", as: Fixtures.mia).events.isEmpty)  // a Tuesday
        #expect(talk.say("meeting aussetzen M-1 14.12.2026", as: Fixtures.mia).events.count == 1)
        let meeting = try #require(talk.state.meeting(id: "M-1"))
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let december = meeting.schedule.occurrences(from: Fixtures.now, to: Fixtures.now + 31 * 86_400).map { Day($0, in: berlin) }
        #expect(december.map(\.description) == ["2026-12-07", "2026-12-21", "2026-12-28"])
        talk.say("meeting cancel M-1", as: Fixtures.priya)
        #expect(talk.state.meeting(id: "M-1")?.nextStart(atOrAfter: Fixtures.now) == nil)
        #expect(talk.say("meeting list", as: Fixtures.sam).replies[0].body.plainText.contains("No meetings planned"))
    }

    @Test func theCalendarReplyIsAnICSDocument() {
        var talk = Conversation()
        talk.say("meeting add Sync 2026-12-07 09:00 every monday", as: Fixtures.mia)
        let text = talk.say("meeting ics M-1", as: Fixtures.sam).replies[0].body.plainText
        #expect(text.contains("BEGIN:VCALENDAR"))
        #expect(text.contains("RRULE:FREQ=WEEKLY"))
        #expect(text.contains("TZID=Europe/Berlin"))
    }
}

struct StandardReportTests {
    @Test func theReportSumsUpCampaignsHandoffsReasonsSLAAndOverdueLeads() {
        var talk = Conversation()
        for _ in 0..<3 { _ = talk.handOff() }
        _ = talk.handOff(to: "@jonas")
        talk.say("handoff accept H-1", as: Fixtures.sam)
        talk.say("handoff won H-1", as: Fixtures.sam)
        talk.say("handoff reject H-2 no-budget", as: Fixtures.sam)
        talk.now += 6 * 3600
        let text = talk.say("report", as: Fixtures.priya).replies[0].body.plainText
        #expect(text.contains("Standard report — last 7 days"))
        #expect(text.contains("Campaigns live (2)"))  // year-end upgrade, security roadshow
        #expect(text.contains("Year-End Upgrade Offer"))
        #expect(text.contains("Handoffs (4)"))
        #expect(text.contains("Spring Launch 2027: 4 handed off, 1 accepted, 1 rejected, 1 won, 0 lost"))
        #expect(text.contains("top reasons: no-budget (1)"))
        #expect(text.contains("SLA kept 50 %"))
        #expect(text.contains("Overdue handoffs (2)"))
        #expect(text.contains("Sam: H-3"))
        #expect(text.contains("Jonas: H-4"))
        let german = talk.say("bericht monat", as: Fixtures.mia).replies[0].body.plainText
        #expect(german.contains("Standardbericht — letzte 30 Tage"))
        #expect(german.contains("Überfällige Übergaben (2)"))
    }
}
