import Foundation
import TandemRuntime
import TandemRuntimeTesting
import TandemTesting
import Testing

/// `transport.type: "mattermost"` in the config file: what it sets up, and the problems it names.
struct MattermostConfigTests {
    static let sales = "q7wrzk1b3jrd8e9y6t5xngp4ha"
    static let joint = "m3o8ag5xrpbe7ydkc1u6zwqn2f"

    /// A config with `transport` and the team's members and channels replaced; the token in a file.
    static func write(
        _ folder: TemporaryFolder, transport: [String: Any] = [:], members: [String] = ["mia", "sam.carter", "jonas_b"],
        salesChannel: String = sales, tokenInFile: Bool = true
    ) throws -> String {
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try "tokentokentokentokentoken1\n".write(toFile: folder.file("token"), atomically: true, encoding: .utf8)
        var section: [String: Any] = ["type": "mattermost", "serverURL": "https://chat.example.com/", "tokenFile": folder.file("token")]
        section.merge(transport) { $1 }
        if !tokenInFile { section["tokenFile"] = nil }
        let config: [String: Any] = [
            "transport": section,
            "team": [
                "timeZone": "Europe/Berlin", "salesChannel": salesChannel, "jointChannel": joint,
                "members": members.map { ["id": $0, "name": $0, "roles": ["sales"]] },
            ],
        ]
        let path = folder.file("mattermost.json")
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aGoodConfigReadsTheTokenFromItsFileAndSaysWhatItSetsUp() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let configuration = try Configuration.load(from: try Self.write(folder, transport: ["pollIntervalMilliseconds": 2500]))
        guard case .mattermost(let settings) = configuration.transport else {
            Issue.record("not mattermost")
            return
        }
        #expect(settings.serverURL == "https://chat.example.com")
        #expect(settings.token == "tokentokentokentokentoken1")
        #expect(settings.pollInterval == .milliseconds(2500))
        let summary = try ConfigCheck.summary(configuration).joined(separator: "\n")
        #expect(summary.contains("transport: Mattermost at https://chat.example.com"))
        #expect(!summary.contains(settings.token))
    }

    struct Problem: Sendable, CustomTestStringConvertible {
        let label: String
        let transport: [String: String]
        let members: [String]
        let salesChannel: String
        let key: String
        let says: String
        var testDescription: String { label }

        init(_ label: String, transport: [String: String] = [:], members: [String] = ["mia"], salesChannel: String = MattermostConfigTests.sales, key: String, says: String) {
            self.label = label
            self.transport = transport
            self.members = members
            self.salesChannel = salesChannel
            self.key = key
            self.says = says
        }
    }

    @Test(arguments: [
        Problem("a username with @", members: ["mia", "@sam"], key: "team.members[1].id", says: "without the @"),
        Problem("a display name", members: ["Sam Carter"], key: "team.members[0].id", says: "is not a Mattermost username"),
        Problem("a user id", members: ["q7wrzk1b3jrd8e9y6t5xngp4hb"], key: "team.members[0].id", says: "looks like a user id"),
        Problem("a channel name", salesChannel: "sales", key: "team.salesChannel", says: "is not a Mattermost channel id"),
        Problem("the API path in the URL", transport: ["serverURL": "https://chat.example.com/api/v4"], key: "transport.serverURL", says: "without /api/v4"),
        Problem("no scheme", transport: ["serverURL": "chat.example.com"], key: "transport.serverURL", says: "http:// or https://"),
        Problem("a token variable not set", transport: ["tokenEnv": "TANDEM_MATTERMOST_UNSET_VARIABLE"], key: "transport.tokenEnv", says: "TANDEM_MATTERMOST_UNSET_VARIABLE is not set"),
    ])
    func aBadValueIsNamedWithItsKey(_ problem: Problem) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = try Self.write(
            folder, transport: problem.transport, members: problem.members, salesChannel: problem.salesChannel,
            tokenInFile: problem.transport["tokenEnv"] == nil)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.key == problem.key, "\(error)")
        #expect(error.problem.contains(problem.says), "\(error)")
    }

    @Test func anUnknownTransportListsMattermost() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration.load(from: try Self.write(folder, transport: ["type": "mattermots"]))
        }
        #expect(error.problem.contains("mattermost"))
    }
}

extension MattermostConfigTests {
    /// The example in Config/ is valid but for the token, which is checked last: the README's starting point.
    @Test func theExampleConfigIsValidButForItsToken() throws {
        let path = TandemProcess.packageRoot.appendingPathComponent("Config/mattermost.json").path
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: path) }
        #expect(error.key == "transport.tokenEnv", "\(error)")
    }
}
