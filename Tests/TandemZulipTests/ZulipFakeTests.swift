import Foundation
import TandemChat
import TandemZulipTesting
import Testing

/// The fake itself, over real HTTP: it must answer as Zulip documents before the transport's tests rely on it.
@Suite(.timeLimit(.minutes(3)))
struct ZulipFakeTests {
    static func call(
        _ fake: ZulipFake, _ method: String, _ path: String, form: String? = nil, user: ZulipFakeConfiguration.User? = nil, key: String? = nil,
        http: CurlHTTPClient
    ) async throws -> (status: Int, json: [String: Any], response: HTTPClientResponse) {
        let who = user ?? fake.bot
        let credentials = Data((who.email + ":" + (key ?? who.apiKey)).utf8).base64EncodedString()
        var headers = [HTTPField("Authorization", "Basic " + credentials)]
        if form != nil { headers.append(HTTPField("Content-Type", "application/x-www-form-urlencoded")) }
        let response = try await http.send(
            HTTPClientRequest(method: method, url: fake.site + path, headers: headers, body: form.map { Data($0.utf8) }, timeout: .seconds(20)))
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return (response.status, json, response)
    }

    @Test func aWrongKeyGetsZulipsErrorBodyAndEveryAnswerTheRateLimitHeaders() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let refused = try await Self.call(fake, "GET", "/api/v1/users/me", key: "nope", http: http)
            #expect(refused.status == 401)
            #expect(refused.json["result"] as? String == "error" && refused.json["code"] as? String == "INVALID_API_KEY")
            #expect(refused.json["msg"] as? String == "Invalid API key")
            let me = try await Self.call(fake, "GET", "/api/v1/users/me", http: http)
            #expect(me.status == 200 && me.json["user_id"] as? Int == fake.bot.id)
            #expect(me.response.header("X-RateLimit-Limit") == "200" && me.response.header("X-RateLimit-Remaining") == "199")
            #expect(me.response.header("X-RateLimit-Reset").flatMap(Int.init) != nil)
            fake.rateLimitNext(1, retryAfter: 0.5)
            let limited = try await Self.call(fake, "GET", "/api/v1/users/me", http: http)
            #expect(limited.status == 429 && limited.json["code"] as? String == "RATE_LIMIT_HIT")
            #expect(limited.json["retry-after"] as? Double == 0.5 && limited.response.header("Retry-After") == "0.5")
        }
    }

    @Test func pastItsRequestsPerMinuteAUserIsRateLimitedUntilTheMinuteIsOver() async throws {
        var organisation = ZulipFakeConfiguration.team()
        organisation.requestsPerMinute = 3
        try await ZulipFake.withRunning(organisation) { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            for remaining in [2, 1, 0] {
                let ok = try await Self.call(fake, "GET", "/api/v1/users/me", http: http)
                #expect(ok.status == 200 && ok.response.header("X-RateLimit-Remaining") == String(remaining))
            }
            let limited = try await Self.call(fake, "GET", "/api/v1/users/me", http: http)
            #expect(limited.status == 429 && limited.json["code"] as? String == "RATE_LIMIT_HIT")
            let wait = try #require(limited.json["retry-after"] as? Double)
            #expect(wait > 50 && wait <= 60.5 && limited.response.header("Retry-After").flatMap(Double.init) == wait)
            // Limits are per user: Sam is not slowed by the bot.
            let sam = try await Self.call(fake, "GET", "/api/v1/users/me", user: fake.user(named: "Sam"), http: http)
            #expect(sam.status == 200)
        }
    }

    @Test func queuesHoldPollsPruneAcknowledgedEventsAndExpire() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let registered = try await Self.call(
                fake, "POST", "/api/v1/register", form: "event_types=%5B%22message%22%5D&fetch_event_types=%5B%22message%22%2C%22realm%22%5D",
                http: http)
            let queue = try #require(registered.json["queue_id"] as? String)
            #expect(registered.json["last_event_id"] as? Int == -1 && registered.json["max_message_id"] as? Int == -1)
            #expect(registered.json["max_message_length"] as? Int == 10_000 && registered.json["max_topic_length"] as? Int == 60)
            let q = queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? queue
            // Nothing happens: the poll is held, then answered with a heartbeat.
            let idle = try await Self.call(fake, "GET", "/api/v1/events?queue_id=\(q)&last_event_id=-1", http: http)
            let heartbeat = try #require((idle.json["events"] as? [[String: Any]])?.first)
            #expect(heartbeat["type"] as? String == "heartbeat")
            let beat = try #require(heartbeat["id"] as? Int)
            let sam = fake.user(named: "Sam")
            fake.say("one", as: sam, in: 1)
            fake.say("two", as: sam, in: 1)
            let two = try await Self.call(fake, "GET", "/api/v1/events?queue_id=\(q)&last_event_id=\(beat)", http: http)
            let events = try #require(two.json["events"] as? [[String: Any]])
            let ids = events.compactMap { $0["id"] as? Int }
            #expect(ids.count == 2 && ids[0] > beat && ids[1] > ids[0] + 1, "increasing, not consecutive: \(ids)")
            // Acknowledging the first prunes it; asking from before it is then refused.
            _ = try await Self.call(fake, "GET", "/api/v1/events?queue_id=\(q)&last_event_id=\(ids[0])&dont_block=true", http: http)
            let behind = try await Self.call(fake, "GET", "/api/v1/events?queue_id=\(q)&last_event_id=\(beat)", http: http)
            #expect(behind.status == 400 && behind.json["code"] as? String == "BAD_REQUEST")
            fake.expireQueues()
            let gone = try await Self.call(fake, "GET", "/api/v1/events?queue_id=\(q)&last_event_id=\(ids[1])", http: http)
            #expect(gone.status == 400 && gone.json["code"] as? String == "BAD_EVENT_QUEUE_ID" && gone.json["queue_id"] as? String == queue)
            #expect(gone.json["msg"] as? String == "Bad event queue ID: \(queue)")
        }
    }

    @Test func historyPagesFromAnAnchorAndPostsAreChecked() async throws {
        try await ZulipFake.withRunning { fake in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let sam = fake.user(named: "Sam")
            let ids = (0..<5).map { fake.say("m\($0)", as: sam, in: 1) }
            fake.say("not for the bot", as: sam, in: 3)
            let page = try await Self.call(
                fake, "GET", "/api/v1/messages?anchor=\(ids[1])&include_anchor=false&num_before=0&num_after=2&narrow=%5B%5D", http: http)
            let got = (page.json["messages"] as? [[String: Any]] ?? []).compactMap { $0["content"] as? String }
            #expect(got == ["m2", "m3"] && page.json["found_newest"] as? Bool == false)
            let rest = try await Self.call(
                fake, "GET", "/api/v1/messages?anchor=\(ids[3])&include_anchor=false&num_before=0&num_after=10&narrow=%5B%5D", http: http)
            #expect((rest.json["messages"] as? [[String: Any]])?.count == 1 && rest.json["found_newest"] as? Bool == true)

            let missingTopic = try await Self.call(fake, "POST", "/api/v1/messages", form: "type=stream&to=1&content=x", http: http)
            #expect(missingTopic.status == 400 && missingTopic.json["code"] as? String == "BAD_REQUEST")
            let noChannel = try await Self.call(fake, "POST", "/api/v1/messages", form: "type=stream&to=nope&topic=t&content=x", http: http)
            #expect(noChannel.json["code"] as? String == "STREAM_DOES_NOT_EXIST" && noChannel.json["stream"] as? String == "nope")
            let posted = try await Self.call(fake, "POST", "/api/v1/messages", form: "type=private&to=%5B12%5D&content=hi%20%40**%7C12**", http: http)
            #expect(posted.status == 200 && posted.json["id"] as? Int != nil)
            #expect(fake.botPosts.last?.mentions.userIDs == [12] && fake.botPosts.last?.people == [12, fake.bot.id].sorted())
        }
    }
}
