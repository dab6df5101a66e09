import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization
import TandemChat
import TandemLoopbackTesting
import TandemRuntimeTesting
import TandemSlackTesting
import TandemTesting
import Testing

/// The real `tandem` binary with its embedded relay, between a signing Slack sender and a fake of Slack's Web API:
/// signed webhooks in, the bot's replies out through `chat.postMessage`, all over loopback HTTP.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SlackRelayEndToEndTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let ids = ["mia": "U0MIA", "leo": "U0LEO", "sam": "U0SAM", "jonas": "U0JONAS", "priya": "U0PRIYA", "alex": "U0ALEX"]

    static var fakeConfiguration: SlackWebAPIFake.Configuration {
        var configuration = SlackWebAPIFake.Configuration()
        configuration.memberChannels = ["C0JOINT", "C0SALES", "D0SAM"]
        return configuration
    }

    /// Config/local.json's team with Slack ids, on the relay, talking to the fake's API.
    static func config(apiURL: String, in folder: String, relayToken: Bool = false) throws -> String {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as! [String: Any]
        var team = config["team"] as! [String: Any]
        team["members"] = (team["members"] as! [[String: Any]]).map { member in
            var member = member
            member["id"] = ids[member["id"] as! String]
            return member
        }
        team["salesChannel"] = "C0SALES"
        team["jointChannel"] = "C0JOINT"
        config["team"] = team
        var transport: [String: Any] = [
            "type": "relay",
            "slack": ["signingSecretEnv": "TANDEM_TEST_SLACK_SECRET", "botTokenEnv": "TANDEM_TEST_SLACK_TOKEN", "apiBaseURL": apiURL],
        ]
        if relayToken { transport["tokenEnv"] = "TANDEM_TEST_RELAY_TOKEN" }
        config["transport"] = transport
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        let path = folder + "/slack.json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The same team for a bot of its own that polls a standalone relay at `baseURL`.
    static func webhookConfig(_ relayConfig: String, baseURL: String, in folder: String) throws -> String {
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: relayConfig))) as! [String: Any]
        config["transport"] = ["type": "webhook", "baseURL": baseURL, "tokenEnv": "TANDEM_TEST_RELAY_TOKEN"]
        let path = folder + "/bot.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func start(_ config: String, state: String, token: String, log: String, waitForURL: Bool = true) async throws -> TandemProcess {
        try await TandemProcess(
            launching: ["run", "--config", config, "--state", state, "--port", "0", "--log-level", "warning"], stateFolder: state,
            environment: ["TANDEM_TEST_SLACK_SECRET": secret, "TANDEM_TEST_SLACK_TOKEN": token], waitForURL: waitForURL, errorLog: log)
    }

    @Test func aSlackConversationGetsOneReplyPerCommandAndRefusesWhatSlackDidNotSign() async throws {
        try await SlackWebAPIFake.withRunning(Self.fakeConfiguration) { slack in
            let work = TemporaryFolder("tandem-slack")
            defer { work.remove() }
            let config = try Self.config(apiURL: slack.apiURL, in: work.path)
            let bot = try await Self.start(config, state: work.file("state"), token: slack.configuration.botToken, log: work.file("bot.log"))
            let events = SlackEventSender(relayURL: bot.baseURL, configuration: .init(signingSecret: Self.secret))

            for mode in [SlackEventSender.Mode.unsigned, .stale, .mutated, .wrongSecret] {
                let refused = try await events.appMention(user: "U0MIA", channel: "C0JOINT", text: "<@U0TANDEM> campaign spring", mode: mode)
                #expect(refused.status == 401, "\(mode)")
            }
            #expect(try await events.urlVerification(challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P").echoes(
                challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))

            let lookup = try await events.appMention(user: "U0MIA", channel: "C0JOINT", text: "<@U0TANDEM> campaign spring")
            #expect(lookup.isAcknowledgedInTime)
            #expect(try await events.resend(lookup).status == 200)
            _ = try await events.botEcho(botID: "B0TANDEM", channel: "C0JOINT", text: "an echo of the bot's own post")
            let first = try await slack.posts(count: 1)
            #expect(first[0].channel == "C0JOINT")
            #expect(first[0].text.contains("Spring Launch"))

            _ = try await events.appMention(
                user: "U0MIA", channel: "C0SALES",
                text: "<@U0TANDEM> handoff \"Anna Schmidt\" to <@U0SAM> company=\"Kessler GmbH\" consent=yes campaign=spring-launch priority=hot \"asked for a demo\"")
            _ = try await events.directMessage(user: "U0SAM", channel: "D0SAM", text: "campaign spring")
            let command = try await events.slashCommand(text: "hilfe", user: "U0JONAS", channel: "C0JOINT", responseURL: slack.makeResponseURL())
            #expect(command.isAcknowledgedInTime)
            #expect(command.responseText.contains("in_channel"))
            _ = try await events.appMention(user: "U0SAM", channel: "C0SALES", text: "<@U0TANDEM> handoff accept H-1")
            // Sentinel: its reply is the last; anything sent twice would have been posted before it.
            _ = try await events.appMention(user: "U0SAM", channel: "C0JOINT", text: "<@U0TANDEM> campaign zz-sentinel")
            var posts = try await slack.posts(count: 2)
            while !posts.contains(where: { $0.text.contains("zz-sentinel") }) { posts = try await slack.posts(count: posts.count + 1) }

            let texts = posts.map(\.text)
            #expect(posts.filter { $0.text.contains("Spring Launch") && $0.channel == "C0JOINT" }.count == 1, "\(texts)")
            let announcement = posts.first { $0.channel == "C0SALES" && $0.text.contains("<@U0SAM>") }
            #expect(announcement != nil, "the rep is a real Slack mention: \(texts)")
            #expect(posts.filter { $0.channel == "D0SAM" }.count == 1)
            // The slash command's answer went to its response_url, shown in the channel; Jonas asked in German.
            let answered = try await slack.responseURLPosts(count: 1)
            #expect(answered[0].text.contains("hilfe [Befehl]") && answered[0].responseType == "in_channel")
            #expect(!posts.contains { $0.text.contains("hilfe [Befehl]") }, "answered once, not also as a message")
            #expect(posts.contains { $0.channel == "C0SALES" && $0.text.contains("H-1") && $0.text.lowercased().contains("accept") })
            #expect(!texts.contains { $0.contains("<!channel>") || $0.contains("<!here>") || $0.contains("**") })
            #expect(!texts.contains { $0.contains("an echo") })
            #expect(await bot.terminate() == 0)
        }
    }
}

