import Foundation
import InMemoryLogging
import Logging
import TandemChat
import TandemCore
import TandemTelegramTesting
import Testing

/// The transport against the fake Bot API, through libcurl over loopback.
@Suite(.timeLimit(.minutes(3)))
struct TelegramTransportTests {
    let team = TelegramTeam()

    /// What one update (its payload under `type`) becomes: a message (id, channel, user, text, thread, direct) or nothing.
    struct DecodingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var type = "message"
        var payload: @Sendable (TelegramTeam) -> [String: any Sendable]
        var expected: (@Sendable (TelegramTeam) -> ChatMessage)?
        var testDescription: String { name }
    }

    static func message(_ team: TelegramTeam, _ text: String?, chat: Int64, type: String, from: TelegramTeam.User?, id: Int64 = 7, extra: [String: any Sendable] = [:]) -> [String: any Sendable] {
        var m: [String: any Sendable] = ["message_id": id, "date": 1_764_000_000, "chat": ["id": chat, "type": type] as [String: any Sendable]]
        if let text { m["text"] = text }
        if let from {
            m["from"] = ["id": from.id, "is_bot": from.isBot, "first_name": from.firstName, "username": from.username ?? ""] as [String: any Sendable]
        }
        return m.merging(extra) { $1 }
    }

    static let decodingCases: [DecodingCase] = [
        DecodingCase(
            name: "a private chat is direct",
            payload: { message($0, "!hilfe", chat: $0.jonas.id, type: "private", from: $0.jonas) },
            expected: { ChatMessage(id: "\($0.jonas.id):7", channel: String($0.jonas.id), userID: "1003", userName: "Jonas", text: "!hilfe", isDirect: true) }),
        DecodingCase(
            name: "a /command in a group becomes an address",
            payload: { message($0, "/campaign spring", chat: $0.joint, type: "supergroup", from: $0.mia) },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1001", userName: "Mia", text: "@tandem campaign spring") }),
        DecodingCase(
            name: "a /command@TandemTestBot (any case) becomes an address",
            payload: { message($0, "/campaign@tandemtestbot spring", chat: $0.joint, type: "supergroup", from: $0.mia) },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1001", userName: "Mia", text: "@tandem campaign spring") }),
        DecodingCase(
            name: "a /command for another bot stays as it is",
            payload: { message($0, "/campaign@OtherBot spring", chat: $0.joint, type: "supergroup", from: $0.mia) },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1001", userName: "Mia", text: "/campaign@OtherBot spring") }),
        DecodingCase(
            name: "/start asks for help",
            payload: { message($0, "/start", chat: $0.sam.id, type: "private", from: $0.sam) },
            expected: { ChatMessage(id: "\($0.sam.id):7", channel: "1002", userID: "1002", userName: "Sam", text: "@tandem help", isDirect: true) }),
        DecodingCase(
            name: "@TandemTestBot becomes @tandem",
            payload: { message($0, "@TandemTestBot campaign spring", chat: $0.joint, type: "group", from: $0.sam) },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1002", userName: "Sam", text: "@tandem campaign spring") }),
        DecodingCase(
            name: "a reply to the bot is addressed to it",
            payload: {
                message($0, "campaign spring", chat: $0.joint, type: "supergroup", from: $0.sam,
                        extra: ["reply_to_message": message($0, "…", chat: $0.joint, type: "supergroup", from: $0.bot, id: 3)])
            },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1002", userName: "Sam", text: "@tandem campaign spring") }),
        DecodingCase(
            name: "a forum topic is the thread",
            payload: {
                message($0, "/campaign spring", chat: $0.joint, type: "supergroup", from: $0.mia, extra: ["message_thread_id": 42, "is_topic_message": true])
            },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1001", userName: "Mia", text: "@tandem campaign spring", thread: "42") }),
        DecodingCase(
            name: "a reply chain outside a forum is no thread",
            payload: { message($0, "hello", chat: $0.joint, type: "supergroup", from: $0.mia, extra: ["message_thread_id": 5]) },
            expected: { ChatMessage(id: "\($0.joint):7", channel: String($0.joint), userID: "1001", userName: "Mia", text: "hello") }),
        DecodingCase(name: "the bot's own message is skipped", payload: { message($0, "/campaign x", chat: $0.joint, type: "supergroup", from: $0.bot) }),
        DecodingCase(
            name: "another bot is skipped",
            payload: { message($0, "/campaign x", chat: $0.joint, type: "supergroup", from: .init(id: 55, firstName: "Other", username: "other_bot", isBot: true)) }),
        DecodingCase(
            name: "a message on behalf of a chat is skipped",
            payload: {
                message($0, "/campaign x", chat: $0.joint, type: "supergroup", from: $0.mia, extra: ["sender_chat": ["id": $0.joint, "type": "supergroup"] as [String: any Sendable]])
            }),
        DecodingCase(name: "a photo without text is skipped", payload: { message($0, nil, chat: $0.joint, type: "supergroup", from: $0.mia) }),
        DecodingCase(name: "a message without chat is skipped", payload: { _ in ["message_id": 7, "text": "/campaign x"] }),
        DecodingCase(name: "text that is a number is skipped", payload: { ["message_id": 7, "text": 12, "chat": ["id": $0.joint, "type": "group"] as [String: any Sendable]] }),
        DecodingCase(name: "an edit is skipped", type: "edited_message", payload: { message($0, "/campaign x", chat: $0.joint, type: "supergroup", from: $0.mia) }),
    ]

    @Test(arguments: decodingCases)
    func decodesOneUpdateAndKeepsPollingAfterIt(_ testCase: DecodingCase) async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http)
            let start = try await transport.poll(after: nil)
            // The fake queues only what the bot asked for (allowed_updates); this queues the odd update regardless.
            await team.state.postRaw(type: testCase.type, testCase.payload(team))
            await team.state.post("/campaign after", in: team.joint, from: team.mia)
            let batch = try await transport.poll(after: start.cursor)
            let expected = testCase.expected.map { [$0(team)] } ?? []
            #expect(Array(batch.messages.dropLast()) == expected)
            #expect(batch.messages.last?.text == "@tandem campaign after", "polling goes on past the odd update")
            let ids = await team.state.pendingUpdateIDs
            #expect(batch.cursor == String((ids.max() ?? 0) + 1))
        }
    }
}

extension TelegramTransportTests {
    @Test func startsFromNowAndConfirmsUpdatesOnlyWhenAskedAgainAfterTheirBatch() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            // History: a day of messages a new install must not answer.
            for n in 0..<3 { await team.state.post("/campaign old-\(n)", in: team.joint, from: team.mia) }
            let transport = team.transport(baseURL: baseURL, http: http)
            let start = try await transport.poll(after: nil)
            #expect(start.messages.isEmpty)
            await team.state.post("/campaign new-1", in: team.joint, from: team.sam)
            await team.state.post("/campaign new-2", in: team.joint, from: team.sam)
            let first = try await transport.poll(after: start.cursor)
            #expect(first.messages.map(\.text) == ["@tandem campaign new-1", "@tandem campaign new-2"])
            #expect(await team.state.pendingUpdateIDs.count == 2, "returned, not yet confirmed")

            // The bot asks after the batch while journaling it: Telegram must keep the batch until it asks again.
            let early = try await transport.poll(after: first.cursor)
            #expect(early.messages.isEmpty && early.cursor == first.cursor)
            #expect(await team.state.pendingUpdateIDs.count == 2, "still not confirmed while the batch may be unsaved")

            // Saving failed: the bot asks after the older cursor, and gets the batch again.
            let again = try await transport.poll(after: start.cursor)
            #expect(again.messages.map(\.text) == first.messages.map(\.text))

            await team.state.post("/campaign new-3", in: team.joint, from: team.sam)
            let next = try await transport.poll(after: again.cursor)
            #expect(next.messages.map(\.text) == ["@tandem campaign new-3"])
            #expect(await team.state.pendingUpdateIDs.count == 3, "nothing confirmed while the batch before may be unsaved")
            // Asked after new-3's batch: the batch before it was saved, and only that is confirmed.
            _ = try await transport.poll(after: next.cursor)
            #expect(await team.state.pendingUpdateIDs.count == 1)
            let offsets = await team.state.calls.filter { $0.method == "getupdates" }.map(\.offset)
            #expect(offsets.first == -1, "a new start asks for the newest update only")
        }
    }

    @Test func aLongPollWaitsForTheNextMessage() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http, pollTimeout: 20)
            let start = try await transport.poll(after: nil)
            async let batch = transport.poll(after: start.cursor)
            // Post once the long poll is waiting at the fake.
            _ = await team.state.until { $0.isPollWaiting ? true : nil }
            let posted = await team.say("/campaign spring", in: team.joint, as: team.sam)
            let received = try await batch
            #expect(received.messages.map(\.id) == [posted])
        }
    }

    @Test func aLongPollThatNeverAnswersIsGivenUpAfterItsTimeoutAndIsTransient() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            var configuration = TelegramTransport.Configuration(apiBaseURL: baseURL, token: TelegramTeam.token)
            configuration.pollTimeout = 1
            configuration.pollGrace = .milliseconds(500)
            let transport = TelegramTransport(configuration: configuration, http: http)
            let start = try await transport.poll(after: nil)
            await team.state.fail("getUpdates", with: .silence(.seconds(30)))
            let began = ContinuousClock.now
            let error = try await #require(throws: TransportError.self) { try await transport.poll(after: start.cursor) }
            #expect(error.kind == .transient)
            #expect(ContinuousClock.now - began < .seconds(10), "curl's timeout ended it, not the server")
            #expect(!error.message.contains(TelegramTeam.token))
        }
    }

    @Test func aWrongTokenIsUnauthorizedAndNeverNamed() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            for token in ["987654321:wrongSecretValue_xyz", "not-a-token"] {
                let transport = team.transport(baseURL: baseURL, http: http, token: token)
                let error = try await #require(throws: TransportError.self) { try await transport.poll(after: nil) }
                #expect(error.kind == .unauthorized)
                #expect(!error.message.contains(token) && !error.message.contains("wrongSecret"))
                #expect(error.message.contains("@BotFather"))
            }
        }
    }

    @Test func aSecondPollerOrAWebhookIsAConflictThatStopsTheBot() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http, pollTimeout: 20)
            let other = team.transport(baseURL: baseURL, http: http, pollTimeout: 20)
            let start = try await transport.poll(after: nil)
            async let waiting = transport.poll(after: start.cursor)
            _ = await team.state.until { $0.isPollWaiting ? true : nil }
            _ = try await other.connect()
            async let competing = other.poll(after: start.cursor)
            var conflict: TransportError?
            do { _ = try await waiting } catch let error as TransportError { conflict = error }
            let error = try #require(conflict)
            #expect(error.kind == .unauthorized)
            #expect(error.message.contains("terminated by other getUpdates request"))
            #expect(error.message.contains("only one may"))
            _ = await team.state.until { $0.isPollWaiting ? true : nil }
            await team.state.post("/campaign x", in: team.joint, from: team.mia)
            #expect(try await competing.messages.count == 1)

            await team.state.setWebhook(true)
            let webhook = try await #require(throws: TransportError.self) { try await transport.poll(after: start.cursor) }
            #expect(webhook.kind == .unauthorized)
            #expect(webhook.message.contains("deleteWebhook") && !webhook.message.contains(TelegramTeam.token))
        }
    }

    @Test func tooManyRequestsCarriesTelegramsWaitAndServerErrorsAreTransient() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http)
            let start = try await transport.poll(after: nil)
            await team.state.fail("getUpdates", with: .tooManyRequests(retryAfter: 7))
            let limited = try await #require(throws: TransportError.self) { try await transport.poll(after: start.cursor) }
            #expect(limited.kind == .rateLimited(retryAfter: 7))
            await team.state.fail("sendMessage", with: .serverError(status: 502))
            let message = OutgoingChatMessage(channel: String(team.joint), body: "hi", idempotencyKey: "k")
            let failed = try await #require(throws: TransportError.self) { try await transport.send(message) }
            #expect(failed.kind == .transient)
            #expect(!failed.message.contains(TelegramTeam.token))
        }
    }

    @Test func sendsHTMLThatQuotesTheCommandAndFallsBackToPlainTextWhenTelegramCannotParseIt() async throws {
        let team = self.team
        let logs = InMemoryLogHandler()
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http, logger: Logger(label: "t") { _ in logs })
            let command = await team.say("/campaign spring", in: team.joint, as: team.mia)
            let body = RichText([.paragraph([.bold([.text("Spring <Launch> & co")]), .text(" for "), .mention(id: "1002", name: "Sam Carter")])])
            let id = try await transport.send(
                OutgoingChatMessage(channel: String(team.joint), body: body, idempotencyKey: "reply:\(command):0", answering: command))
            await team.state.fail("sendMessage", with: .badRequest("can't parse entities: Unsupported start tag \"x\" at byte offset 0"))
            let plain = try await transport.send(
                OutgoingChatMessage(channel: String(team.joint), thread: "9", body: body, idempotencyKey: "reply:\(command):1", answering: command))
            let sent = await team.state.sent
            try #require(sent.count == 2)
            #expect(id == "\(team.joint):\(sent[0].messageID)" && plain == "\(team.joint):\(sent[1].messageID)")
            #expect(sent[0].text == "Spring <Launch> & co for Sam Carter")
            #expect(sent[0].parseMode == "HTML")
            #expect(sent[0].entities.contains { $0.tag == "a" && $0.href == "tg://user?id=1002" })
            #expect(sent.allSatisfy { "\(team.joint):\($0.replyTo ?? 0)" == command })
            #expect(sent[1].parseMode == nil && sent[1].text == sent[0].text && sent[1].threadID == 9)
            #expect(logs.entries.contains { $0.message.description.contains("plain text") })
        }
    }

    @Test func aLongReplyGoesOutInPartsEachWithinTelegramsLimit() async throws {
        let team = self.team
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let transport = team.transport(baseURL: baseURL, http: http)
            let lines = (0..<400).map { n in [Inline.bold([.text("Line \(n) <&> ")]), .text(String(repeating: "ü😀", count: 5))] }
            let body = RichText(lines.map { Block.paragraph($0) })
            _ = try await transport.send(OutgoingChatMessage(channel: String(team.sam.id), body: body, idempotencyKey: "reply:x:0"))
            let sent = await team.state.sent
            #expect(sent.count > 1)
            #expect(sent.allSatisfy { $0.text.utf16.count <= 4096 })
            #expect(sent.map(\.text).joined(separator: "\n") == RichText(lines.map { Block.paragraph($0) }).plainForTest)
        }
    }
}

extension RichText {
    /// Paragraphs of text and bold runs, one line each: what Telegram shows of them.
    var plainForTest: String {
        blocks.map { block -> String in
            guard case .paragraph(let inlines) = block else { return "" }
            return inlines.map { inline -> String in
                switch inline {
                case .text(let s): s
                case .bold(let inner): RichText([.paragraph(inner)]).plainForTest
                default: ""
                }
            }.joined()
        }.joined(separator: "\n")
    }
}
