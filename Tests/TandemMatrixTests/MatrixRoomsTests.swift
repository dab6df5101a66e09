import Foundation
import InMemoryLogging
import Logging
import TandemChat
import TandemCore
import TandemMatrixTesting
import TandemRuntime
import TandemRuntimeTesting
import TandemTesting
import Testing

/// Rooms the bot is brought into, and notices it posts on its own, against a real Synapse.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MatrixRoomsTests {
    @Test func invitesFromTheAllowlistAreJoinedOthersDeclinedAndADirectRoomNeedsNoAddress() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            try await MatrixBot.run(team, folder: folder.path, invites: MatrixInvitePolicy(users: [team.mia.userID])) {
                let miaView = try await Inbox.open(team.mia, on: server)
                let samView = try await Inbox.open(team.sam, on: server)
                let direct = try await server.createRoom(by: team.mia, inviting: [team.bot])
                let stranger = try await server.createRoom(by: team.sam, inviting: [team.bot])

                #expect(try await miaView.membership(of: team.bot.userID, in: direct, is: "join"))
                #expect(try await samView.membership(of: team.bot.userID, in: stranger, is: "leave"))
                #expect(!samView.received.contains { $0.room == stranger && $0.state_key == team.bot.userID && $0.content.membership == "join" })

                // Mia and the bot alone: a direct conversation, where plain words are a command.
                try await team.say("campaign spring", in: direct, as: team.mia)
                let replies = try await miaView.messages(from: team.bot.userID) { $0.contains { $0.room == direct } }
                #expect(replies.first { $0.room == direct }?.content.body?.contains("Spring Launch") == true)
            }
        }
    }

    @Test func anEncryptedRoomGetsOnePlainNoticeAndTheBotLeaves() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let logs = InMemoryLogHandler()
            try await MatrixBot.run(team, folder: folder.path, logs: logs, invites: MatrixInvitePolicy(users: [team.mia.userID])) {
                let miaView = try await Inbox.open(team.mia, on: server)
                let encryption: [String: any Sendable] = [
                    "type": "m.room.encryption", "state_key": "", "content": ["algorithm": "m.megolm.v1.aes-sha2"] as [String: any Sendable],
                ]
                let room = try await server.call(
                    "POST", "/_matrix/client/v3/createRoom", as: team.mia,
                    json: ["preset": "private_chat", "invite": [team.bot.userID], "initial_state": [encryption]]
                ).decode(RoomID.self).room_id

                #expect(try await miaView.membership(of: team.bot.userID, in: room, is: "leave"))
                let notices = miaView.received.filter { $0.room == room && $0.sender == team.bot.userID && $0.type == "m.room.message" }
                #expect(notices.count == 1)
                #expect(notices.first?.content.msgtype == "m.notice")
                #expect(notices.first?.content.body?.contains("end-to-end encrypted") == true)
                #expect(logs.entries.contains { $0.message.description.contains("encrypted room") })
            }
        }
    }

    @Test func anEscalationAndAMeetingReminderArriveInTheirRoomsAtTheirTime() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let zone = TimeZone(identifier: "Europe/Berlin")!
            let created = WallTime(day: Day(iso: "2026-12-02")!, hour: 10, minute: 0).instant(in: zone)
            let handoff = Handoff(
                id: "H-1", contact: .init(name: "Anna Schmidt", consent: .yes), from: team.mia.userID, assignee: team.sam.userID,
                createdAt: created, firstTouchDue: created + 3600)
            let schedule = MeetingSchedule(
                firstStart: WallTime(day: Day(iso: "2026-12-02")!, hour: 12, minute: 0), timeZone: "Europe/Berlin",
                durationMinutes: 30, recurrence: .once, skipped: [], until: nil)
            let meeting = Meeting(
                id: "M-1", title: "Pipeline sync", channel: team.joint, organizer: team.mia.userID, schedule: schedule,
                reminderMinutes: [15])
            try await MatrixBot.seed(folder.path)
            try await MatrixBot.append(folder.path, [.leadHandedOff(handoff), .meetingScheduled(meeting)])
            let clock = ManualClock(created + 60)
            try await MatrixBot.run(team, folder: folder.path, clock: clock, notices: NoticeSettings(reportWeekday: 5)) {
                let botView = try await Inbox.open(team.bot, on: server)
                var seen: [Inbox.Event] = []
                for expected in ["sla:H-1:1", "meeting:M-1:"] {
                    let wake = await clock.nextWake()
                    clock.advance(to: wake)
                    seen = try await botView.messages(from: team.bot.userID) { sent in
                        sent.contains { $0.transactionID?.hasPrefix(expected) == true }
                    }
                }
                let escalation = try #require(seen.first { $0.transactionID == "sla:H-1:1" })
                #expect(escalation.room == team.sales)
                #expect(escalation.content.mentions?.user_ids == [team.sam.userID])
                let reminder = try #require(seen.first { $0.transactionID?.hasPrefix("meeting:M-1:") == true })
                #expect(reminder.room == team.joint)
                #expect(reminder.content.body?.contains("Pipeline sync starts in 15 min") == true)
                #expect(seen.count == 2)
            }
        }
    }

    struct RoomID: Decodable { var room_id: String }
}
