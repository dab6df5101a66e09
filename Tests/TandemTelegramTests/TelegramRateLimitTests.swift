import Foundation
import TandemRuntimeTesting
import TandemTelegramTesting
import Testing

/// The real binary under Telegram's flood control: 429 with `retry_after` on sending and on polling, and a 502.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct TelegramRateLimitTests {
    @Test func tooManyRequestsIsWaitedOutAsLongAsTelegramSaysAndNothingIsLost() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let run = try TelegramBotRun(team: team, baseURL: baseURL)
            defer { run.remove() }
            let bot = try await run.start()
            await run.waitUntilPolling()
            await team.state.fail("sendMessage", with: .tooManyRequests(retryAfter: 1), times: 2)
            await team.state.fail("sendMessage", with: .serverError(status: 502))
            var commands: [String] = []
            for n in 0..<6 { commands.append(await team.say("/campaign zz-\(n)", in: team.joint, as: team.sam)) }
            _ = await team.replies(to: commands)
            await team.state.fail("getUpdates", with: .tooManyRequests(retryAfter: 1))
            // The poll that meets the 429 is the one after the current long poll: end it with a new command.
            let late = await team.say("/campaign spring", in: team.joint, as: team.mia)
            let late2 = await team.say("/campaign autumn", in: team.joint, as: team.mia)
            _ = await team.replies(to: [late, late2])
            #expect(await bot.terminate() == 0)

            let byCommand = TelegramTeam.byCommand(await team.state.sent)
            for command in commands + [late, late2] {
                #expect(byCommand[command]?.count == 1, "command \(command): \(byCommand[command]?.count ?? 0) answers")
            }
            // After each 429 the same request came again no sooner than Telegram asked (or not at all: the bot stopped).
            let calls = await team.state.calls
            var retried = 0
            for (i, call) in calls.enumerated() where call.status == 429 {
                guard let next = calls[(i + 1)...].first(where: { $0.method == call.method && $0.replyTo == call.replyTo }) else { continue }
                retried += 1
                #expect(next.at - call.at >= .milliseconds(990), "\(call.method) retried after \(next.at - call.at)")
            }
            #expect(retried >= 2, "both limited sends were retried")
            #expect(calls.filter { $0.status == 429 }.count == 3)
            #expect(calls.contains { $0.status == 502 })
            #expect(run.log().contains("rate limited"))
        }
    }
}
