import Foundation
import TandemProtocol

/// A Teams outgoing webhook's request: a Bot Framework activity, with the fields the relay reads.
struct TeamsActivity: Decodable {
    struct From: Decodable {
        var id: String
        var name: String?
        var aadObjectId: String?
    }

    struct Conversation: Decodable {
        var id: String
    }

    struct ChannelData: Decodable {
        var teamsChannelId: String?
        struct Channel: Decodable { var id: String? }
        var channel: Channel?
    }

    var type: String
    var id: String
    var from: From
    var conversation: Conversation
    var text: String?
    var channelData: ChannelData?

    /// The update for the bot. The channel is the Teams channel (`19:…@thread.skype`); the thread is the post the
    /// webhook was mentioned under (`;messageid=` of the conversation id). Members are known by their Azure AD
    /// object id where Teams sends it, else by their Teams id.
    func update(botName: String) -> Update? {
        guard type == "message", let text else { return nil }
        let parts = conversation.id.components(separatedBy: ";messageid=")
        let channel = channelData?.teamsChannelId ?? channelData?.channel?.id ?? parts[0]
        let user = from.aadObjectId ?? from.id
        return Update(
            id: "teams:\(id)", channel: channel, user: User(id: user, name: from.name ?? user),
            text: TeamsText.inbound(text, botName: botName), timestamp: nil, thread: parts.count > 1 ? parts[1] : nil)
    }
}

/// Teams' message text read back as plain text.
enum TeamsText {
    /// The first `<at>…</at>` is the webhook's own name (it fires only when mentioned): it becomes `@{botName}`.
    /// Other mentions become `@Name`, HTML entities and tags Teams adds are undone.
    static func inbound(_ text: String, botName: String) -> String {
        var out = ""
        var rest = Substring(text)
        var first = true
        while let open = rest.range(of: "<at>"), let close = rest[open.upperBound...].range(of: "</at>") {
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound]
            if first && out.allSatisfy(\.isWhitespace) {
                out = "@" + botName
            } else {
                out += "@" + name
            }
            first = false
            rest = rest[close.upperBound...]
        }
        out += rest
        return decodeEntities(withoutTags(out)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withoutTags(_ s: String) -> String {
        guard s.contains("<") else { return s }
        var out = ""
        var inTag = false
        for c in s {
            if c == "<" { inTag = true } else if c == ">" && inTag { inTag = false } else if !inTag { out.append(c) }
        }
        return out
    }

    private static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
