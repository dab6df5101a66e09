import Foundation
import TandemRuntimeTesting
import TandemZulipTesting
import Testing

/// The real `tandem` binary in a Zulip organisation (the fake), both ways over HTTP: people type what Zulip's
/// compose box sends (`@**Tandem** …`), the bot answers in the same channel and topic, announces a handoff in the
/// sales channel with the rep really mentioned, and answers a German member in German.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ZulipConversationTests {
    @Test func aConversationGetsOneAnswerPerCommandInTheRightTopicWithTheRepMentioned() async throws {
        // The organisation forbids wildcard mentions: a reply with a live `@**all**` would be refused and never arrive.
        var organisation = ZulipFakeConfiguration.team()
        organisation.wildcardMentionsAllowed = false
        try await ZulipFake.withRunning(organisation) { fake in
            let run = try ZulipBotRun(fake: fake)
            defer { run.remove() }
            let bot = try await run.start()

            fake.say("@**Tandem** campaign spring", as: run.mia, in: run.joint, topic: "launch")
            var posts = try await fake.botPosts(count: 1)
            #expect(posts[0].channelID == run.joint && posts[0].topic == "launch")
            #expect(posts[0].content.contains("Spring Launch"), "\(posts[0].content)")

            fake.say(
                "@**Tandem** handoff \"Anna Schmidt\" to @**Sam Carter** company=\"Kessler GmbH\" consent=yes campaign=spring-launch "
                    + "priority=hot \"asked for a demo\"", as: run.mia, in: run.sales, topic: "leads")
            posts = try await fake.botPosts(count: 3)
            let handoff = posts[1...2]
            #expect(handoff.allSatisfy { $0.channelID == run.sales && $0.topic == "leads" })
            #expect(handoff.contains { $0.content.contains("H-1") })
            // The rep is mentioned as Zulip would notify: by id, with no wildcard anywhere.
            let announcement = try #require(handoff.first { $0.mentions.userIDs == [run.sam.id] }, "\(handoff.map(\.content))")
            #expect(announcement.content.contains("@**|\(run.sam.id)**"))

            fake.say("@**Tandem|\(fake.bot.id)** handoff accept H-1", as: run.sam, in: run.sales, topic: "leads")
            posts = try await fake.botPosts(count: 4)
            #expect(posts[3].channelID == run.sales && posts[3].topic == "leads")
            #expect(posts[3].content.contains("H-1"), "\(posts[3].content)")

            fake.say("!hilfe", as: run.jonas, in: run.joint, topic: "fragen")
            posts = try await fake.botPosts(count: 5)
            #expect(posts[4].topic == "fragen" && posts[4].content.contains("kampagne"), "\(posts[4].content)")

            // A direct message needs no address; the answer goes back to the same person.
            fake.sayDirect("campaign spring", as: run.sam, to: [fake.bot.id])
            posts = try await fake.botPosts(count: 6)
            #expect(posts[5].channelID == nil && posts[5].people == [fake.bot.id, run.sam.id].sorted())
            #expect(posts[5].content.contains("Spring Launch"))

            // Hostile text echoed back: Zulip's wildcard and group syntax must not notify anyone.
            fake.say("@**Tandem** campaign @**all** @**everyone** @_**topic** @*sales* launch", as: run.sam, in: run.joint)
            posts = try await fake.botPosts(count: 7)
            #expect(posts[6].mentions == ZulipFakeMentions(), "\(posts[6].content)")
            #expect(posts[6].content.contains("all"))

            // Chatter is not answered: the next command's answer is the next post.
            fake.say("lunch at noon?", as: run.jonas, in: run.joint)
            fake.say("@**Tandem** campaign zz-last", as: run.mia, in: run.joint)
            posts = try await fake.botPosts(count: 8)
            #expect(posts[7].content.contains("zz-last"))
            #expect(await bot.terminate() == 0)
            #expect(fake.botPosts.count == 8, "\(fake.botPosts.map(\.content))")
            #expect(fake.botPosts.allSatisfy { !$0.truncated })
        }
    }

    /// `tandem check-config --probe` against the fake: who the bot is, its channels with ids, whom each member id names.
    @Test func theProbeShowsTheBotItsChannelsAndTheMembers() async throws {
        try await ZulipFake.withRunning { fake in
            let run = try ZulipBotRun(fake: fake)
            defer { run.remove() }
            setenv(ZulipBotRun.keyVariable, fake.bot.apiKey, 1)
            let probe = try await TandemProcess.run(["check-config", run.config, "--probe"])
            #expect(probe.status == 0, "\(probe.output)\(probe.errors)")
            #expect(probe.output.contains("transport: Zulip at \(fake.site) as \(fake.bot.email), API key read"))
            #expect(probe.output.contains("probe: logged in as Tandem (user id \(fake.bot.id)); subscribed to 2 channels:"))
            #expect(probe.output.contains("  1 (joint)") && probe.output.contains("  2 (sales)"))
            #expect(probe.output.contains("member 12 is Sam Carter in Zulip"))
            #expect(!probe.output.contains("warning:"), "\(probe.output)")
            #expect(!probe.output.contains(fake.bot.apiKey) && !probe.errors.contains(fake.bot.apiKey))
        }
    }

    /// A wrong API key stops the bot at once with a line that says what to check, and without the key.
    @Test func aRefusedKeyStopsTheBotWithAClearLine() async throws {
        try await ZulipFake.withRunning { fake in
            let run = try ZulipBotRun(fake: fake)
            defer { run.remove() }
            let bot = try await run.start(waitUntilListening: false, apiKey: "wrong-key-8c1e")
            let status = await bot.exitStatus()
            #expect(status != 0)
            let log = run.errors()
            #expect(log.contains("Zulip refused the bot's email and API key") && log.contains("INVALID_API_KEY"), "\(log)")
            #expect(!log.contains("wrong-key-8c1e"))
            #expect(fake.botPosts.isEmpty)
        }
    }
}
