import Foundation
@testable import TandemLocal
import Testing

/// The protocol over real loopback sockets, one endpoint on a free port per test.
@Suite("LocalChatEndpoint over HTTP", .timeLimit(.minutes(3)))
struct LocalChatEndpointTests {
    @Test func longPollWakesPromptlyWhenAnotherUserPosts() async throws {
        try await withRunningEndpoint { endpoint, client in
            let room = try #require(endpoint.room)
            let clock = ContinuousClock()
            let start = clock.now
            async let poll = client.get("/updates", query: ["after": "0", "timeout": "20"], token: "token-bob")
            await room.untilWaiting(atLeast: 1)

            let posted = clock.now
            let post = try await client.post(["channel": "general", "text": "spring campaign is live"], token: "token-alice")
            #expect(post.status == 200)

            let reply = try await poll
            let woke = clock.now
            #expect(reply.status == 200)
            let body = try reply.object()
            let updates = try #require(body["updates"] as? [[String: Any]])
            #expect(updates.count == 1)
            #expect(updates.first?["text"] as? String == "spring campaign is live")
            #expect(body["cursor"] as? String == "1")
            #expect(woke - start < .seconds(5), "held \(woke - start) of a 20 s poll")
            #expect(woke - posted < .seconds(5), "woke \(woke - posted) after the post")
            #expect(room.waiterCount == 0)
        }
    }

    @Test func emptyLongPollAnswersAfterItsTimeoutWithTheSameCursor() async throws {
        try await withRunningEndpoint { _, client in
            _ = try await client.post(["text": "before"], token: "token-alice")
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await client.get("/updates", query: ["after": "1", "timeout": "1"], token: "token-bob")
            let elapsed = clock.now - start

            let body = try reply.object()
            #expect(reply.status == 200)
            #expect((body["updates"] as? [Any])?.isEmpty == true)
            #expect(body["cursor"] as? String == "1")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "took \(elapsed)")
        }
    }

    @Test func updateHasTheWireShape() async throws {
        try await withRunningEndpoint { _, client in
            let parent = try await client.post(["channel": "general", "text": "parent"], token: "token-bob")
            #expect(try parent.object()["id"] as? String == "1")
            _ = try await client.post(["channel": "general", "text": "**yes**", "thread": "1"], token: "token-alice")

            let reply = try await client.get("/updates", query: ["after": "1", "timeout": "0"], token: "token-bob")
            let update = try #require((try reply.object()["updates"] as? [[String: Any]])?.first)
            #expect(Set(update.keys) == ["id", "channel", "user", "text", "ts", "thread"])
            #expect(update["id"] as? String == "2")
            #expect(update["channel"] as? String == "general")
            #expect(update["user"] as? [String: String] == ["id": "alice", "name": "Alice"])
            #expect(update["ts"] as? String == "2026-11-30T10:00:00.123Z")
            #expect(update["thread"] as? String == "1")
            #expect(reply.headers["Content-Type"] == "application/json; charset=utf-8")
        }
    }

    @Test func sameIdempotencyKeyPostsOnceAndAnswersTheFirstId() async throws {
        try await withRunningEndpoint { _, client in
            let message = ["channel": "campaigns", "text": "brief updated", "idempotency_key": "retry-1"]
            let first = try await client.post(message, token: "token-bot")
            let second = try await client.post(message, token: "token-bot")
            #expect(first.status == 200 && second.status == 200)
            #expect(try first.object()["id"] as? String == "1")
            #expect(try second.object()["id"] as? String == "1")

            let reply = try await client.get("/updates", query: ["after": "0", "timeout": "0"], token: "token-alice")
            let updates = try #require(try reply.object()["updates"] as? [[String: Any]])
            #expect(updates.map { $0["text"] as? String } == ["brief updated"])
        }
    }

    @Test func aKeyReusedForAnotherMessageAnswers409NamingTheKey() async throws {
        try await withRunningEndpoint { _, client in
            _ = try await client.post(["channel": "campaigns", "text": "brief updated", "idempotency_key": "k"], token: "token-bot")
            let reused = try await client.post(["channel": "campaigns", "text": "budget approved", "idempotency_key": "k"], token: "token-bot")
            #expect(reused.status == 409)
            #expect(try (reused.object()["error"] as? String)?.contains("idempotency_key \"k\" was used for another message") == true)
        }
    }

    @Test(arguments: [nil, "wrong-token"])
    func missingOrUnknownTokenIs401WithoutEchoingIt(token: String?) async throws {
        try await withRunningEndpoint { _, client in
            for reply in [
                try await client.get("/updates", query: ["timeout": "0"], token: token),
                try await client.get("/channels", token: token),
                try await client.post(["text": "hi"], token: token),
            ] {
                #expect(reply.status == 401)
                #expect(reply.errorMessage?.isEmpty == false)
                #expect(!reply.text.contains("wrong-token"))
            }
        }
    }

    @Test func oversizedBodyIs413ByContentLength() async throws {
        try await withRunningEndpoint(Fixtures.configuration(maxBodyBytes: 1024)) { _, client in
            let reply = try await client.post(["text": String(repeating: "x", count: 4096)], token: "token-alice")
            #expect(reply.status == 413)
            #expect(reply.errorMessage == "request body too large: the limit is 1024 bytes")
        }
    }

    @Test func oversizedChunkedBodyIs413ByActualSize() async throws {
        try await withRunningEndpoint(Fixtures.configuration(maxBodyBytes: 1024)) { _, client in
            let chunk = String(repeating: "x", count: 800)
            let request = "POST /messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-alice\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            let status = try await client.sendRaw(Data(request.utf8))
            #expect(status == 413)
        }
    }