extension SlackRelayEndToEndTests {
    /// The relay is killed and restarted on this port: see ``FreePort``.
    static func freePort() throws -> Int { try FreePort.belowEphemeralRange() }

    /// Sends `count` mentions (every fifth a note) as Slack does, each retried under its `event_id` until the relay
    /// acknowledges it, and calls `kill` after the seeded commands in `kills`. Returns how many deliveries found
    /// the relay down.
    static func stream(
        _ events: SlackEventSender, count: Int, kills: Set<Int>, kill: (Int) async throws -> Void
    ) async throws -> Int {
        let clock = ContinuousClock()
        var refusedWhileDown = 0
        for n in 0..<count {
            let text = n % 5 == 0 ? "<@U0TANDEM> campaign note spring-launch n-\(n)" : "<@U0TANDEM> campaign zz-\(n)"
            var acknowledged = false
            // Slack's retries, on a short schedule: the relay comes back within a second.
            for attempt in 0..<200 where !acknowledged {
                if attempt > 0 { try await clock.sleep(for: .milliseconds(25)) }
                let delivery = try? await events.appMention(
                    user: "U0SAM", channel: "C0SALES", text: text, ts: "1700000000.\(n)", eventID: "Ev0KILL\(n)")
                acknowledged = delivery?.status == 200
                if !acknowledged { refusedWhileDown += 1 }
            }
            try #require(acknowledged, "command \(n) was never acknowledged")
            if kills.contains(n) { try await kill(n) }
        }
        return refusedWhileDown
    }

