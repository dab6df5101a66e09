import Foundation
import TandemChat
import TandemCore
import TandemMattermostTesting
import Testing

/// Rate limits and server errors: the server's wait is honoured, nothing is lost or doubled.
@Suite(.timeLimit(.minutes(3))) struct MattermostRateLimitTests {
    struct LimitCase: Sendable, CustomTestStringConvertible {
        let route: MattermostFakeRoute
        let retryAfter: Int
        var testDescription: String { "\(route), Retry-After \(retryAfter)" }
    }

    @Test(arguments: [LimitCase(route: .listChannels, retryAfter: 2), LimitCase(route: .createPost, retryAfter: 3)])
    func a429BecomesRateLimitedWithTheServersWait(_ limit: LimitCase) async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            _ = try await transport.connect()
            team.fake.rateLimitNext(1, retryAfter: limit.retryAfter, on: limit.route)
            let error = try await #require(throws: TransportError.self) {
                if limit.route == .createPost {
                    _ = try await transport.send(
                        OutgoingChatMessage(channel: team.joint, body: RichText([.paragraph([.text("hi")])]), idempotencyKey: "k"))
                } else {
                    _ = try await transport.poll(after: nil)
                }
            }
            #expect(error.kind == .rateLimited(retryAfter: Double(limit.retryAfter)))
        }
    }

    @Test func aSpentBudgetMakesTheNextRequestWaitForTheReset() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            _ = try await transport.connect()
            team.fake.spendBudgetNext(reset: 1, on: .listChannels)
            let cursor = try #require(try await transport.poll(after: nil).cursor)
            _ = try await transport.poll(after: cursor)
            let lists = team.fake.requests.filter { $0.path == "/api/v4/users/me/channels" }
            let gap = lists[1].receivedAt - lists[0].receivedAt
            #expect(gap >= .milliseconds(950), "waited \(gap) after X-RateLimit-Remaining: 0 with a reset of 1 s")
        }
    }

    @Test func serverErrorsAreTransientAndLoseNoPost() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            let post = try team.fake.post("@tandem campaign spring", in: team.joint, as: team.sam)
            team.fake.failNext(1, status: 503, on: .channelPosts)
            let error = try await #require(throws: TransportError.self) { try await transport.poll(after: start) }
            #expect(error.kind == .transient)
            let (messages, _) = try await transport.messages(after: start) { !$0.isEmpty }
            #expect(messages.map(\.id) == [post.id])
        }
    }

    @Test func aServerThatHangsIsATransientErrorAndThePostComesWithTheNextPoll() async throws {
        try await withTeam { team, http in
            let transport = team.transport(http: http)
            let start = try #require(try await transport.poll(after: nil).cursor)
            let post = try team.fake.post("@tandem campaign spring", in: team.joint, as: team.sam)
            team.fake.stallNext(for: .seconds(6), on: .channelPosts)
            let impatient = team.transport(http: http, requestTimeout: .seconds(2))
            _ = try await impatient.connect()
            let error = try await #require(throws: TransportError.self) { try await impatient.poll(after: start) }
            #expect(error.kind == .transient)
            #expect(error.message.contains("timed out"), "\(error)")
            let (messages, _) = try await transport.messages(after: start) { !$0.isEmpty }
            #expect(messages.map(\.id) == [post.id])
        }
    }
}