    @Test func malformedJSONAndUnknownChannelAre400() async throws {
        try await withRunningEndpoint { _, client in
            let malformed = try await client.send("POST", "/messages", token: "token-alice", body: Data("{\"text\": ".utf8))
            #expect(malformed.status == 400)
            #expect(malformed.errorMessage?.hasPrefix("malformed JSON") == true)

            let unknown = try await client.post(["channel": "nope", "text": "hi"], token: "token-alice")
            #expect(unknown.status == 400)
            #expect(unknown.errorMessage?.contains("unknown channel \"nope\"") == true)

            let missing = try await client.post(["channel": "general"], token: "token-alice")
            #expect(missing.status == 400)
            #expect(missing.errorMessage == "text is required")

            let empty = try await client.post(["channel": "general", "text": " "], token: "token-alice")
            #expect(empty.status == 400)
            #expect(empty.errorMessage == "text must not be empty")
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405() async throws {
        try await withRunningEndpoint { _, client in
            #expect(try await client.get("/nope").status == 404)
            let wrongMethod = try await client.send("DELETE", "/messages", token: "token-alice")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["Allow"] == "POST")
        }
    }

    @Test func rootServesTheChatPage() async throws {
        try await withRunningEndpoint { _, client in
            let reply = try await client.get("/")
            #expect(reply.status == 200)
            #expect(reply.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(reply.text.contains("<title>Tandem — local chat</title>"))
            #expect(reply.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        }
    }

    @Test func participantsListsPeopleButNotTheBot() async throws {
        try await withRunningEndpoint { _, client in
            let body = try await client.get("/local/participants").object()
            let people = try #require(body["participants"] as? [[String: Any]])
            #expect(people.map { $0["id"] as? String } == ["alice", "bob", "carol"])
            #expect(people.first?["token"] as? String == "token-alice")
            #expect(people.first?["role"] as? String == "Marketing")
            #expect(people.map { $0["admin"] as? Bool } == [false, false, true])
            #expect(body["bot"] as? [String: String] == ["id": "tandem", "name": "Tandem"])
            #expect(body["defaultChannel"] as? String == "general")
        }
    }

    /// Real tokens are never listed: without one the page is told to sign in, and with one it sees its owner only.
    @Test func withRealTokensParticipantsAnswersOnlyTheSignedInPerson() async throws {
        var configuration = Fixtures.configuration()
        configuration.offersPicker = false
        try await withRunningEndpoint(configuration) { _, client in
            let anonymous = try await client.get("/local/participants")
            #expect(anonymous.status == 401)
            #expect(!anonymous.text.contains("token-"))
            let wrong = try await client.get("/local/participants", token: "token-mallory")
            #expect(wrong.status == 401)
            let body = try await client.get("/local/participants", token: "token-bob").object()
            let people = try #require(body["participants"] as? [[String: Any]])
            #expect(people.map { $0["id"] as? String } == ["bob"])
        }
    }

    @Test func participantsRefusesAForeignHostName() async throws {
        try await withRunningEndpoint { _, client in
            let reply = try await client.send("GET", "/local/participants", headers: ["Host": "attacker.example:8080"])
            #expect(reply.status == 403)
            #expect(!reply.text.contains("token-"))
        }
    }

    @Test func channelsShowsOwnDirectChannelButNotAnotherUsers() async throws {
        try await withRunningEndpoint { _, client in
            let body = try await client.get("/channels", token: "token-alice").object()
            let channels = try #require(body["channels"] as? [[String: Any]])
            #expect(channels.map { $0["id"] as? String } == ["general", "campaigns", "dm-alice-tandem"])
            #expect(channels.first?["kind"] as? String == "channel")
            #expect(channels.first?["members"] == nil)
            let dm = try #require(channels.last)
            #expect(dm["kind"] as? String == "direct")
            #expect(dm["name"] as? String == "Tandem")
            #expect(dm["members"] as? [String] == ["alice", "tandem"])
        }
    }
}

@Suite("LocalChatEndpoint lifecycle", .timeLimit(.minutes(3)))
struct LocalChatEndpointLifecycleTests {
    @Test func cancellingRunWithAParkedLongPollStopsPromptlyAndCleansUp() async throws {
        let endpoint = LocalChatEndpoint(configuration: Fixtures.configuration())
        let room = try #require(endpoint.room)
        let server = Task { try await endpoint.run() }
        let client = TestClient(port: try await endpoint.waitUntilListening())
        let poll = Task { try await client.get("/updates", query: ["timeout": "20"], token: "token-bob") }
        await room.untilWaiting(atLeast: 1)

        let clock = ContinuousClock()
        let start = clock.now
        server.cancel()
        try await server.value  // returns normally: cancellation is a clean stop
        #expect(clock.now - start < .seconds(5))
        _ = await poll.result  // an empty answer or a closed connection, depending on timing
        #expect(room.waiterCount == 0)
    }

    @Test func invalidConfigurationIsReportedByRunAndWaitUntilListening() async throws {
        let configuration = LocalEndpointConfiguration(participants: [Fixtures.alice], channels: [])
        let endpoint = LocalChatEndpoint(configuration: configuration)
        await #expect(throws: LocalEndpointError("configure at least one public channel")) {
            try await endpoint.run()
        }
        await #expect(throws: LocalEndpointError.self) {
            try await endpoint.waitUntilListening()
        }
    }

    @Test func unusableHostIsReported() async throws {
        var configuration = Fixtures.configuration()
        configuration.host = "chat.example.com"
        await #expect(throws: LocalEndpointError("host \"chat.example.com\" must be an IPv4 or IPv6 address or localhost")) {
            try await LocalChatEndpoint(configuration: configuration).run()
        }
    }
}
