import Foundation

/// A message the fake accepted through `chat.postMessage`, as the relay sent it.
public struct SlackPost: Sendable {
    /// The `channel` field.
    public let channel: String
    /// The `text` field, verbatim: tests assert the relay's escaping (`&amp;`, `&lt;`, `&gt;`) and the absence of
    /// `<!channel>`, `<!here>` and `<!everyone>` on it.
    public let text: String
    /// The `thread_ts` field, when the post is a thread reply.
    public let threadTS: String?
    /// The `ts` the fake gave the message (its id in the channel).
    public let ts: String
    /// The request body byte for byte, for fields the fake does not interpret (`mrkdwn`, `unfurl_links`, `blocks`…).
    public let rawBody: [UInt8]

    /// The body as a JSON object, to read the fields the fake ignores.
    public func bodyObject() -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(rawBody))) as? [String: Any]
    }
}

/// A message the fake accepted at a slash command's `response_url`.
public struct SlackResponseURLPost: Sendable {
    /// The id in the URL (`/commands/<id>`).
    public let id: String
    /// The `text` field, verbatim.
    public let text: String
    /// The `response_type` field as sent (nil when absent, which Slack treats as `ephemeral`).
    public let responseType: String?
    /// The `thread_ts` field.
    public let threadTS: String?
    /// The `replace_original` field as sent; Slack's docs show it as the string `"false"`, so both a string and a
    /// JSON boolean are kept as text.
    public let replaceOriginal: String?
    /// The request body byte for byte.
    public let rawBody: [UInt8]

    /// Whether only the invoking user sees the message: Slack's default when `response_type` is absent.
    public var isEphemeral: Bool { (responseType ?? "ephemeral") == "ephemeral" }
}
