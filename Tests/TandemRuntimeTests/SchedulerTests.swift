import Foundation
import InMemoryLogging
import Logging
import TandemTesting
import Testing
import TandemChat
import TandemCore
import TandemRuntime
import TandemRuntimeTesting
import TandemStore

@Suite(.timeLimit(.minutes(3)))
struct SchedulerTests {
    /// A weekly Monday 09:00 Berlin meeting with reminders 1 day and 15 minutes before.
    static func weeklySync(id: String = "M-1") -> Meeting {
        let schedule = MeetingSchedule(
            firstStart: WallTime(day: Day(iso: "2026-12-07")!, hour: 9, minute: 0), timeZone: "Europe/Berlin",
            durationMinutes: 30, recurrence: Recurrence(.weekly(interval: 1, weekdays: [1])), skipped: [], until: nil)
        return Meeting(id: id, title: "Pipeline sync", channel: "joint", organizer: "mia", schedule: schedule, reminderMinutes: [1440, 15])
    }

    /// Reminder posts only (the weekly report also goes to the joint channel).
    func reminders(_ transport: InMemoryTransport) -> [OutgoingChatMessage] {
        transport.posted.filter { $0.idempotencyKey.hasPrefix("meeting:") }
    }

    @Test func aMonthOfAWeeklyMeetingSendsEachReminderOnceAtItsTime() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        try await BotHarness.seed(folder, [.meetingScheduled(Self.weeklySync())])
        let clock = ManualClock(BotHarness.berlin("2026-12-01", 12))
        let transport = InMemoryTransport()
        let end = BotHarness.berlin("2026-12-29", 12)
        try await BotHarness.run(folder: folder, clock: clock, transport: transport, notices: NoticeSettings(reportWeekday: 5)) {
            var sends = 0
            while true {
                let wake = await clock.nextWake()
                if wake > end { break }
                clock.advance(to: wake)
                sends += 1
                await transport.wait { $0.posted.count >= sends }
            }
        }
        let sent = reminders(transport)
        let keys = sent.map(\.idempotencyKey)
        #expect(Set(keys).count == keys.count)
        // Mondays 7, 14, 21, 28 Dec: the day before at 09:00 and the day itself at 08:45, Berlin time.
        let expected = ["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"].flatMap { day -> [String] in
            let start = NoticePlannerKeys.stamp(BotHarness.berlin(day, 9))
            return ["meeting:M-1:\(start):1440m", "meeting:M-1:\(start):15m"]
        }
        #expect(keys == expected)
        #expect(sent.allSatisfy { $0.channel == "joint" })
        #expect(sent.first?.body.plainText.contains("Pipeline sync starts in 1 day") == true)
        #expect(sent.dropFirst().first?.body.plainText.contains("starts in 15 min") == true)
        #expect(!sent.contains { $0.body.plainText.contains("late") })
    }

    @Test func aRestartInsideTheGraceWindowSendsTheMissedReminderOnceMarkedLate() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        try await BotHarness.seed(folder, [.meetingScheduled(Self.weeklySync())])
        // The 15-minute reminder for Mon 7 Dec 09:00 was due at 08:45; the bot comes back at 08:50.
        let clock = ManualClock(BotHarness.berlin("2026-12-07", 8, 50))
        let transport = InMemoryTransport()
        try await BotHarness.run(folder: folder, clock: clock, transport: transport) {
            await transport.wait { $0.posted.count >= 1 }
        }
        #expect(reminders(transport).count == 1)
        #expect(reminders(transport).first?.body.plainText.contains("Sent late") == true)
        // Restarting again in the same window sends nothing more: the notice is in the journal.
        let again = InMemoryTransport()
        let later = ManualClock(BotHarness.berlin("2026-12-07", 8, 52))
        try await BotHarness.run(folder: folder, clock: later, transport: again) {
            _ = await later.nextWake()
        }
        #expect(reminders(again).isEmpty)
    }

    /// A bot started for the first time (it never polled) missed nothing: inside the grace window of the weekly
    /// report it does not post it late; the next week's goes out on time.
    @Test func aFirstStartInsideTheGraceWindowPostsNothingLate() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        // Monday 7 Dec, 09:05 Berlin: the report was due at 09:00 (the default), the grace is 15 minutes.
        let clock = ManualClock(BotHarness.berlin("2026-12-07", 9, 5))
        let transport = InMemoryTransport()
        let nextReport = BotHarness.berlin("2026-12-14", 9)
        try await BotHarness.run(folder: folder, clock: clock, transport: transport, firstStart: true) {
            let wake = await clock.nextWake()
            #expect(transport.posted.isEmpty, "nothing sent late on a first start")
            #expect(wake == nextReport)
            clock.advance(to: wake)
            await transport.wait { $0.posted.count >= 1 }
        }
        #expect(transport.posted.map(\.idempotencyKey).allSatisfy { $0.hasPrefix("report:") })
        #expect(transport.posted.count == 1)
        #expect(transport.posted.first?.body.plainText.contains("late") == false)
    }

    @Test func downtimeLongerThanTheGracePeriodSkipsTheReminderWithALogLine() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        try await BotHarness.seed(folder, [.meetingScheduled(Self.weeklySync())])
        let clock = ManualClock(BotHarness.berlin("2026-12-07", 9, 5))
        let transport = InMemoryTransport()
        let logs = InMemoryLogHandler()
        try await BotHarness.run(folder: folder, clock: clock, transport: transport, logs: logs) {
            _ = await clock.nextWake()
        }
        #expect(reminders(transport).isEmpty)
        #expect(logs.entries.contains { entry in
            "\(entry.message)".contains("skipped a notice") && "\(entry.metadata["key"] ?? "")".hasPrefix("meeting:M-1:")
                && "\(entry.metadata["key"] ?? "")".hasSuffix(":15m")
        })
    }

    @Test func anOverdueHandoffIsEscalatedToTheRepThenTheSalesLead() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        let created = BotHarness.berlin("2026-12-02", 10)
        let handoff = Handoff(
            id: "H-1", contact: .init(name: "Anna Schmidt", consent: .yes), from: "mia", assignee: "sam", createdAt: created,
            firstTouchDue: created + 3600)
        try await BotHarness.seed(folder, [.leadHandedOff(handoff)])
        let clock = ManualClock(created + 60)
        let transport = InMemoryTransport()
        try await BotHarness.run(folder: folder, clock: clock, transport: transport, notices: NoticeSettings(reportWeekday: 5)) {
            for n in 1...2 {
                let wake = await clock.nextWake()
                clock.advance(to: wake)
                await transport.wait { $0.posted.count >= n }
            }
        }
        let sent = transport.posted.filter { $0.idempotencyKey.hasPrefix("sla:") }
        #expect(sent.map(\.idempotencyKey) == ["sla:H-1:1", "sla:H-1:2"])
        #expect(sent.allSatisfy { $0.channel == "sales" })
        #expect(sent[0].body.mentions == ["sam"])
        #expect(sent[1].body.mentions == ["priya"])
    }

    @Test func acceptingInTimeCancelsTheEscalation() async throws {
        let temporary = TemporaryFolder("tandem-bot")
        defer { temporary.remove() }
        let folder = temporary.path
        let created = BotHarness.berlin("2026-12-02", 10)
        let handoff = Handoff(
            id: "H-1", contact: .init(name: "Anna Schmidt", consent: .yes), from: "mia", assignee: "sam", createdAt: created,
            firstTouchDue: created + 3600)
        try await BotHarness.seed(folder, [.leadHandedOff(handoff)])
        let clock = ManualClock(created + 60)
        let transport = InMemoryTransport()
        try await BotHarness.run(folder: folder, clock: clock, transport: transport, notices: NoticeSettings(reportWeekday: 5)) {
            let escalation = await clock.nextWake()
            #expect(escalation == created + 3600)
            transport.deliver([ChatMessage(id: "1", channel: "sales", userID: "sam", userName: "Sam", text: "@tandem handoff accept H-1")])
            await transport.wait { $0.posted.count >= 1 }
            // The scheduler re-plans after the change; with nothing else due it sleeps until the weekly report.
            let next = await clock.nextWake(excluding: escalation)
            #expect(next > created + 86_400)
        }
        #expect(!transport.posted.contains { $0.idempotencyKey.hasPrefix("sla:") })
    }
}

/// The key format of reminders, as operators see it in logs and the journal.
enum NoticePlannerKeys {
    static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}

extension RichText {
    /// Ids of members mentioned anywhere.
    var mentions: [String] {
        blocks.flatMap { block -> [Inline] in
            switch block {
            case .paragraph(let inlines): inlines
            case .bullets(let items): items.flatMap { $0 }
            }
        }.compactMap { if case .mention(let id, _) = $0 { id } else { nil } }
    }
}
