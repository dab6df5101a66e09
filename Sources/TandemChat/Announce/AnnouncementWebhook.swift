import Foundation
import TandemCore

/// An incoming webhook a channel's announcements (handoffs, reminders, escalations, the weekly report) are
/// posted to instead of the chat, so they reach people where they work even when commands come from elsewhere.
///
/// The URL carries the webhook's credential (Slack's and Discord's in the path, Google Chat's in the query), so it
/// is a secret: it goes only into ``HTTPClientRequest/secrets`` and never into an error or a log line.
public struct AnnouncementWebhook: Sendable, Equatable {
    /// The receiving platform: decides the payload, the escaping, the size of a part and the idempotency field.
    public enum Kind: String, Sendable, CaseIterable {
        case slack
        /// Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received").
        case teams
        case googleChat = "google-chat"
        case discord
        case mattermost
    }

    public var kind: Kind
    public var url: String

    public init(kind: Kind, url: String) {
        self.kind = kind
        self.url = url
    }

    /// The requests that post `body`, one per part; part n > 0 carries the key `key.n`, as a reply's parts do.
    /// Empty when the text shows nothing.
    public func requests(for body: RichText, key: String) -> [HTTPClientRequest] {
        AnnouncementPayload.parts(of: body, for: kind).enumerated().map { n, text in
            let partKey = n == 0 ? key : key + ".\(n)"
            return HTTPClientRequest(
                method: "POST", url: postURL(idempotencyKey: partKey),
                headers: [HTTPField("Content-Type", kind == .googleChat ? "application/json; charset=UTF-8" : "application/json")],
                body: AnnouncementPayload.body(text, for: kind), timeout: .seconds(15), secrets: secrets)
        }
    }

    /// The URL to post one part to, with the platform's query parameters.
    ///
    /// Only Google Chat documents an idempotency field (`requestId`: a repeated id returns the message already
    /// created; documented for `spaces.messages.create`, which webhook URLs call, though not confirmed for them),
    /// so only there is a resend after a crash between the post and the outbox's mark harmless. Slack,
    /// Teams, Discord and Mattermost webhooks have none: a crash at that instant posts the part twice.
    /// Discord gets `wait=true`, without which it answers 204 even for a message it did not save.
    func postURL(idempotencyKey key: String) -> String {
        let joiner = url.contains("?") ? "&" : "?"
        switch kind {
        case .googleChat:
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return url + joiner + "requestId=" + (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)
        case .discord: return url + joiner + "wait=true"
        case .slack, .teams, .mattermost: return url
        }
    }

    /// The whole URL, its path and query, and each long piece of them (a token of 16 characters or more): the
    /// redactor masks only what is listed, and a receiver's error text may echo a token without the rest of the URL.
    var secrets: [String] {
        guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else { return [url] }
        let pathAndQuery = url[slash...]
        let pieces: [String] = pathAndQuery.split { "/?&=".contains($0) }.filter { $0.count >= 16 }.map(String.init)
        return [url, String(pathAndQuery)] + pieces
    }

    /// Posts `body` and returns the key of its first part (webhooks mostly answer without a message id).
    /// - Throws: ``TransportError``, without the URL, for the outbox lane to retry or drop.
    public func post(_ body: RichText, key: String, http: any HTTPClient) async throws -> String {
        for request in requests(for: body, key: key) {
            let response: HTTPClientResponse
            do {
                response = try await http.send(request)
            } catch let error as HTTPClientError {
                throw TransportError(.transient, "the \(kind.rawValue) announcement webhook: \(Redactor(request: request).mask(error.description))")
            }
            try AnnouncementAnswer.check(response, kind: kind, redactor: Redactor(request: request))
        }
        return key
    }
}