    /// Waits until every lookup of ``stream`` is answered and every note confirmed, then for a sentinel's reply
    /// (after any resend still owed); returns how many replies were posted twice.
    static func doubledReplies(_ slack: SlackWebAPIFake, _ events: SlackEventSender, count: Int) async throws -> Int {
        let lookups = (0..<count).filter { $0 % 5 != 0 }.map { "zz-\($0)*" }
        let notesExpected = count / 5
        func complete(_ posts: [SlackPost]) -> Bool {
            lookups.allSatisfy { token in posts.contains { $0.text.contains(token) } }
                && posts.filter { $0.text.contains("Noted on") }.count >= notesExpected
        }
        var posts = try await slack.posts(count: 1)
        while !complete(posts) { posts = try await slack.posts(count: posts.count + 1) }
        _ = try await events.appMention(user: "U0SAM", channel: "C0SALES", text: "<@U0TANDEM> campaign zz-sentinel")
        while !posts.contains(where: { $0.text.contains("zz-sentinel") }) { posts = try await slack.posts(count: posts.count + 1) }
        var doubled = posts.filter { $0.text.contains("Noted on") }.count - notesExpected
        for token in lookups { doubled += posts.filter { $0.text.contains(token) }.count - 1 }
        return doubled
    }

    /// The notes stored in the state folder, by `tandem state export`.
    static func storedNotes(_ state: String) async throws -> [String] {
        let export = try await TandemProcess.run(["state", "export", "--state", state])
        let notes = (try? JSONSerialization.jsonObject(with: Data(export.output.utf8)) as? [String: Any])
            .flatMap { (($0["state"] as? [String: Any])?["team"] as? [String: Any])?["campaigns"] as? [[String: Any]] }?
            .first { $0["id"] as? String == "spring-launch" }?["salesNotes"] as? [[String: Any]]
        return notes?.compactMap { $0["text"] as? String }.sorted() ?? []
    }

    static func seededKills(_ count: Int, seed: UInt64) -> Set<Int> {
        var random = SplitMix64(seed: seed)
        var kills = Set<Int>()
        while kills.count < 5 { kills.insert(Int.random(in: 5..<(count - 5), using: &random)) }
        return kills
    }

    /// The process (relay and bot together) killed with SIGKILL at seeded points while Slack sends a stream of
    /// mentions. Every command is answered, and a reply is posted twice at most once per kill: only a kill between
    /// Slack's answer to `chat.postMessage` and the relay's record of it can do that (Slack has no idempotency key).
    @Test func killedFiveTimesMidStreamEveryCommandIsAnsweredAndNoteStoredOnce() async throws {
        try await SlackWebAPIFake.withRunning(Self.fakeConfiguration) { slack in
            let work = TemporaryFolder("tandem-slack")
            defer { work.remove() }
            let port = try Self.freePort()
            let config = try Self.config(apiURL: slack.apiURL, in: work.path)
            let state = work.file("state")
            let start = { (wait: Bool) in
                try await TandemProcess(
                    launching: ["run", "--config", config, "--state", state, "--port", String(port), "--log-level", "warning"],
                    stateFolder: state,
                    environment: ["TANDEM_TEST_SLACK_SECRET": Self.secret, "TANDEM_TEST_SLACK_TOKEN": slack.configuration.botToken],
                    waitForURL: wait, errorLog: work.file("bot.log"))
            }
            var bot = try await start(true)
            let events = SlackEventSender(relayURL: "http://127.0.0.1:\(port)", configuration: .init(signingSecret: Self.secret))
            let count = 60
            let kills = Self.seededKills(count, seed: 20_261_203)
            let refusedWhileDown = try await Self.stream(events, count: count, kills: kills) { _ in
                await bot.kill()
                bot = try await start(false)
            }
            // The kills landed while Slack was sending: deliveries found the relay down and were retried.
            #expect(refusedWhileDown >= kills.count)
            let doubled = try await Self.doubledReplies(slack, events, count: count)
            #expect(doubled <= kills.count, "\(doubled) replies posted twice")
            #expect(await bot.terminate() == 0)
            #expect(try await Self.storedNotes(state) == stride(from: 0, to: count, by: 5).map { "n-\($0)" }.sorted())
        }
    }

