import Foundation
import TandemMattermostTesting
import TandemRuntimeTesting
import Testing

/// The real `tandem` binary in a Mattermost team (the fake), everything over HTTP both ways.
@Suite(.serialized, .timeLimit(.minutes(2))) struct MattermostConversationTests {
    @Test func aConversationGetsExactlyOneAnswerPerCommandWithMentionsThreadsDirectMessagesAndLanguages() async throws {
        try await MattermostFake.withRunning { fake in
            let team = MattermostTeam.make(on: fake)
            try await MattermostBotProcess.with(team) { run in
                let bot = try await run.startFresh()

                let lookup = try fake.post("@tandem campaign spring", in: team.joint, as: team.mia)
                let question = try fake.post("tandem: what is the promo code for spring launch?", in: team.joint, as: team.sam)
                let handoff = try fake.post(
                    "@tandem handoff \"Anna Schmidt\" to @sam company=\"Kessler GmbH\" consent=yes campaign=spring-launch priority=hot "
                        + "\"asked for a demo\"", in: team.joint, as: team.mia)
                try await run.waitForReplies(to: [lookup.id, question.id, handoff.id])
                #expect(run.replies()[handoff.id]?.contains { $0.message.contains("H-1") } == true)

                let accept = try fake.post("@tandem handoff accept H-1", in: team.sales, as: team.sam)
                let german = try fake.post("!hilfe", in: team.joint, as: team.jonas)
                let threaded = try fake.post("@tandem campaign spring", in: team.joint, as: team.sam, rootID: lookup.id)
                let chatter = try fake.post("lunch at noon? @channel", in: team.joint, as: team.jonas)
                let direct = fake.directChannel(team.sam, team.bot)
                let privately = try fake.post("campaign spring", in: direct, as: team.sam)
                let hostile = try fake.post("@tandem campaign @channel spring", in: team.joint, as: team.jonas)
                let commands = [lookup, question, handoff, accept, german, threaded, privately, hostile].map(\.id)
                try await run.waitForReplies(to: commands)
                // One command more, answered after all the others: a reply sent twice would be there by now.
                let last = try fake.post("@tandem campaign zz-last", in: team.sales, as: team.sam)
                try await run.waitForReplies(to: [last.id])
                #expect(await bot.terminate() == 0)

                let byCommand = run.replies()
                let mine = fake.created.filter { $0.userID == team.bot.id }
                #expect(Set(mine.map(\.pendingPostID)).count == mine.count, "a reply went out twice")
                #expect(mine.allSatisfy { $0.props["from_bot"] == "true" })
                for command in commands {
                    #expect(byCommand[command]?.isEmpty == false, "command \(command) got no reply; \(run.errors())")
                }
                #expect(byCommand[chatter.id] == nil)
                #expect(byCommand[lookup.id]?.first?.message.contains("Spring Launch") == true)
                #expect(byCommand[lookup.id]?.first?.channelID == team.joint)
                #expect(byCommand[lookup.id]?.first?.rootID == "", "a command outside a thread is answered in the channel")
                #expect(byCommand[question.id]?.first?.message.contains("SPRING27") == true)

                // The handoff is confirmed where it was asked and announced in the sales channel, with the rep mentioned.
                let announcement = try #require(byCommand[handoff.id]?.first { $0.channelID == team.sales })
                #expect(announcement.message.contains("@sam"))
                #expect(byCommand[handoff.id]?.contains { $0.channelID == team.joint } == true)
                #expect(byCommand[accept.id]?.first?.channelID == team.sales)
                #expect(byCommand[accept.id]?.first?.message.contains("H-1") == true)

                // Jonas asked in German; the answer in the thread went into the thread; the direct message was answered
                // there without an address.
                #expect(byCommand[german.id]?.first?.message.contains("kampagne") == true)
                #expect(byCommand[threaded.id]?.first?.rootID == lookup.id)
                #expect(byCommand[privately.id]?.first?.channelID == direct)
                #expect(byCommand[privately.id]?.first?.message.contains("Spring Launch") == true)
                // Nobody is pinged through the bot's echo of a campaign search.
                for post in mine {
                    #expect(!post.message.lowercased().contains("@channel"), "\(post.message)")
                }
            }
        }
    }

    @Test func aRateLimitedBotWaitsTheServersRetryAfterAndThenAnswers() async throws {
        try await MattermostFake.withRunning { fake in
            let team = MattermostTeam.make(on: fake)
            try await MattermostBotProcess.with(team) { run in
                let bot = try await run.startFresh()
                fake.rateLimitNext(1, retryAfter: 2, on: .listChannels)
                fake.rateLimitNext(1, retryAfter: 1, on: .createPost)
                let command = try fake.post("@tandem campaign spring", in: team.joint, as: team.sam)
                try await run.waitForReplies(to: [command.id])
                try await run.settle()
                #expect(await bot.terminate() == 0)

                let requests = fake.requests
                let limited = try #require(requests.firstIndex { $0.status == 429 && $0.path == "/api/v4/users/me/channels" })
                let retry = try #require(requests[(limited + 1)...].first { $0.path == "/api/v4/users/me/channels" })
                #expect(retry.receivedAt - requests[limited].receivedAt >= .seconds(2), "Retry-After: 2 is the floor")
                let refusedPost = try #require(requests.firstIndex { $0.status == 429 && $0.path == "/api/v4/posts" })
                let posted = try #require(requests[(refusedPost + 1)...].first { $0.path == "/api/v4/posts" })
                #expect(posted.receivedAt - requests[refusedPost].receivedAt >= .seconds(1))
                #expect(run.replies()[command.id]?.count == 1)
            }
        }
    }
}
