import Foundation
import TandemChat

/// One request the sender delivered to the relay, and the relay's answer.
public struct SlackDelivery: Sendable {
    /// The path posted to, e.g. `/slack/events`.
    public let path: String
    /// The body exactly as sent (after the change a `.mutated` delivery makes).
    public let body: [UInt8]
    /// The header fields as sent.
    public let headers: [HTTPField]
    /// The envelope's `event_id` (nil for `url_verification` and slash commands).
    public let eventID: String?
    /// The relay's response, whatever its status.
    public let response: HTTPClientResponse
    /// From sending the request to receiving the whole response.
    public let latency: Duration
    /// The body as signed, before any mutation: what a retry sends again.
    let signedBody: [UInt8]

    /// The relay's status code.
    public var status: Int { response.status }

    /// The relay's response body as text.
    public var responseText: String { String(decoding: response.body, as: UTF8.self) }

    /// The value of a header as sent, by case-insensitive name.
    public func sentHeader(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether Slack would count the delivery as acknowledged: a 2xx within 3 seconds (1.3; 2.2 for commands).
    public var isAcknowledgedInTime: Bool { (200..<300).contains(status) && latency < .seconds(3) }

    /// Whether the response completes Slack's URL verification for `challenge` (1.1): HTTP 200 with the challenge as
    /// plain text, as the form `challenge=…`, or as JSON `{"challenge":…}`, each according to its `Content-Type`.
    public func echoes(challenge: String) -> Bool {
        guard status == 200 else { return false }
        let type = response.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            .lowercased()
        switch type {
        case "application/json":
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            return object?["challenge"] as? String == challenge
        case "application/x-www-form-urlencoded":
            return responseText == "challenge=" + SlackPayloads.formEncoded(challenge)
        default:
            return responseText == challenge
        }
    }
}
