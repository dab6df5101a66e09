import Foundation
import InMemoryLogging
import Logging
import TandemChat
import TandemMatrixTesting
import TandemTesting
import Testing

/// The bot in real Matrix rooms: everything goes through Synapse over HTTP, both ways.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MatrixConversationTests {
    /// The replies the bot sent, by the command they answer: the bot's own inbox sees each event's txnId, which is
    /// the outbox key `reply:<command event id>:<n>`.
    static func replies(_ events: [Inbox.Event]) -> [String: [Inbox.Event]] {
        Dictionary(grouping: events.filter { $0.transactionID?.hasPrefix("reply:") == true }) { event in
            let key = event.transactionID!.dropFirst("reply:".count)
            return String(key[..<(key.lastIndex(of: ":") ?? key.endIndex)])
        }
    }

    @Test func aConversationGetsExactlyOneAnswerPerCommandWithPillsThreadsAndLanguages() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            try await MatrixBot.run(team, folder: folder.path) {
                let botView = try await Inbox.open(team.bot, on: server)
                let samView = try await Inbox.open(team.sam, on: server)

                let lookup = try await team.say("@tandem campaign spring", in: team.joint, as: team.mia)
                let question = try await team.say("tandem: what is the promo code for spring launch?", in: team.joint, as: team.sam)
                let handoff = try await team.say(
                    "@tandem handoff \"Anna Schmidt\" to \(team.sam.userID) company=\"Kessler GmbH\" consent=yes "
                        + "campaign=spring-launch priority=hot \"asked for a demo\"", in: team.sales, as: team.mia)
                let sent = try await botView.replies(to: [lookup, question, handoff])
                #expect(sent.contains { $0.content.body?.contains("H-1") == true })

                let accept = try await team.say("@tandem handoff accept H-1", in: team.sales, as: team.sam)
                let german = try await team.say("!hilfe", in: team.joint, as: team.jonas)
                let threaded = try await team.say("\(team.bot.userID) campaign spring", in: team.joint, as: team.sam, thread: lookup)
                let chatter = try await team.say("lunch at noon?", in: team.joint, as: team.jonas)
                let commands = [lookup, question, handoff, accept, german, threaded]
                // The last command's answer, then one more sync: anything sent twice would be there by now.
                _ = try await botView.replies(to: commands)
                let all = try await botView.messages(from: team.bot.userID, count: .max, polls: 1)
                let byCommand = Self.replies(all)

                let keys = all.compactMap(\.transactionID)
                #expect(Set(keys).count == keys.count, "a reply went out twice: \(keys)")
                for command in commands {
                    #expect(byCommand[command]?.isEmpty == false, "command \(command) got no reply")
                }
                #expect(byCommand[handoff]?.count == 2, "the handoff is confirmed and announced")
                #expect(byCommand[chatter] == nil)
                #expect(Set(all.map(\.event_id)).count == all.count)
                for reply in all {
                    #expect(reply.content.msgtype == "m.notice")
                    #expect(reply.content.format == "org.matrix.custom.html")
                    #expect(reply.content.formatted_body?.isEmpty == false)
                }
                #expect(byCommand[lookup]?.first?.content.body?.contains("Spring Launch") == true)
                // Each reply names the command it answers, so replies to different commands may arrive in any order.
                for (command, replies) in byCommand where command != threaded {
                    #expect(replies.allSatisfy { $0.content.relation?.inReplyTo?.event_id == command && $0.content.relation?.rel_type == nil })
                }
                #expect(byCommand[question]?.first?.content.body?.contains("SPRING27") == true)
                #expect(byCommand[accept]?.first?.room == team.sales)

                // The rep of the handoff is a real pill and a real mention, and sees it.
                let announcement = try #require(byCommand[handoff]?.first { $0.content.mentions?.user_ids != nil })
                #expect(announcement.room == team.sales)
                #expect(announcement.content.mentions?.user_ids?.contains(team.sam.userID) == true)
                #expect(announcement.content.formatted_body?.contains("https://matrix.to/#/\(team.sam.userID)") == true)
                let samSaw = try await samView.messages(from: team.bot.userID, count: all.count)
                #expect(samSaw.contains { $0.event_id == announcement.event_id })

                // Jonas asked in German, the reply in the thread went into the thread.
                #expect(byCommand[german]?.first?.content.body?.contains("kampagne") == true)
                let inThread = try #require(byCommand[threaded]?.first)
                #expect(inThread.content.relation?.rel_type == "m.thread")
                #expect(inThread.content.relation?.event_id == lookup)
                #expect(inThread.content.relation?.inReplyTo?.event_id == threaded)
            }
        }
    }
}

extension MatrixConversationTests {
    /// Commands sent while the bot is down come in one `/sync` after its restart; with a timeline limit of 2 the
    /// homeserver leaves most of them out (`limited`), and the bot fetches them through `/messages`.
    @Test func commandsSentWhileTheBotWasDownAreAllAnsweredOnceEvenPastTheTimelineLimit() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let botView = try await Inbox.open(team.bot, on: server)
            let first = try await MatrixBot.run(team, folder: folder.path) {
                let command = try await team.say("@tandem campaign spring", in: team.joint, as: team.mia)
                _ = try await botView.replies(to: [command])
                return command
            }
            var missed: [String] = []
            for n in 0..<8 {
                missed.append(try await team.say("@tandem campaign zz-\(n)", in: n % 2 == 0 ? team.joint : team.sales, as: team.sam))
            }
            let logs = InMemoryLogHandler()
            let whileDown = missed
            try await MatrixBot.run(team, folder: folder.path, logs: logs, timelineLimit: 2) {
                _ = try await botView.replies(to: whileDown)
            }
            let keys = botView.received.compactMap(\.transactionID)
            #expect(Set(keys).count == keys.count, "a reply went out twice: \(keys)")
            #expect(Set(keys) == Set(([first] + missed).map { "reply:\($0):0" }))
            #expect(logs.entries.contains { $0.message.description.contains("limited sync") })
        }
    }
}
