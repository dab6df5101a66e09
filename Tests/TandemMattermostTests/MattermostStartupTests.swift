import Foundation
import TandemMattermostTesting
import TandemRuntime
import TandemRuntimeTesting
import TandemTesting
import Testing

/// What an admin sees first: `check-config --probe`, and a bot started with a wrong token.
@Suite(.timeLimit(.minutes(3))) struct MattermostStartupTests {
    @Test func theProbeShowsWhoTheBotIsAndWarnsAboutAChannelItIsNotIn() async throws {
        try await MattermostFake.withRunning { fake in
            let team = MattermostTeam.make(on: fake)
            let notIn = fake.addChannel("town-square", members: [team.mia])
            let folder = TemporaryFolder()
            defer { folder.remove() }
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            try team.bot.token.write(toFile: folder.file("token"), atomically: true, encoding: .utf8)
            let config: [String: Any] = [
                "transport": ["type": "mattermost", "serverURL": fake.baseURL, "tokenFile": folder.file("token")],
                "team": [
                    "salesChannel": team.sales, "jointChannel": notIn,
                    "members": [["id": "mia", "name": "Mia", "roles": ["marketing-lead"]]],
                ],
            ]
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder.file("mm.json")))
            _ = fake.directChannel(team.sam, team.bot)
            let lines = try await ConfigCheck.probe(try Configuration.load(from: folder.file("mm.json")))
            let text = lines.joined(separator: "\n")
            #expect(text.contains("the bot is @tandem (\(team.bot.id)); member of 3 channels"), "\(text)")
            #expect(text.contains("  \(team.sales) (Sales)"), "\(text)")
            #expect(text.contains(", direct"), "\(text)")
            #expect(text.contains("warning: team.jointChannel \(notIn) is not among them"), "\(text)")
            #expect(!text.contains("warning: team.salesChannel"))
            #expect(!text.contains(team.bot.token))
        }
    }

    @Test func aBotWithAWrongTokenStopsWithAClearLine() async throws {
        try await MattermostFake.withRunning { fake in
            let team = MattermostTeam.make(on: fake)
            try await MattermostBotProcess.with(team) { run in
                let wrong = "wrongtokenwrongtokenwrongt"
                let bot = try await run.start(waitForURL: false, token: wrong)
                #expect(await bot.exitStatus() != 0)
                let log = run.errors()
                #expect(log.contains("refused the bot's token"), "\(log)")
                #expect(!log.contains(wrong))
                #expect(fake.requests.contains { $0.status == 401 })
            }
        }
    }

    @Test func aTokenRevokedWhileTheBotRunsStopsItWithAClearLine() async throws {
        try await MattermostFake.withRunning { fake in
            let team = MattermostTeam.make(on: fake)
            try await MattermostBotProcess.with(team) { run in
                let bot = try await run.startFresh()
                fake.revokeTokens(of: team.bot)
                #expect(await bot.exitStatus() != 0)
                let log = run.errors()
                #expect(log.contains("refused the bot's token"), "\(log)")
                #expect(!log.contains(team.bot.token))
            }
        }
    }
}