    /// `tandem relay` and the bot as two processes (the bot on the webhook transport, polling the relay), each
    /// killed alone at seeded points: the relay's journal keeps what Slack was told was received, the bot's journal
    /// what it handled; every command is answered and every note stored once.
    @Test func theRelayAndTheBotKilledApartEveryCommandIsAnswered() async throws {
        try await SlackWebAPIFake.withRunning(Self.fakeConfiguration) { slack in
            let work = TemporaryFolder("tandem-slack")
            defer { work.remove() }
            let port = try Self.freePort()
            let relayConfig = try Self.config(apiURL: slack.apiURL, in: work.path, relayToken: true)
            let botConfig = try Self.webhookConfig(relayConfig, baseURL: "http://127.0.0.1:\(port)", in: work.path)
            let state = work.file("state")
            let environment = [
                "TANDEM_TEST_SLACK_SECRET": Self.secret, "TANDEM_TEST_SLACK_TOKEN": slack.configuration.botToken,
                "TANDEM_TEST_RELAY_TOKEN": "relay-test-token",
            ]
            let startRelay = { (wait: Bool) in
                try await TandemProcess(
                    launching: ["relay", "--config", relayConfig, "--state", work.file("relay"), "--port", String(port), "--log-level", "warning"],
                    environment: environment, waitForURL: wait, errorLog: work.file("relay.log"))
            }
            let startBot = { (wait: Bool) in
                try await TandemProcess(
                    launching: ["run", "--config", botConfig, "--state", state, "--log-level", "warning"], stateFolder: state,
                    environment: environment, waitForURL: wait, errorLog: work.file("bot.log"))
            }
            var relay = try await startRelay(true)
            var bot = try await startBot(true)
            let events = SlackEventSender(relayURL: "http://127.0.0.1:\(port)", configuration: .init(signingSecret: Self.secret))
            // The bot's side of the relay: a malformed post with the right token is a 400, not a crash; a wrong token a 401.
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            for (token, status) in [("relay-test-token", 400), ("not-the-token", 401)] {
                let refused = try await http.send(
                    HTTPClientRequest(
                        method: "POST", url: "http://127.0.0.1:\(port)/messages",
                        headers: [HTTPField("Authorization", "Bearer " + token), HTTPField("Content-Type", "application/json")],
                        body: Data("{not json".utf8)))
                #expect(refused.status == status)
            }
            // A new bot polls from its first cursor on: wait for one answer before the stream.
            _ = try await events.appMention(user: "U0SAM", channel: "C0SALES", text: "<@U0TANDEM> campaign zz-warmup")
            _ = try await slack.posts(count: 1)
            let count = 60
            let kills = Self.seededKills(count, seed: 4_242)
            _ = try await Self.stream(events, count: count, kills: kills) { n in
                if n % 2 == 0 {
                    await relay.kill()
                    relay = try await startRelay(false)
                } else {
                    await bot.kill()
                    bot = try await startBot(false)
                }
            }
            let doubled = try await Self.doubledReplies(slack, events, count: count)
            #expect(doubled <= kills.count, "\(doubled) replies posted twice")
            #expect(await bot.terminate() == 0)
            #expect(await relay.terminate() == 0)
            #expect(try await Self.storedNotes(state) == stride(from: 0, to: count, by: 5).map { "n-\($0)" }.sorted())
        }
    }
}

