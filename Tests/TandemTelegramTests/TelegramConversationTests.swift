import Foundation
import TandemChat
import TandemRuntimeTesting
import TandemTelegramTesting
import Testing

/// The real `tandem` binary in Telegram groups and private chats, everything through the fake Bot API over HTTP.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TelegramConversationTests {
    @Test func aConversationGetsExactlyOneAnswerPerCommandWithMentionsAndLanguages() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL)
            defer { run.remove() }
            let bot = try await run.start()
            await run.waitUntilPolling()

            let lookup = await team.say("/campaign spring", in: team.joint, as: team.mia)
            let question = await team.say("@TandemTestBot what is the promo code for spring launch?", in: team.joint, as: team.sam)
            let handoff = await team.say(
                "@TandemTestBot handoff \"Anna Schmidt\" to @sam company=\"Kessler GmbH\" consent=yes campaign=spring-launch "
                    + "priority=hot \"asked for a demo <b>now</b> & @everyone\"", in: team.sales, as: team.mia)
            let first = await team.replies(to: [lookup, question, handoff])
            #expect(first.contains { $0.text.contains("H-1") })

            let accept = await team.say("/handoff@TandemTestBot accept H-1", in: team.sales, as: team.sam)
            // Privacy mode: `!hilfe` in a group never reaches the bot; in a private chat it is a command.
            await team.say("!hilfe", in: team.joint, as: team.jonas)
            let german = await team.say("!hilfe", in: team.jonas.id, as: team.jonas)
            let chatter = await team.say("lunch at noon, @TandemTestBot?", in: team.joint, as: team.sam)
            let commands = [lookup, question, handoff, accept, german]
            _ = await team.replies(to: commands)
            // Stopped, the bot can send nothing more: what it sent is all it will ever send.
            #expect(await bot.terminate() == 0, "SIGTERM is a clean stop")
            let all = await team.state.sent
            let byCommand = TelegramTeam.byCommand(all)

            for command in commands where command != handoff {
                #expect(byCommand[command]?.count == 1, "command \(command): \(byCommand[command]?.map(\.text) ?? [])")
            }
            #expect(byCommand[handoff]?.count == 2, "the handoff is confirmed and announced")
            #expect(byCommand[chatter] == nil)
            #expect(all.count == commands.count + 1, "the bot sent nothing but the answers: \(all.map(\.text))")
            #expect(all.allSatisfy { $0.parseMode == "HTML" })
            #expect(byCommand[lookup]?.first?.text.contains("Spring Launch") == true)
            #expect(byCommand[question]?.first?.text.contains("SPRING27") == true)
            #expect(byCommand[accept]?.first?.chatID == team.sales)

            // The rep is a text mention, which notifies Sam; the context's HTML and @everyone are text, and ping nobody.
            let announcement = try #require(byCommand[handoff]?.first { $0.entities.contains { $0.href == "tg://user?id=\(team.sam.id)" } })
            #expect(announcement.chatID == team.sales)
            #expect(all.allSatisfy { !$0.text.contains("@everyone") })
            #expect(all.allSatisfy { $0.entities.allSatisfy { $0.href == nil || $0.href!.hasPrefix("tg://user?id=") || $0.href!.hasPrefix("http") } })

            #expect(byCommand[german]?.first?.text.contains("kampagne") == true)
            #expect(byCommand[german]?.first?.chatID == team.jonas.id)
            let log = run.log()
            #expect(!log.contains(TelegramTeam.token) && !log.contains("AAHtestTokenSecretPart"))
            #expect(log.contains("connected to Telegram"))
        }
    }

    @Test func aWrongTokenStopsTheBotWithAClearLineThatNeverNamesIt() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL)
            defer { run.remove() }
            let wrong = "123456789:AAHsomebodyElsesSecret"
            let bot = try await TandemProcess(
                launching: ["run", "--config", run.config, "--state", run.state], stateFolder: run.state,
                environment: [TelegramBotRun.tokenVariable: wrong], waitForURL: false, errorLog: run.errorLog)
            #expect(await bot.exitStatus() != 0)
            let log = run.log()
            #expect(log.contains("@BotFather"), "\(log)")
            #expect(!log.contains("somebodyElsesSecret"))
        }
    }

    @Test func anotherPollerStopsTheBotInsteadOfFightingIt() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL)
            defer { run.remove() }
            let bot = try await run.start()
            await run.waitUntilPolling()
            // A second program polling with the same token cuts off the bot's long poll, as Telegram does.
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let rival = team.transport(baseURL: baseURL, http: http, pollTimeout: 1)
            _ = try await rival.poll(after: "0")
            #expect(await bot.exitStatus() != 0)
            let log = run.log()
            #expect(log.contains("terminated by other getUpdates request") && log.contains("only one may"), "\(log)")
            let polls = await team.state.calls.filter { $0.method == "getupdates" && $0.status == 409 }.count
            #expect(polls == 1, "the bot stopped at the first conflict")
        }
    }
}
