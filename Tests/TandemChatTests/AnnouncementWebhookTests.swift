import Foundation
import TandemChat
import TandemCore
import TandemLoopbackTesting
import TandemTesting
import Testing

/// Each platform's announcement request, exactly, and what its answers mean for the outbox lane.
struct AnnouncementWebhookTests {
    /// A campaign name written to ping everyone on every platform, and to smuggle a link.
    static let hostile = "@channel <!here> @everyone <@U123> [x](javascript:y) **"

    /// Bold, a mention, a link, and the hostile name as plain text.
    static let handoff = RichText([
        .paragraph([
            .text("Handoff "), .bold([.text("ACME")]), .text(" to "), .mention(id: "U123", name: "Sam"), .text(": "),
            .link(title: "open", url: "https://crm.example/c/1"),
        ]),
        .paragraph([.text("Campaign: " + hostile)]),
    ])

    struct Expected: Sendable, CustomTestStringConvertible {
        var kind: AnnouncementWebhook.Kind
        var url: String
        var contentType: String
        var json: String
        var testDescription: String { kind.rawValue }
    }

    static let markdown =
        #"Handoff **ACME** to @U123: [open](https://crm.example/c/1)\nCampaign: @\u2060channel \\<\u2060!here\\> @\u2060everyone \\<\u2060@U123\\> \\[x\\](javascript:y) \\*\\*"#

