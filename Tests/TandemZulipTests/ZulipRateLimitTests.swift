import Foundation
import TandemRuntimeTesting
import TandemZulipTesting
import Testing

/// The real binary on a Zulip that rate-limits it: 429 `RATE_LIMIT_HIT` with `Retry-After` (fractional, as Zulip
/// sends it) on its posts and its long poll. It waits at least that long, then carries on; every command is
/// answered once.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ZulipRateLimitTests {
    @Test func rateLimitedPostsAndPollsWaitTheServersTimeAndLoseNothing() async throws {
        try await ZulipFake.withRunning { fake in
            let run = try ZulipBotRun(fake: fake)
            defer { run.remove() }
            let bot = try await run.start()
            fake.rateLimitNext(2, retryAfter: 1.5, path: "/api/v1/messages")
            for n in 0..<5 { fake.say("@**Tandem** campaign zz-rate-\(n)", as: run.sam, in: run.joint) }
            let posts = try await fake.botPosts(count: 5)
            // The long poll is limited too: the poll after the one holding now is refused; what is said while the bot
            // waits still arrives.
            fake.rateLimitNext(1, retryAfter: 0.5, path: "/api/v1/events")
            fake.say("@**Tandem** campaign zz-rate-5", as: run.sam, in: run.joint)
            try await fake.request { $0.path == "/api/v1/events" && $0.status == 429 }
            fake.say("@**Tandem** campaign zz-rate-6", as: run.sam, in: run.joint)
            let last = try await fake.botPosts(count: 7)[6]
            #expect(await bot.terminate() == 0)

            for n in 0..<5 {
                #expect(posts.filter { $0.content.contains("zz-rate-\(n)") }.count == 1, "command \(n)")
            }
            #expect(last.content.contains("zz-rate-6"))
            #expect(fake.botPosts.count == 7 && fake.botPosts[5].content.contains("zz-rate-5"))
            let sends = fake.requests.filter { $0.method == "POST" && $0.path == "/api/v1/messages" }
            let limited = sends.filter { $0.status == 429 }
            #expect(limited.count == 2)
            // Each retry came no sooner than the server asked.
            for refusal in limited {
                let next = try #require(sends.first { $0.sequence > refusal.sequence })
                #expect(next.at - refusal.at >= .milliseconds(1_500), "retried after \(next.at - refusal.at)")
            }
            let polls = fake.requests.filter { $0.userID == fake.bot.id && ($0.path == "/api/v1/events" || $0.path == ZulipFake.waitingPath) }
            let pollRefusal = try #require(polls.first { $0.status == 429 })
            let nextPoll = try #require(polls.first { $0.sequence > pollRefusal.sequence })
            #expect(nextPoll.at - pollRefusal.at >= .milliseconds(500))
            #expect(run.errors().contains("rate limited"))
        }
    }
}
