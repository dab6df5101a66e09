import Foundation
import TandemChat

/// Why a platform did not take a reply, as the bot should act on it.
enum DeliveryFailure: Error, Equatable, CustomStringConvertible {
    /// HTTP 429: wait this many seconds.
    case rateLimited(seconds: Double)
    /// The relay's credential was refused: retrying will not help until the admin fixes it.
    case unauthorized(code: String)
    /// The platform refused this message for good (`channel_not_found`, `not_in_channel`, a 400 …).
    case refused(code: String, hint: String?)
    /// The platform could not be reached, or failed (5xx, `internal_error`): retry later.
    case unavailable(String)

    var description: String {
        switch self {
        case .rateLimited(let seconds): "rate limited: retry after \(seconds) s"
        case .unauthorized(let code): "the relay's token was refused (\(code)): check the token in the config's transport section"
        case .refused(let code, let hint): "the message was refused (\(code))" + (hint.map { ": " + $0 } ?? "")
        case .unavailable(let reason): "unavailable: \(reason)"
        }
    }
}

/// A JSON post to a webhook URL that is itself a secret (a Workflows URL, a slash command's `response_url`): never
/// in an error or a log line.
enum WebhookPost {
    /// Posts `body`; returns on 2xx, else throws what the bot should do: wait (429), retry (5xx, network), or give
    /// up on this message (any other status; `refusedWhen` may say why, e.g. a URL that is gone).
    static func send(
        _ body: Data, to url: String, named what: String, http: any HTTPClient,
        refusedWhen: (Int) -> DeliveryFailure = { .refused(code: "HTTP \($0)", hint: nil) }
    ) async throws(DeliveryFailure) {
        let response: HTTPClientResponse
        do {
            response = try await http.send(
                HTTPClientRequest(
                    method: "POST", url: url, headers: [HTTPField("Content-Type", "application/json")], body: body,
                    timeout: .seconds(15), secrets: [url]))
        } catch {
            throw .unavailable("\(what) could not be reached")
        }
        switch response.status {
        case 200..<300: return
        case 429: throw .rateLimited(seconds: response.header("Retry-After").flatMap(Double.init) ?? 5)
        case 500...: throw .unavailable("\(what) answered \(response.status)")
        default: throw refusedWhen(response.status)
        }
    }
}
