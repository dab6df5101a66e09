import Foundation
import TandemChat

/// The two Slack Web API methods the relay calls, through the HTTP client (libcurl): `auth.test` to learn the
/// bot's own user id, `chat.postMessage` to deliver a reply.
struct SlackWebAPI: Sendable {
    /// e.g. `https://slack.com/api`, without a trailing slash.
    let baseURL: String
    let token: String
    let http: any HTTPClient

    static let hints = [
        "not_in_channel": "invite the bot to the channel (/invite @Tandem)",
        "channel_not_found": "the channel id is wrong, or the bot cannot see the channel",
        "is_archived": "the channel is archived",
    ]

    static let authCodes: Set<String> = ["not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "missing_scope"]

    /// The bot's own user id.
    func authTest() async throws(DeliveryFailure) -> String {
        struct Answer: Decodable {
            var ok: Bool
            var error: String?
            var userID: String?
            enum CodingKeys: String, CodingKey {
                case ok, error
                case userID = "user_id"
            }
        }
        let answer = try await call("auth.test", body: Data("{}".utf8), as: Answer.self)
        guard answer.ok, let user = answer.userID else { throw Self.failure(answer.error ?? "unknown_error") }
        return user
    }

    /// Posts `text` (mrkdwn) to `channel`, in the thread `threadTS` if given; returns the message's `ts`.
    func postMessage(channel: String, text: String, threadTS: String?) async throws(DeliveryFailure) -> String {
        struct Post: Encodable {
            var channel: String
            var text: String
            var threadTS: String?
            var unfurlLinks = false
            enum CodingKeys: String, CodingKey {
                case channel, text
                case threadTS = "thread_ts"
                case unfurlLinks = "unfurl_links"
            }
        }
        struct Answer: Decodable {
            var ok: Bool
            var error: String?
            var ts: String?
        }
        let body = (try? JSONEncoder().encode(Post(channel: channel, text: text, threadTS: threadTS))) ?? Data()
        let answer = try await call("chat.postMessage", body: body, as: Answer.self)
        guard answer.ok, let ts = answer.ts else { throw Self.failure(answer.error ?? "unknown_error") }
        return ts
    }

    /// Posts the answer to a slash command to its `response_url`, shown in the channel. Slack answers `200 ok`;
    /// a used-up or expired URL is refused (404). The URL itself is never part of an error.
    func respond(to url: String, text: String) async throws(DeliveryFailure) {
        let body = (try? JSONSerialization.data(withJSONObject: ["response_type": "in_channel", "text": text, "replace_original": false])) ?? Data()
        try await WebhookPost.send(body, to: url, named: "the slash command's response_url", http: http)
    }

    private static func failure(_ code: String) -> DeliveryFailure {
        if authCodes.contains(code) { return .unauthorized(code: code) }
        if ["internal_error", "fatal_error", "service_unavailable", "request_timeout"].contains(code) { return .unavailable(code) }
        if code == "ratelimited" || code == "rate_limited" { return .rateLimited(seconds: 1) }
        return .refused(code: code, hint: hints[code])
    }

    private func call<Answer: Decodable>(_ method: String, body: Data, as type: Answer.Type) async throws(DeliveryFailure) -> Answer {
        let request = HTTPClientRequest(
            method: "POST", url: baseURL + "/" + method,
            headers: [HTTPField("Authorization", "Bearer " + token), HTTPField("Content-Type", "application/json; charset=utf-8")],
            body: body, timeout: .seconds(15), secrets: [token])
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw .unavailable(error.description)
        } catch {
            throw .unavailable("cancelled")
        }
        if response.status == 429 {
            throw .rateLimited(seconds: response.header("Retry-After").flatMap(Double.init) ?? 1)
        }
        guard (200..<300).contains(response.status) else { throw .unavailable("\(method) answered \(response.status)") }
        guard let answer = try? JSONDecoder().decode(type, from: response.body) else {
            throw .unavailable("\(method) answered something that is not Slack's JSON")
        }
        return answer
    }
}

/// What `tandem check-config --probe` asks Slack.
public enum SlackProbe {
    /// The bot's Slack user id, if Slack accepts the token.
    /// - Throws: a sentence for the admin saying what Slack answered; never the token.
    public static func botUserID(_ slack: RelayConfiguration.Slack, http: any HTTPClient) async throws -> String {
        do {
            return try await SlackWebAPI(baseURL: slack.apiBaseURL, token: slack.botToken, http: http).authTest()
        } catch {
            throw RelayStartError(description: "\(error)")
        }
    }
}
