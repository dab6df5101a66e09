import Foundation
import TandemChat
import TandemCore
import TandemRuntimeTesting
import Testing

/// A whole conversation with secrets everywhere a config can hold them: a password in the chat's URL, the bot's
/// token in a file (and so in every request's header), both logged at trace level. Not one byte of them may show
/// up in what the bot or the chat print, log or store.
@Suite(.timeLimit(.minutes(2)))
struct SecretsStayHiddenTests {
    @Test func noSecretAppearsInOutputLogsOrState() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let token = "bot-secret-" + UUID().uuidString
        let password = "pw-" + UUID().uuidString

        let root = TandemProcess.packageRoot.appendingPathComponent("Config")
        var local = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("local.json"))) as! [String: Any]
        var transport = local["transport"] as! [String: Any]
        transport["botToken"] = token
        local["transport"] = transport
        local["seedCampaigns"] = root.appendingPathComponent("sample-campaigns.json").path
        let endpointConfig = work + "/endpoint.json"
        try JSONSerialization.data(withJSONObject: local).write(to: URL(fileURLWithPath: endpointConfig))
        let endpoint = try await TandemProcess(
            launching: ["endpoint", "--config", endpointConfig, "--port", "0", "--log-level", "trace"],
            errorLog: work + "/endpoint.log")

        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: work + "/token"))
        var config = local
        let url = endpoint.baseURL.replacingOccurrences(of: "http://", with: "http://tandem:\(password)@")
        config["transport"] = ["type": "webhook", "baseURL": url, "tokenFile": work + "/token"]
        let botConfig = work + "/bot.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: botConfig))
        let state = work + "/state"
        let bot = try await TandemProcess(
            launching: ["run", "--config", botConfig, "--state", state, "--log-level", "trace"], stateFolder: state,
            errorLog: work + "/bot.log")
        let check = try await TandemProcess.run(["check-config", botConfig, "--probe"])

        let http = CurlHTTPClient()
        defer { http.shutdown() }
        var sam = ChatUser("sam", baseURL: endpoint.baseURL, http: http)
        var answered = false
        for attempt in 0..<5 where !answered {
            try await sam.say("@tandem campaign spring-launch \(attempt)")
            answered = try await sam.next(within: 1).contains { $0.text.contains("Spring") }
        }
        try #require(answered, "the bot never answered: the conversation did not happen")
        try await sam.say("@tandem help")
        #expect(try await !sam.next().isEmpty)

        #expect(await bot.terminate() == 0)
        var texts = ["bot's output": bot.printedAtStart + (await bot.outputAfterExit()),
                     "check-config": check.output + check.errors]
        _ = await endpoint.terminate()
        texts["endpoint's output"] = endpoint.printedAtStart + (await endpoint.outputAfterExit())
        for log in ["bot.log", "endpoint.log"] { texts[log] = try String(contentsOfFile: work + "/" + log, encoding: .utf8) }
        for name in try FileManager.default.subpathsOfDirectory(atPath: state) {
            if let data = FileManager.default.contents(atPath: state + "/" + name) { texts["state/" + name] = String(decoding: data, as: UTF8.self) }
        }
        #expect(texts["bot.log"]?.isEmpty == false, "trace logging wrote nothing: the search below would prove nothing")
        #expect(texts["bot's output"]?.contains(endpoint.baseURL) == true, "the start-up line shows the chat, without its password")

        let basic = Data("tandem:\(password)".utf8).base64EncodedString()
        for secret in [token, password, basic] {
            for (source, text) in texts {
                #expect(!text.contains(secret), "\(source) shows a secret")
                #expect(!text.contains(String(secret.prefix(16))), "\(source) shows the start of a secret")
            }
        }
    }
}