    static let expectations: [Expected] = [
        Expected(
            kind: .slack, url: "https://hooks.example/services/T1/B1/s3cret", contentType: "application/json",
            json: #"{"text": "Handoff *ACME* to <@U123>: <https://crm.example/c/1|open>\nCampaign: @\u2060channel &lt;!here&gt; @\u2060everyone &lt;@U123&gt; [x](javascript:y) **"}"#),
        Expected(
            kind: .mattermost, url: "https://hooks.example/hooks/s3cret", contentType: "application/json",
            json: #"{"text": ""# + markdown + #""}"#),
        Expected(
            kind: .discord, url: "https://hooks.example/api/webhooks/1/s3cret?wait=true", contentType: "application/json",
            json: #"{"content": ""# + markdown + #"", "allowed_mentions": {"parse": []}}"#),
        Expected(
            kind: .googleChat, url: "https://hooks.example/v1/spaces/S/messages?key=k&token=s3cret&requestId=reply%3A7%3A0",
            contentType: "application/json; charset=UTF-8",
            json: #"{"text": "Handoff *ACME* to @Sam: <https://crm.example/c/1|open>\nCampaign: @\u2060channel \u2039!here\u203a @\u2060everyone \u2039@U123\u203a [x](javascript:y) **"}"#),
        Expected(
            kind: .teams, url: "https://hooks.example/workflows/s3cret", contentType: "application/json",
            json: #"""
                {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {
                  "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
                  "body": [{"type": "TextBlock", "text": "\#(markdown)", "wrap": true}]}}]}
                """#),
    ]

    static let urls: [AnnouncementWebhook.Kind: String] = [
        .slack: "https://hooks.example/services/T1/B1/s3cret", .mattermost: "https://hooks.example/hooks/s3cret",
        .discord: "https://hooks.example/api/webhooks/1/s3cret", .googleChat: "https://hooks.example/v1/spaces/S/messages?key=k&token=s3cret",
        .teams: "https://hooks.example/workflows/s3cret",
    ]

    static func webhook(_ kind: AnnouncementWebhook.Kind) -> AnnouncementWebhook {
        AnnouncementWebhook(kind: kind, url: urls[kind]!)
    }

    /// The text a request posts, wherever the platform's payload keeps it.
    static func postedText(_ request: HTTPClientRequest, kind: AnnouncementWebhook.Kind) throws -> String {
        let body = try #require(request.body)
        let json = try #require(JSONSerialization.jsonObject(with: body) as? [String: Any])
        switch kind {
        case .discord: return try #require(json["content"] as? String)
        case .teams:
            let card = try #require((json["attachments"] as? [[String: Any]])?.first?["content"] as? [String: Any])
            return try #require((card["body"] as? [[String: Any]])?.first?["text"] as? String)
        case .slack, .mattermost, .googleChat: return try #require(json["text"] as? String)
        }
    }

    /// Method, URL (with Google Chat's `requestId` and Discord's `wait`), content type and body, for each platform.
    @Test(arguments: expectations) func eachKindsExactRequest(_ expected: Expected) throws {
        let requests = Self.webhook(expected.kind).requests(for: Self.handoff, key: "reply:7:0")
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == expected.url)
        #expect(request.headers == [HTTPField("Content-Type", expected.contentType)])
        let body = try #require(request.body)
        #expect(try canonicalJSON(body) == canonicalJSON(Data(expected.json.utf8)))
        // The URL is a credential: the redactor must mask it wherever it shows.
        #expect(request.secrets.contains(Self.webhook(expected.kind).url))
    }

    /// The hostile name, as text, in bold, in code and as a link title: no platform gets a token that pings.
    @Test(arguments: AnnouncementWebhook.Kind.allCases) func aHostileNameCannotPing(_ kind: AnnouncementWebhook.Kind) throws {
        let text = RichText([
            .paragraph([.text(Self.hostile)]), .paragraph([.bold([.text(Self.hostile)])]), .paragraph([.code(Self.hostile)]),
            .paragraph([.link(title: Self.hostile, url: "https://x.example")]), .bullets([[.text("@all @here <users/all>")]]),
        ])
        let request = try #require(Self.webhook(kind).requests(for: text, key: "k").first)
        let posted = try Self.postedText(request, kind: kind)
        if kind == .discord {
            let body = try #require(request.body)
            let json = try #require(JSONSerialization.jsonObject(with: body) as? [String: Any])
            let allowed = try #require(json["allowed_mentions"] as? [String: Any])
            #expect((allowed["parse"] as? [Any])?.isEmpty == true)
        }
        for token in ["<!", "<@"] + (kind == .googleChat ? ["<users/"] : []) {
            #expect(!posted.contains(token), "\(kind): \(token) in \(posted)")
        }
        // Only the Markdown platforms make links of `[title](url)`: there, outside code, every `](` is escaped.
        if [.mattermost, .discord, .teams].contains(kind) {
            let prose = try Self.postedText(
                #require(Self.webhook(kind).requests(for: .paragraph(.text(Self.hostile), .bold([.text(Self.hostile)])), key: "k").first),
                kind: kind)
            #expect(prose.firstMatch(of: try Regex(#"(^|[^\\])\]\("#)) == nil, "\(kind): \(prose)")
        }
        let broadcast = try Regex("@(channel|here|everyone|all)\\b").ignoresCase()
        #expect(posted.firstMatch(of: broadcast) == nil, "\(kind): \(posted)")
    }

    /// Over-long texts go as parts within each platform's limit, keyed `key`, `key.1`, … (Google Chat's `requestId`).
    @Test(arguments: AnnouncementWebhook.Kind.allCases) func aLongTextGoesInParts(_ kind: AnnouncementWebhook.Kind) throws {
        let line = String(repeating: "word ", count: 199) + "end"  // 998 characters
        let text = RichText(Array(repeating: .paragraph([.text(line)]), count: 40))  // about 40,000 characters
        let requests = Self.webhook(kind).requests(for: text, key: "reply:7:0")
        // Lines of 998 characters: 4 fit Slack's 4,000, 2 Discord's 2,000, 16 Mattermost's 16,383 runes, 31 and 27
        // the JSON bytes left in Google Chat's 32,000 and Teams' 28 KB once the frame is counted.
        let expected: [AnnouncementWebhook.Kind: Int] = [.slack: 10, .discord: 20, .mattermost: 3, .googleChat: 2, .teams: 2]
        #expect(requests.count == expected[kind])
        let parts = try requests.map { try Self.postedText($0, kind: kind) }
        #expect(parts.joined(separator: "\n") == Array(repeating: line, count: 40).joined(separator: "\n"))
        let bodyLimit: [AnnouncementWebhook.Kind: Int] = [.googleChat: 32_000, .teams: 28_000]
        let textLimit: [AnnouncementWebhook.Kind: Int] = [.slack: 4_000, .discord: 2_000, .mattermost: 16_383]
        for (part, request) in zip(parts, requests) {
            #expect(part.utf16.count <= textLimit[kind] ?? .max)
            #expect((request.body?.count ?? 0) <= bodyLimit[kind] ?? .max)
        }
        if kind == .googleChat {
            #expect(requests.map { $0.url.components(separatedBy: "requestId=").last! } == (0..<requests.count).map { $0 == 0 ? "reply%3A7%3A0" : "reply%3A7%3A0.\($0)" })
        }
    }
}
