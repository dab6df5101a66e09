import Foundation
import TandemProtocol

/// What Slack's Events API posts: the envelope, and the one event it carries.
struct SlackEnvelope: Decodable {
    var type: String
    var challenge: String?
    var eventID: String?
    var apiAppID: String?
    var event: SlackEvent?

    enum CodingKeys: String, CodingKey {
        case type, challenge, event
        case eventID = "event_id"
        case apiAppID = "api_app_id"
    }
}

/// An `app_mention` or `message` event, with the fields the relay reads.
struct SlackEvent: Decodable {
    var type: String
    var subtype: String?
    var user: String?
    var botID: String?
    var text: String?
    var ts: String?
    var threadTS: String?
    var channel: String?
    var channelType: String?

    enum CodingKeys: String, CodingKey {
        case type, subtype, user, text, ts, channel
        case botID = "bot_id"
        case threadTS = "thread_ts"
        case channelType = "channel_type"
    }

    /// The update for the bot, or nil for what the bot must not see: other bots and itself, edits and other
    /// subtypes, and channel messages that do not mention it (those come as `app_mention` too, with another
    /// `event_id`: taking both would answer twice).
    func update(botUserID: String?, botName: String) -> Update? {
        guard subtype == nil, botID == nil, let user, user != botUserID, let text, let ts, let channel else { return nil }
        let direct = type == "message" && channelType == "im"
        guard type == "app_mention" || direct else { return nil }
        // Before auth.test has answered, the mention an app_mention is about is its first one.
        let bot = botUserID ?? (type == "app_mention" ? SlackText.firstMention(in: text) : nil)
        let command = SlackText.inbound(text, botUserID: bot, botName: botName, addressed: type == "app_mention")
        return Update(
            id: "slack:\(channel):\(ts)", channel: channel, user: User(id: user, name: user), text: command, timestamp: nil,
            thread: threadTS)
    }
}

/// A slash command (`/tandem campaign spring`), form-encoded.
struct SlackCommand {
    var text: String
    var user: String
    var channel: String
    var triggerID: String
    /// Where the answer goes: shown to the channel, even where the bot is not a member (5 posts in 30 minutes).
    var responseURL: String?

    init?(form body: [UInt8]) {
        let fields = FormFields(body)
        guard let user = fields["user_id"], let channel = fields["channel_id"], let trigger = fields["trigger_id"] else { return nil }
        self.text = fields["text"] ?? ""
        self.user = user
        self.channel = channel
        self.triggerID = trigger
        self.responseURL = fields["response_url"].flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
    }

    func update(botUserID: String?, botName: String) -> Update {
        Update(
            id: "slack:\(channel):\(triggerID)", channel: channel, user: User(id: user, name: user),
            text: "@\(botName) " + SlackText.inbound(text, botUserID: botUserID, botName: botName, addressed: false), timestamp: nil)
    }
}

/// `application/x-www-form-urlencoded` fields; the first of a repeated name counts.
struct FormFields {
    private var fields: [String: String] = [:]

    init(_ body: [UInt8]) {
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            if fields[name] == nil { fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : "" }
        }
    }

    subscript(name: String) -> String? { fields[name] }

    private static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Slack's message markup read back as plain text the core understands.
enum SlackText {
    /// - `<@BOT>` at the start becomes `@{botName}`; in an `app_mention` anywhere else it is removed and the
    ///   text addressed with `@{botName}` (the event itself says the bot was addressed).
    /// - `<@U123>` and `<@U123|name>` become `@U123` (members are configured by their Slack ids).
    /// - `<#C123|sales>` becomes `#sales`, `<!here>` `@here`, `<https://x|label>` `https://x`.
    /// - `&lt;` `&gt;` `&amp;` become `<` `>` `&` (Slack escapes exactly these three).
    static func inbound(_ text: String, botUserID: String?, botName: String, addressed: Bool) -> String {
        var out = ""
        var mentioned = false
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            out += unescape(rest[..<open])
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            let token = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let target = token.split(separator: "|", maxSplits: 1).first.map(String.init) ?? ""
            let label = token.split(separator: "|", maxSplits: 1).dropFirst().first.map(String.init)
            if target.hasPrefix("@") {
                let id = String(target.dropFirst())
                if let botUserID, id == botUserID {
                    if out.allSatisfy(\.isWhitespace) && !mentioned {
                        out = "@" + botName
                    }
                    mentioned = true
                } else {
                    out += "@" + id
                }
            } else if target.hasPrefix("#") {
                out += "#" + (label ?? String(target.dropFirst()))
            } else if target.hasPrefix("!") {
                out += "@" + (target.dropFirst().split(separator: "^").first.map(String.init) ?? "")
            } else {
                out += unescape(Substring(target))
            }
        }
        out += unescape(rest)
        let trimmed = out.trimmingCharacters(in: .whitespaces)
        if addressed && !trimmed.lowercased().hasPrefix("@" + botName.lowercased()) {
            return "@" + botName + " " + trimmed
        }
        return trimmed
    }

    /// The user id of the first `<@U…>` in `text`.
    static func firstMention(in text: String) -> String? {
        guard let start = text.range(of: "<@"), let end = text[start.upperBound...].firstIndex(where: { $0 == ">" || $0 == "|" }) else {
            return nil
        }
        let id = String(text[start.upperBound..<end])
        return id.isEmpty ? nil : id
    }

    private static func unescape(_ s: Substring) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
