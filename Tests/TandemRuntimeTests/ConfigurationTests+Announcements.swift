import Foundation
import TandemChat
import TandemRuntime
import TandemTesting
import Testing

/// The optional `announcements` section: channels whose messages go to an incoming webhook.
extension ConfigurationTests {
    /// A Matrix bot whose `salesChannel` is announced to Slack: the channel need not be a room id, and the URL is read
    /// from its file.
    @Test func announcementsLoad() throws {
        let url = folder.file("sales-webhook")
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try "https://hooks.slack.com/services/T0/B0/x\n".write(toFile: url, atomically: true, encoding: .utf8)
        let json = Self.matrix(team: #""members": [{"id": "@sam:example.org", "name": "Sam"}], "salesChannel": "slack-sales""#)
            .dropLast() + #", "announcements": [{"channel": "slack-sales", "kind": "slack", "urlFile": "\#(url)"}, {"channel": "!ops:example.org", "kind": "google-chat", "urlEnv": "TANDEM_TEST_LOCAL_URL"}]}"#
        setenv("TANDEM_TEST_LOCAL_URL", "http://127.0.0.1:9/hook", 0)
        let configuration = try Configuration.load(from: try write(String(json)))
        #expect(configuration.announcements == [
            "slack-sales": AnnouncementWebhook(kind: .slack, url: "https://hooks.slack.com/services/T0/B0/x"),
            "!ops:example.org": AnnouncementWebhook(kind: .googleChat, url: "http://127.0.0.1:9/hook"),
        ])
        #expect(try Configuration.load(from: write(Self.matrix())).announcements.isEmpty)
    }

    static func announcing(_ entries: String) -> String {
        #"{"transport": {"type": "local", "channels": [{"id": "c", "name": "c"}]}, "team": {"members": []}, "announcements": [\#(entries)]}"#
    }

    @Test(arguments: [
        Broken(json: announcing(#"{"channel": "c", "kind": "irc", "urlEnv": "PATH"}"#), key: "announcements[0].kind",
               says: "unknown kind 'irc' (known: slack, teams, google-chat, discord, mattermost)"),
        Broken(json: announcing(#"{"channel": "c", "kind": "slack", "urlEnv": "TANDEM_NO_SUCH_VARIABLE"}"#), key: "announcements[0].urlEnv",
               says: "the environment variable TANDEM_NO_SUCH_VARIABLE is not set"),
        // PATH is set, and is not a URL: the error names the variable, never its value.
        Broken(json: announcing(#"{"channel": "c", "kind": "slack", "urlEnv": "PATH"}"#), key: "announcements[0].urlEnv",
               says: "the URL in the environment variable PATH is not https://"),
        Broken(json: announcing(#"{"channel": "c", "kind": "slack"}"#), key: "announcements[0].urlEnv", says: "is missing"),
        Broken(json: announcing(#"{"kind": "slack", "urlEnv": "PATH"}"#), key: "announcements[0].channel", says: "is missing"),
        Broken(json: announcing(#"{"channel": "c", "kind": "slack", "urlEnv": "PATH", "url": "https://x"}"#), key: "announcements[0].url",
               says: "unknown key"),
        Broken(json: announcing(#"{"channel": "c", "kind": "discord", "urlFile": "/nonexistent/tandem-hook"}"#), key: "announcements[0].urlFile",
               says: "cannot read /nonexistent/tandem-hook"),
    ])
    func aBrokenAnnouncementNamesTheKey(_ broken: Broken) throws {
        try aBrokenConfigNamesTheFileAndTheKey(broken)
        let error = try #require(throws: ConfigurationError.self) { try Configuration.load(from: write(broken.json)) }
        #expect(!error.description.contains(ProcessInfo.processInfo.environment["PATH"] ?? "-"))
    }
}
