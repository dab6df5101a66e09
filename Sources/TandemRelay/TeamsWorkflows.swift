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
        let body = AnnouncementWebhook.teamsCardBody(text)
        let response: HTTPClientResponse
        do {
            response = try await http.send(
                HTTPClientRequest(
                    method: "POST", url: url, headers: [HTTPField("Content-Type", "application/json")], body: body,
                    timeout: .seconds(15), secrets: [url]))
        } catch let error as HTTPClientError {
            throw .unavailable("the Workflows webhook: \(error.kind)")
        } catch {
            throw .unavailable("cancelled")
        }
        switch response.status {
        case 200..<300: return
        case 429: throw .rateLimited(seconds: response.header("Retry-After").flatMap(Double.init) ?? 5)
        case 401, 403, 404: throw .unauthorized(code: "the Workflows webhook answered \(response.status)")
        case 500...: throw .unavailable("the Workflows webhook answered \(response.status)")
        default: throw .refused(code: "HTTP \(response.status)", hint: "Teams did not take the card (too large, over 28 KB?)")
        }
    }
}
