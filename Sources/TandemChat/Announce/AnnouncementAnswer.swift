import Foundation

/// What a webhook's answer means for the outbox lane that sent the announcement.
enum AnnouncementAnswer {
    /// Throws unless the status is 2xx.
    ///
    /// 401, 403 and 404 are a wrong, revoked or deleted webhook URL. They are `.rejected`, not `.unauthorized`:
    /// `.unauthorized` stops the whole bot (its chat token is bad), while a dead webhook should only cost its own
    /// announcements, each dropped by the lane with a log line that says to fix the URL.
    static func check(_ response: HTTPClientResponse, kind: AnnouncementWebhook.Kind, redactor: Redactor) throws(TransportError) {
        let what = "the \(kind.rawValue) announcement webhook"
        switch response.status {
        case 200..<300: return
        case 429:
            let wait = retryAfter(response, kind: kind)
            throw TransportError(.rateLimited(retryAfter: wait), "\(what): rate limited, retry after \(wait) s")
        case 500...:
            throw TransportError(.transient, "\(what): server error \(response.status)\(reason(response, redactor))")
        case 401, 403, 404, 410:
            throw TransportError(
                .rejected(status: response.status),
                "\(what) answered \(response.status)\(reason(response, redactor)): is its URL wrong or revoked?")
        default:
            throw TransportError(.rejected(status: response.status), "\(what) refused the post with \(response.status)\(reason(response, redactor))")
        }
    }

    /// Discord's JSON `retry_after` (float seconds) first, then the `Retry-After` header, else 5 s.
    static func retryAfter(_ response: HTTPClientResponse, kind: AnnouncementWebhook.Kind) -> Double {
        struct DiscordLimit: Decodable {
            var retryAfter: Double
            enum CodingKeys: String, CodingKey { case retryAfter = "retry_after" }
        }
        if kind == .discord, let limit = try? JSONDecoder().decode(DiscordLimit.self, from: response.body) {
            return limit.retryAfter
        }
        return response.header("Retry-After").flatMap(Double.init) ?? 5
    }

    /// `: ` and the start of the answer (Slack's `channel_not_found`, a Google error message), masked.
    private static func reason(_ response: HTTPClientResponse, _ redactor: Redactor) -> String {
        let text = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + redactor.mask(text)
    }
}
