import Foundation
import TandemCore

/// Each platform's announcement text and request body: pure functions, tested against the exact JSON.
enum AnnouncementPayload {
    /// The texts to post, in order, each within the platform's limit (with room for the JSON around it).
    ///
    /// No text can ping a channel: Slack's renderer escapes `&<>` and defuses `@channel`; the Markdown renderer
    /// defuses `@channel`, `@all` and `@here`, and ``markdown(_:)`` breaks every `<!` and `<@` (Mattermost
    /// translates Slack's `<!channel>` even inside a code span); Google Chat's text has no `<` to start a
    /// `<users/all>`; Discord also gets `allowed_mentions` (see ``body(_:for:)``); Teams does not ping on plain text.
    static func parts(of body: RichText, for kind: AnnouncementWebhook.Kind) -> [String] {
        switch kind {
        // Slack advises 4,000 characters (it truncates past 40,000).
        case .slack: SlackRenderer(partLimit: SlackRenderer.defaultPartLimit).render(body)
        // 16,383 runes a post; a UTF-16 unit count is never below the rune count.
        case .mattermost: TextParts.split(markdown(body), limit: 16_383)
        case .discord: TextParts.split(markdown(body), limit: 2_000)
        // 32,000 bytes for the whole message; 28 KB for a Teams card, whose frame takes some 250 bytes.
        case .googleChat: TextParts.split(GoogleChatRenderer.render(body), limit: 31_000, cost: TextParts.jsonBytes)
        case .teams: TextParts.split(markdown(body), limit: 27_000, cost: TextParts.jsonBytes)
        }
    }

    /// Markdown with a word joiner after each `<` that starts `<!` or `<@`: reads the same, and no Slack-style
    /// token (`<!here>`, `<@U123>`) survives, not even in code, which the Markdown renderer keeps as typed.
    static func markdown(_ body: RichText) -> String {
        MarkdownRenderer.render(body).replacingOccurrences(of: "<!", with: "<\u{2060}!")
            .replacingOccurrences(of: "<@", with: "<\u{2060}@")
    }

    /// The JSON body that posts one part.
    static func body(_ text: String, for kind: AnnouncementWebhook.Kind) -> Data {
        let object: [String: Any] =
            switch kind {
            case .slack, .mattermost, .googleChat: ["text": text]
            // Discord's webhooks parse user mentions unless told otherwise: an empty list pings nobody.
            case .discord: ["content": text, "allowed_mentions": ["parse": [String]()]]
            case .teams: teamsCard(text)
            }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// A Workflows webhook's message: an Adaptive Card (1.4, which Teams renders) with one wrapping text block.
    static func teamsCard(_ text: String) -> [String: Any] {
        [
            "type": "message",
            "attachments": [[
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": [
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
                    "body": [["type": "TextBlock", "text": text, "wrap": true]],
                ] as [String: Any],
            ]],
        ]
    }
}

extension AnnouncementWebhook {
    /// The body of a Teams Workflows post of `text`: also what the relay posts to a Teams channel.
    public static func teamsCardBody(_ text: String) -> Data {
        AnnouncementPayload.body(text, for: .teams)
    }
}