extension SlackRelayEndToEndTests {
    /// Seeded random requests on every path of the relay: headers that look like signatures, bodies that look like
    /// events, wrong methods and sizes. None is taken as Slack's or Teams', the process survives all of them, and
    /// the bot answers nothing but the one real event sent afterwards.
    @Test func fuzzedRequestsNeverQueueAnythingAndNeverStopTheRelay() async throws {
        try await SlackWebAPIFake.withRunning(Self.fakeConfiguration) { slack in
            let work = TemporaryFolder("tandem-slack")
            defer { work.remove() }
            let config = try Self.config(apiURL: slack.apiURL, in: work.path)
            let bot = try await Self.start(config, state: work.file("state"), token: slack.configuration.botToken, log: work.file("bot.log"))
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            var random = SplitMix64(seed: 4_711)
            let paths = ["/slack/events", "/slack/commands", "/teams/webhook", "/updates", "/messages", "/channels", "/", "/slack/events/x"]
            let now = String(Int(Date().timeIntervalSince1970))
            let real = #"{"type":"event_callback","event_id":"Ev0FUZZ","event":{"type":"app_mention","user":"U0MIA","text":"<@U0TANDEM> help","ts":"1.1","channel":"C0JOINT"}}"#
            var accepted: [String] = []
            for n in 0..<400 {
                let path = paths[random.next(paths.count)]
                var body = Array(real.utf8)
                switch random.next(4) {
                case 0: body = (0..<random.next(3000)).map { _ in UInt8(truncatingIfNeeded: random.next(256)) }
                case 1: body[random.next(body.count)] ^= UInt8(1 + random.next(255))
                case 2: body = Array(body.prefix(random.next(body.count)))
                default: break
                }
                var headers = [HTTPField("Content-Type", random.next(2) == 0 ? "application/json" : "application/x-www-form-urlencoded")]
                let timestamp = [now, "0", "-1", "99999999999999999999", "abc", ""][random.next(6)]
                if random.next(4) != 0 { headers.append(HTTPField("X-Slack-Request-Timestamp", timestamp)) }
                let signatures = [
                    "v0=" + String(repeating: "0", count: 64), "v0=", "v1=abc", "", "v0=" + String(repeating: "g", count: 64),
                    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
                ]
                if random.next(4) != 0 { headers.append(HTTPField("X-Slack-Signature", signatures[random.next(signatures.count)])) }
                if random.next(3) == 0 { headers.append(HTTPField("Authorization", ["HMAC AAAA", "HMAC ", "Bearer x", "HMAC 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U="][random.next(4)])) }
                let method = ["POST", "POST", "POST", "GET", "PUT"][random.next(5)]
                let response = try await http.send(
                    HTTPClientRequest(method: method, url: bot.baseURL + path, headers: headers, body: method == "GET" ? nil : Data(body), timeout: .seconds(10)))
                if (200..<300).contains(response.status) { accepted.append("\(n) \(method) \(path) \(response.status)") }
            }
            #expect(accepted.isEmpty, "taken without a valid signature or token: \(accepted)")

            // Still up, and only the real event is answered.
            let events = SlackEventSender(relayURL: bot.baseURL, configuration: .init(signingSecret: Self.secret))
            _ = try await events.appMention(user: "U0MIA", channel: "C0JOINT", text: "<@U0TANDEM> campaign zz-after-fuzz")
            let posts = try await slack.posts(count: 1)
            #expect(posts.count == 1 && posts[0].text.contains("zz-after-fuzz"), "\(posts.map(\.text))")
            #expect(await bot.terminate() == 0)
        }
    }
}

