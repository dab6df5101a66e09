import Foundation
import InMemoryLogging
import Logging
import TandemMatrixTesting
import TandemTesting
import Testing

/// The bot on a homeserver that rate-limits it: Synapse answers 429 `M_LIMIT_EXCEEDED` with a `retry_after_ms`,
/// and the bot waits and sends again under the same txnId, so every command still gets exactly one reply.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct MatrixRateLimitTests {
    /// One message a second after a burst of two: ten replies take at least eight seconds, far longer than Sam
    /// takes to send the ten commands even on a loaded machine, so the bot must meet the limit. (Two a second
    /// after three was not enough: beside the other suites, Sam's sends slowed to the bot's allowed pace.)
    static let limit: SynapseServer.MessageRateLimit = (perSecond: 1, burst: 2)

    @Test func tenCommandsAtOnceGetOneReplyEachThoughTheBotIsRateLimited() async throws {
        try await SynapseServer.run(messageRateLimit: Self.limit) { server in
            let team = try await Self.team(on: server)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            let logs = InMemoryLogHandler()
            try await MatrixBot.run(team, folder: folder.path, logs: logs) {
                let botView = try await Inbox.open(team.bot, on: server)
                // Sam is exempt from the limit: all ten go out at once and none is refused.
                var commands: [String] = []
                for n in 0..<10 {
                    commands.append(try await team.say("@tandem campaign zz-rate-\(n)", in: team.joint, as: team.sam))
                }
                _ = try await botView.replies(to: commands, polls: 60)
                // One more sync: anything sent twice would be there by now.
                let all = try await botView.messages(from: team.bot.userID, count: .max, polls: 1)
                let byCommand = MatrixConversationTests.replies(all)

                let keys = all.compactMap(\.transactionID)
                #expect(Set(keys).count == keys.count, "a reply went out twice: \(keys)")
                for (n, command) in commands.enumerated() {
                    let replies = byCommand[command] ?? []
                    #expect(replies.map(\.transactionID) == ["reply:\(command):0"], "command \(n): \(replies.count) replies")
                    #expect(replies.first?.content.body?.contains("zz-rate-\(n)") == true)
                }
                #expect(all.count == commands.count)
            }
            // The homeserver really refused the bot: its sender logged 429s and retried.
            let limited = logs.entries.filter {
                $0.message.description == "send failed, retrying" && $0.metadata["error"]?.description.contains("rate limited") == true
            }
            #expect(!limited.isEmpty, "the bot was never rate limited: \(logs.entries.map(\.message))")
            #expect(limited.allSatisfy { $0.metadata["error"]?.description.contains("M_LIMIT_EXCEEDED") == true })
        }
    }

    /// ``MatrixTeam/make(on:)``'s team, but the people are exempt from `rc_message` (through an admin), so the
    /// tight limit meets the bot only: their rooms, invitations and commands go through at any pace.
    static func team(on server: SynapseServer) async throws -> MatrixTeam {
        try await MatrixTeam.make(on: server, exemptedBy: try await server.registerUser("admin", admin: true))
    }
}
