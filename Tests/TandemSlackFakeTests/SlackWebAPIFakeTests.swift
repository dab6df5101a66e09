import Foundation
import TandemChat
import TandemSlackTesting
import Testing

/// The Web API fake through real HTTP (libcurl to Hummingbird on loopback), as the relay will call it.
@Suite("Slack Web API fake", .tags(.integration), .timeLimit(.minutes(3)))
struct SlackWebAPIFakeTests {
    let client = CurlHTTPClient()

    // MARK: - auth.test

    @Test func authTestAnswersTheBotsIdentity() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let call = try await slack.call(client, "auth.test")
            #expect(call.response.status == 200)
            #expect(call.isOK)
            #expect(call.object["user_id"] as? String == "U0TANDEM")
            #expect(call.object["bot_id"] as? String == "B0TANDEM")
            #expect(call.object["team_id"] as? String == "T0FAKE")
        }
    }

    @Test(arguments: [
        (SlackWebAPIFake.Credential.none, "not_authed"), (.token("xoxb-someone-else"), "invalid_auth"),
    ])
    func authTestRefusesAMissingOrWrongToken(credential: SlackWebAPIFake.Credential, error: String) async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let call = try await slack.call(client, "auth.test", credential: credential)
            #expect(call.response.status == 200)  // Slack's method errors are HTTP 200 with ok:false
            #expect(!call.isOK)
            #expect(call.error == error)
            #expect(slack.refusals == [error: 1])
        }
    }

    @Test func otherMethodsAreUnknown() async throws {
        try await SlackWebAPIFake.withRunning { slack throws in
            #expect(try await slack.call(client, "conversations.history").error == "unknown_method")
        }
    }

    // MARK: - chat.postMessage

    @Test func postMessageAnswersSlacksShapeAndKeepsThePostVerbatim() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let json = #"{"channel":"C0GENERAL","text":"a &lt; b <@U0ALICE>","mrkdwn":false,"unfurl_links":false}"#
            let call = try await slack.call(client, "chat.postMessage", json: json)
            #expect(call.response.status == 200)
            #expect(call.response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(call.isOK)
            #expect(call.object["channel"] as? String == "C0GENERAL")
            let ts = try #require(call.object["ts"] as? String)
            #expect(ts.wholeMatch(of: /[0-9]+\.[0-9]{6}/) != nil)
            let message = try #require(call.object["message"] as? [String: Any])
            #expect(message["type"] as? String == "message")
            #expect(message["text"] as? String == "a &lt; b <@U0ALICE>")
            #expect(message["user"] as? String == "U0TANDEM")
            #expect(message["bot_id"] as? String == "B0TANDEM")
            #expect(message["ts"] as? String == ts)

            let post = try #require(slack.posts.first)
            #expect(slack.posts.count == 1)
            #expect(post.channel == "C0GENERAL")
            #expect(post.text == "a &lt; b <@U0ALICE>")
            #expect(post.ts == ts)
            #expect(post.threadTS == nil)
            #expect(post.rawBody == Array(json.utf8))
            #expect(post.bodyObject()?["mrkdwn"] as? Bool == false)
        }
    }

    /// Every ts is unique and increasing, even when the clock does not move between posts.
    @Test func tsValuesIncreaseUnderAStillClock() async throws {
        let clock = HandClock()
        try await SlackWebAPIFake.withRunning(now: clock.now) { slack throws in
            for text in ["one", "two", "three"] {
                #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: text).isOK)
            }
            let ts = slack.posts.map(\.ts)
            #expect(ts == ["1700000000.000000", "1700000000.000001", "1700000000.000002"])
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let json: String
        let error: String
        var testDescription: String { error }
    }

    @Test(arguments: [
        Refusal(json: #"{"channel":"C0GENERAL","text":""}"#, error: "no_text"),
        Refusal(json: #"{"channel":"C0GENERAL"}"#, error: "no_text"),
        Refusal(json: #"{"channel":"C0NOWHERE","text":"hi"}"#, error: "channel_not_found"),
        Refusal(json: #"{"text":"hi"}"#, error: "channel_not_found"),
        Refusal(json: #"{"channel":"C0ELSEWHERE","text":"hi"}"#, error: "not_in_channel"),
        Refusal(json: #"{"channel":"C0GENERAL","text":"hi","thread_ts":"1.000001"}"#, error: "thread_not_found"),
        Refusal(json: #"{"channel":"C0GENERAL","text":"hi""#, error: "invalid_json"),
        Refusal(json: #"["C0GENERAL","hi"]"#, error: "json_not_object"),
    ])
    func postMessageRefusesWhatSlackRefuses(_ refusal: Refusal) async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let call = try await slack.call(client, "chat.postMessage", json: refusal.json)
            #expect(call.response.status == 200)
            #expect(!call.isOK)
            #expect(call.error == refusal.error)
            #expect(slack.posts.isEmpty)
            #expect(slack.refusals == [refusal.error: 1])
        }
    }

    /// The headers a call carries, and the error the fake answers.
    struct HeaderCase: Sendable, CustomTestStringConvertible {
        var credential = SlackWebAPIFake.Credential.botToken
        var contentType: String? = "application/json"
        let error: String
        var testDescription: String { error }
    }

    @Test(arguments: [
        HeaderCase(contentType: nil, error: "missing_post_type"),
        HeaderCase(contentType: "application/x-www-form-urlencoded", error: "invalid_post_type"),
        HeaderCase(contentType: "text/plain", error: "invalid_post_type"),
        HeaderCase(contentType: "application/json; charset=utf-16", error: "invalid_charset"),
        HeaderCase(credential: .none, error: "not_authed"),
        HeaderCase(credential: .token("xoxb-wrong"), error: "invalid_auth"),
    ])
    func postMessageRequiresTheBotTokenAndAJSONContentType(_ headers: HeaderCase) async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let call = try await slack.call(
                client, "chat.postMessage", json: #"{"channel":"C0GENERAL","text":"hi"}"#,
                credential: headers.credential, contentType: headers.contentType)
            #expect(call.response.status == 200)
            #expect(call.error == headers.error)
            #expect(slack.posts.isEmpty)
        }
    }

    @Test func postMessageAcceptsJSONWithOrWithoutCharset() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            for contentType in ["application/json", "Application/JSON; charset=UTF-8"] {
                let call = try await slack.call(
                    client, "chat.postMessage", json: #"{"channel":"D0TANDEM","text":"hi"}"#, contentType: contentType)
                #expect(call.isOK, "\(contentType)")
            }
            #expect(slack.posts.count == 2)
        }
    }

    /// A reply goes under a parent: one the bot posted, or one the test recorded (the user's message). Not under a
    /// reply, and not under a parent of another channel.
    @Test func threadRepliesNeedAnExistingParentInTheChannel() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let first = try await slack.postMessage(client, channel: "C0GENERAL", text: "p")
            let parent = try #require(first.object["ts"] as? String)
            let reply = try await slack.postMessage(client, channel: "C0GENERAL", text: "r", threadTS: parent)
            #expect(reply.isOK)
            let replyTS = try #require(reply.object["ts"] as? String)
            let underReply = try await slack.postMessage(client, channel: "C0GENERAL", text: "x", threadTS: replyTS)
            #expect(underReply.error == "thread_not_found")
            let elsewhere = try await slack.postMessage(client, channel: "D0TANDEM", text: "x", threadTS: parent)
            #expect(elsewhere.error == "thread_not_found")

            let userMessage = "1699999999.000100"
            slack.addMessage(channel: "C0GENERAL", ts: userMessage)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "y", threadTS: userMessage).isOK)
            #expect(slack.posts.map(\.threadTS) == [nil, parent, userMessage])
        }
    }

    // MARK: - Failures on demand

    @Test func rateLimitNextAnswers429WithRetryAfterThenRecovers() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            slack.rateLimitNext(2, retryAfter: 7)
            for _ in 0..<2 {
                let limited = try await slack.postMessage(client, channel: "C0GENERAL", text: "hi")
                #expect(limited.response.status == 429)
                #expect(limited.response.header("Retry-After") == "7")
                #expect(limited.error == "ratelimited")
            }
            let accepted = try await slack.postMessage(client, channel: "C0GENERAL", text: "hi")
            #expect(accepted.response.status == 200)
            #expect(accepted.isOK)
            #expect(slack.posts.count == 1)
            #expect(slack.refusals == ["ratelimited": 2])
        }
    }

    @Test func failNextAnswersTheServerErrorAndStoresNothing() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            slack.failNext(1, status: 503)
            let failed = try await slack.postMessage(client, channel: "C0GENERAL", text: "hi")
            #expect(failed.response.status == 503)
            #expect(failed.error == "service_unavailable")
            #expect(slack.posts.isEmpty)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "hi").isOK)
        }
    }

    /// With the automatic limit, a channel takes `burst` posts at once and then one per second; other channels
    /// have their own allowance.
    @Test func automaticLimitAllowsABurstThenOnePerSecondPerChannel() async throws {
        let clock = HandClock()
        var configuration = SlackWebAPIFake.Configuration()
        configuration.channelRateLimit = .init(messagesPerSecond: 1, burst: 2)
        try await SlackWebAPIFake.withRunning(configuration, now: clock.now) { slack throws in
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "1").isOK)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "2").isOK)
            let limited = try await slack.postMessage(client, channel: "C0GENERAL", text: "3")
            #expect(limited.response.status == 429)
            #expect(limited.response.header("Retry-After") == "1")
            #expect(try await slack.postMessage(client, channel: "D0TANDEM", text: "elsewhere").isOK)
            clock.advance(by: 1)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "3 again").isOK)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "4").response.status == 429)
            #expect(slack.posts.map(\.text) == ["1", "2", "elsewhere", "3 again"])
        }
    }

    // MARK: - Waiting

    /// The wait returns once enough posts exist, and not with fewer: it is woken by the post itself.
    @Test func waitingForPostsIsSignalledByThePosts() async throws {
        try await SlackWebAPIFake.withRunning { slack throws in
            async let waited = slack.posts(count: 2)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "first").isOK)
            #expect(try await slack.postMessage(client, channel: "C0GENERAL", text: "second").isOK)
            #expect(try await waited.map(\.text) == ["first", "second"])
            // Already there: answered at once.
            #expect(try await slack.posts(count: 1).map(\.text) == ["first"])
        }
    }

    @Test func aCancelledWaitThrows() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let waiting = Task { try await slack.posts(count: 1) }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
        }
    }

    // MARK: - response_url

    @Test func responseURLTakesFivePostsThenRefuses() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let url = slack.makeResponseURL()
            #expect(url != slack.makeResponseURL())
            for use in 1...5 {
                let body = #"{"text":"reply \#(use)","response_type":"in_channel","thread_ts":"1.000002"}"#
                let response = try await client.send(.init(method: "POST", url: url, body: Data(body.utf8)))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "ok")
            }
            let sixth = try await client.send(.init(method: "POST", url: url, body: Data(#"{"text":"six"}"#.utf8)))
            #expect(sixth.status == 404)
            #expect(String(decoding: sixth.body, as: UTF8.self) == "expired_url")
            let posts = try await slack.responseURLPosts(count: 5)
            #expect(posts.map(\.text) == (1...5).map { "reply \($0)" })
            #expect(posts.allSatisfy { !$0.isEphemeral && $0.threadTS == "1.000002" })
            #expect(slack.responseURLPosts.count == 5)
            #expect(slack.refusals == ["expired_url": 1])
        }
    }

    @Test func responseURLRefusesMalformedJSONWithoutSpendingAUse() async throws {
        try await SlackWebAPIFake.withRunning { slack in
            let url = slack.makeResponseURL()
            let bad = try await client.send(.init(method: "POST", url: url, body: Data("text=hi".utf8)))
            #expect(bad.status == 400)
            #expect(String(decoding: bad.body, as: UTF8.self) == "invalid_payload")
            let good = try await client.send(.init(method: "POST", url: url, body: Data(#"{"text":"hi"}"#.utf8)))
            #expect(good.status == 200)
            #expect(try await slack.responseURLPosts(count: 1).first?.isEphemeral == true)
        }
    }
}