extension SlackRelayEndToEndTests {
    /// The whole bot with an announce-only sales channel: commands come from Slack through the relay, and the
    /// handoff's announcement goes to the sales channel's incoming webhook (a loopback receiver), escaped so the
    /// hostile name cannot ping, and nowhere else.
    @Test func aHandoffIsAnnouncedThroughTheSalesChannelsIncomingWebhook() async throws {
        let received = Mutex<[String]>([])
        let (arrived, arrival) = AsyncStream.makeStream(of: Void.self)
        try await withLoopbackHTTPServer({ request in
            let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            received.withLock { $0.append(object?["text"] as? String ?? "") }
            arrival.yield()
            return LoopbackHTTPResponse(status: 200, body: Array("ok".utf8))
        }) { webhook in
            try await SlackWebAPIFake.withRunning(Self.fakeConfiguration) { slack in
                let work = TemporaryFolder("tandem-slack")
                defer { work.remove() }
                let path = try Self.config(apiURL: slack.apiURL, in: work.path)
                var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
                var team = config["team"] as! [String: Any]
                team["salesChannel"] = "slack-sales"
                config["team"] = team
                config["announcements"] = [["channel": "slack-sales", "kind": "slack", "urlEnv": "TANDEM_TEST_SALES_WEBHOOK"]]
                try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
                let bot = try await TandemProcess(
                    launching: ["run", "--config", path, "--state", work.file("state"), "--port", "0", "--log-level", "warning"],
                    stateFolder: work.file("state"),
                    environment: [
                        "TANDEM_TEST_SLACK_SECRET": Self.secret, "TANDEM_TEST_SLACK_TOKEN": slack.configuration.botToken,
                        "TANDEM_TEST_SALES_WEBHOOK": webhook + "/services/T0/B0/secret-part",
                    ],
                    errorLog: work.file("bot.log"))
                let events = SlackEventSender(relayURL: bot.baseURL, configuration: .init(signingSecret: Self.secret))
                _ = try await events.appMention(
                    user: "U0MIA", channel: "C0JOINT",
                    text: "<@U0TANDEM> handoff \"Anna <!channel> Schmidt\" to <@U0SAM> company=\"Kessler GmbH\" consent=yes campaign=spring-launch priority=hot \"asked for a demo\"")
                for await _ in arrived { break }
                let confirmation = try await slack.posts(count: 1)
                #expect(confirmation[0].channel == "C0JOINT" && confirmation[0].text.contains("H-1"))
                let announcement = try #require(received.withLock { $0.first })
                #expect(announcement.contains("<@U0SAM>") && announcement.contains("H-1"))
                #expect(!announcement.contains("<!channel>"), "a hostile name cannot ping")
                #expect(await bot.terminate() == 0)
                #expect(slack.posts.allSatisfy { $0.channel != "slack-sales" })
                let log = (try? String(contentsOfFile: work.file("bot.log"), encoding: .utf8)) ?? ""
                #expect(!log.contains("secret-part"))
            }
        }
    }
}

extension SlackRelayEndToEndTests {
    /// Slack's API unreachable at start (auth.test retried with backoff): the relay listens anyway, so what Slack
    /// sends is journaled and acknowledged, not lost to Slack's three retries.
    @Test func withSlacksAPIDownTheRelayStillTakesEvents() async throws {
        let work = TemporaryFolder("tandem-slack")
        defer { work.remove() }
        let closed = "http://127.0.0.1:\(try Self.freePort())/api"
        let config = try Self.config(apiURL: closed, in: work.path)
        let bot = try await Self.start(config, state: work.file("state"), token: "xoxb-unused", log: work.file("bot.log"))
        let events = SlackEventSender(relayURL: bot.baseURL, configuration: .init(signingSecret: Self.secret))
        let delivery = try await events.appMention(user: "U0MIA", channel: "C0JOINT", text: "<@U0TANDEM> help")
        #expect(delivery.status == 200)
        #expect(delivery.isAcknowledgedInTime)
        #expect(await bot.terminate() == 0)
        let journal = (try? String(contentsOfFile: work.file("state/relay/relay.jsonl"), encoding: .utf8)) ?? ""
        #expect(journal.contains(delivery.eventID ?? "none"))
    }
}
