import Foundation
import TandemChat
import TandemMattermostTesting
import Testing

/// The fake itself, over HTTP: it must behave as the server does before the transport's tests rely on it.
@Suite(.timeLimit(.minutes(3))) struct MattermostFakeTests {
    static func get(_ http: CurlHTTPClient, _ fake: MattermostFake, _ path: String, token: String? = nil) async throws -> HTTPClientResponse {
        try await http.send(HTTPClientRequest(url: fake.baseURL + path, headers: [HTTPField("Authorization", "Bearer " + (token ?? fake.bot.token))]))
    }

    static func object(_ response: HTTPClientResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test func aWrongTokenGets401WithMattermostsErrorBody() async throws {
        try await withTeam { team, http in
            let response = try await Self.get(http, team.fake, "/api/v4/users/me", token: "nope")
            #expect(response.status == 401)
            let body = try Self.object(response)
            #expect(body["id"] as? String == "api.context.session_expired.app_error")
            #expect(body["status_code"] as? Int == 401)
            #expect(body["is_oauth"] as? Bool == false)
            #expect(body["request_id"] is String && body["message"] is String)
        }
    }

    @Test func sinceIsStrictIncludesEditsAndDeletionsAndListsReplyRootsOutsideTheOrder() async throws {
        try await withTeam { team, http in
            let root = try team.fake.post("root", in: team.joint, as: team.mia)
            let reply = try team.fake.post("reply", in: team.joint, as: team.sam, rootID: root.id)
            let gone = try team.fake.post("gone", in: team.joint, as: team.sam)
            team.fake.delete(gone.id)
            let path = "/api/v4/channels/\(team.joint)/posts?since="
            let all = try Self.object(try await Self.get(http, team.fake, path + "\(reply.createAt - 1)"))
            #expect(all["order"] as? [String] == [gone.id, reply.id], "newest first, deleted included")
            let strict = try Self.object(try await Self.get(http, team.fake, path + "\(reply.createAt)"))
            let order = try #require(strict["order"] as? [String])
            #expect(!order.contains(reply.id), "update_at must be strictly greater")
            let posts = try #require(all["posts"] as? [String: Any])
            #expect(posts[root.id] != nil, "the reply's root comes along")
            #expect(!(all["order"] as? [String] ?? []).contains(root.id))
        }
    }

    @Test(arguments: ["&page=0", "&per_page=10", "&before=x", "&after=x"])
    func sinceWithPagingIsRefused(_ extra: String) async throws {
        try await withTeam { team, http in
            let response = try await Self.get(http, team.fake, "/api/v4/channels/\(team.joint)/posts?since=5" + extra)
            #expect(response.status == 400)
        }
    }

    @Test func aRepeatedPendingPostIDWithin30sGetsTheSamePostAndAfterwardsANewOne() async throws {
        try await withTeam { team, http in
            func create() async throws -> String {
                let body = #"{"channel_id":"\#(team.joint)","message":"hi","pending_post_id":"k1"}"#
                let response = try await http.send(
                    HTTPClientRequest(
                        method: "POST", url: team.fake.baseURL + "/api/v4/posts",
                        headers: [HTTPField("Authorization", "Bearer " + team.bot.token), HTTPField("Content-Type", "application/json")],
                        body: Data(body.utf8)))
                #expect(response.status == 201)
                return try #require(try Self.object(response)["id"] as? String)
            }
            let first = try await create()
            #expect(try await create() == first)
            team.fake.expirePendingPostIDs()
            #expect(try await create() != first)
        }
    }

    @Test func aRateLimitedRequestGetsPlainTextWithRetryAfter() async throws {
        try await withTeam { team, http in
            team.fake.rateLimitNext(1, retryAfter: 7)
            let response = try await Self.get(http, team.fake, "/api/v4/users/me")
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "7")
            #expect(response.header("X-RateLimit-Remaining") == "0")
            #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("limit exceeded"))
            #expect(try await Self.get(http, team.fake, "/api/v4/users/me").status == 200)
        }
    }
}
