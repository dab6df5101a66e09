import Foundation
import Synchronization
import TandemChat
import TandemLoopbackTesting
import TandemRuntimeTesting
import TandemTesting
import Testing

@testable import TandemRelay

/// The real `tandem` binary with its embedded relay as a Teams outgoing webhook: the activity in, signed with the
/// webhook's token; the bot's answer in the same HTTP exchange; what no webhook waits for out through a Workflows
/// webhook (a loopback receiver answering 202, as Workflows does).
@Suite(.serialized, .timeLimit(.minutes(2))) struct TeamsRelayEndToEndTests {
    static let token = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="
    static let sales = "19:sales0000@thread.skype"
    static let joint = "19:joint0000@thread.skype"

    static func config(workflowURL: String, in folder: String) throws -> String {
        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as! [String: Any]
        var team = config["team"] as! [String: Any]
        team["members"] = (team["members"] as! [[String: Any]]).map { member in
            var member = member
            member["id"] = "aad-" + (member["id"] as! String)
            return member
        }
        team["salesChannel"] = sales
        team["jointChannel"] = joint
        config["team"] = team
        config["transport"] = [
            "type": "relay",
            "teams": ["securityTokenEnv": "TANDEM_TEST_TEAMS_TOKEN", "workflowURLEnv": "TANDEM_TEST_TEAMS_WORKFLOW"],
        ]
        config["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/teams.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// An outgoing webhook's activity, as Teams sends it when `user` mentions the webhook in `channel`.
    static func activity(id: String, user: String, name: String, channel: String, text: String) -> [UInt8] {
        let object: [String: Any] = [
            "type": "message", "id": id, "timestamp": "2026-12-03T10:00:00.000Z", "channelId": "msteams",
            "serviceUrl": "https://smba.trafficmanager.net/emea/",
            "from": ["id": "29:\(user)", "name": name, "aadObjectId": user],
            "conversation": ["id": "\(channel);messageid=\(id)", "conversationType": "channel"],
            "recipient": ["id": "null", "name": "null"], "textFormat": "plain", "text": "<at>Tandem</at> \(text)",
            "entities": [["type": "mention", "mentioned": ["id": "28:tandem", "name": "Tandem"], "text": "<at>Tandem</at>"]],
            "channelData": ["teamsChannelId": channel, "teamsTeamId": "19:team0000@thread.skype"],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func post(_ body: [UInt8], to baseURL: String, http: any HTTPClient, key: String = token) async throws -> HTTPClientResponse {
        let mac = HMACSHA256.mac(key: Array(Data(base64Encoded: key)!), message: body)
        return try await http.send(
            HTTPClientRequest(
                method: "POST", url: baseURL + "/teams/webhook",
                headers: [HTTPField("Content-Type", "application/json"), HTTPField("Authorization", "HMAC " + Data(mac).base64EncodedString())],
                body: Data(body), timeout: .seconds(10)))
    }

    static func answer(_ response: HTTPClientResponse) -> String {
        ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?["text"] as? String ?? ""
    }

    @Test func aMentionIsAnsweredInTheSameExchangeAndTheRestGoesThroughWorkflows() async throws {
        let cards = Mutex<[String]>([])
        let (arrived, arrival) = AsyncStream.makeStream(of: Void.self)
        try await withLoopbackHTTPServer({ request in
            let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            let card = ((object?["attachments"] as? [[String: Any]])?.first?["content"] as? [String: Any])
            let text = ((card?["body"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            cards.withLock { $0.append(text) }
            arrival.yield()
            return LoopbackHTTPResponse(status: 202)
        }) { workflowURL in
            let work = TemporaryFolder("tandem-teams")
            defer { work.remove() }
            let state = work.file("state")
            let bot = try await TandemProcess(
                launching: ["run", "--config", try Self.config(workflowURL: workflowURL, in: work.path), "--state", state, "--port", "0", "--log-level", "warning"],
                stateFolder: state, environment: ["TANDEM_TEST_TEAMS_TOKEN": Self.token, "TANDEM_TEST_TEAMS_WORKFLOW": workflowURL + "/workflows/x?sig=secret"],
                errorLog: work.file("bot.log"))
            let http = CurlHTTPClient()
            defer { http.shutdown() }

            let lookup = Self.activity(id: "1001", user: "aad-mia", name: "Mia Wagner", channel: Self.joint, text: "campaign spring")
            let forged = try await Self.post(lookup, to: bot.baseURL, http: http, key: "QgyNSToQjf4p6+YzDpjKks1/tXeJQ7FhVHqRwTnugVI=")
            #expect(forged.status == 401)

            let clock = ContinuousClock()
            let started = clock.now
            let answered = try await Self.post(lookup, to: bot.baseURL, http: http)
            #expect(clock.now - started < .seconds(5), "Teams gives up after 5 s")
            #expect(answered.status == 200)
            #expect(Self.answer(answered).contains("Spring Launch"))
            let again = try await Self.post(lookup, to: bot.baseURL, http: http)
            #expect(Self.answer(again).isEmpty, "the same activity is answered once")

            // A handoff in the sales channel: the confirmation answers the webhook, the announcement to the sales
            // channel has no webhook waiting and goes through Workflows.
            let handoff = Self.activity(
                id: "1002", user: "aad-leo", name: "Leo Fischer", channel: Self.joint,
                text: #"handoff "Anna Schmidt" to @sam company="Kessler GmbH" consent=yes campaign=spring-launch priority=hot "asked for a demo""#)
            let confirmation = try await Self.post(handoff, to: bot.baseURL, http: http)
            #expect(Self.answer(confirmation).contains("H-1"))
            for await _ in arrived { break }
            let card = try #require(cards.withLock { $0.first })
            #expect(card.contains("Anna Schmidt") && card.contains("H-1"))
            #expect(cards.withLock { $0.count } == 1)
            #expect(await bot.terminate() == 0)
            let log = (try? String(contentsOfFile: work.file("bot.log"), encoding: .utf8)) ?? ""
            #expect(!log.contains("sig=secret"), "the Workflows URL is a secret")
        }
    }
}

extension TeamsRelayEndToEndTests {
    /// Killed with SIGKILL between two mentions: after the restart the first activity, sent again, is known (its
    /// answer is not repeated in the webhook's answer), the next one is answered in the same exchange again, and
    /// at most the one answer the kill may have caught unrecorded goes out again, through Workflows.
    @Test func afterAKillAnActivityIsStillAnsweredOnce() async throws {
        let cards = Mutex<[String]>([])
        try await withLoopbackHTTPServer({ request in
            cards.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
            return LoopbackHTTPResponse(status: 202)
        }) { workflowURL in
            let work = TemporaryFolder("tandem-teams")
            defer { work.remove() }
            let state = work.file("state")
            let port = try SlackRelayEndToEndTests.freePort()
            let config = try Self.config(workflowURL: workflowURL, in: work.path)
            let start = {
                try await TandemProcess(
                    launching: ["run", "--config", config, "--state", state, "--port", String(port), "--log-level", "warning"],
                    stateFolder: state,
                    environment: ["TANDEM_TEST_TEAMS_TOKEN": Self.token, "TANDEM_TEST_TEAMS_WORKFLOW": workflowURL + "/workflows/x?sig=secret"],
                    errorLog: work.file("bot.log"))
            }
            var bot = try await start()
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let first = Self.activity(id: "2001", user: "aad-sam", name: "Sam Carter", channel: Self.joint, text: "campaign spring")
            #expect(Self.answer(try await Self.post(first, to: bot.baseURL, http: http)).contains("Spring Launch"))
            await bot.kill()
            bot = try await start()
            #expect(Self.answer(try await Self.post(first, to: bot.baseURL, http: http)).isEmpty, "known after the restart")
            let second = Self.activity(id: "2002", user: "aad-sam", name: "Sam Carter", channel: Self.joint, text: "campaign roadshow")
            #expect(Self.answer(try await Self.post(second, to: bot.baseURL, http: http)).contains("Roadshow"))
            #expect(await bot.terminate() == 0)
            // The relay records a delivery right after handing the answer to the webhook: a kill in that instant
            // resends it through Workflows after the restart, once (documented). Nothing else may go out again.
            let resent = cards.withLock { $0 }
            #expect(resent.count <= 1 && resent.allSatisfy { $0.contains("Spring Launch") }, "\(resent)")
        }
    }
}
