import Foundation
import TandemChat

/// A Teams channel's Workflows webhook ("Post to a channel when a webhook request is received"): how the relay
/// posts to Teams when no outgoing webhook is waiting for an answer (reminders, and answers that took too long).
/// The URL carries its own signature, so it is a secret: it never appears in a log or an error.
struct TeamsWorkflows: Sendable {
    let url: String
    let http: any HTTPClient

    /// Posts `text` as an Adaptive Card with one text block (the card announcements to Teams use too).
    func post(_ text: String) async throws(DeliveryFailure) {
        try await WebhookPost.send(AnnouncementWebhook.teamsCardBody(text), to: url, named: "the Workflows webhook", http: http) {
            [401, 403, 404].contains($0)
                ? .unauthorized(code: "the Workflows webhook answered \($0)")
                : .refused(code: "HTTP \($0)", hint: "Teams did not take the card (too large, over 28 KB?)")
        }
    }
}
