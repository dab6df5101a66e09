import Foundation
import TandemCore

/// How Zulip's people and places are named in Tandem: members by Zulip user id, channels by channel (stream) id,
/// direct conversations by the ids of the people in them.
///
/// Ids, not names or emails: a channel keeps its id when it is renamed, and Zulip hides members' real email
/// addresses from bots unless the organisation shows them to everyone, so an email in the config would never
/// match a sender.
public enum ZulipID {
    /// Whether `id` is a Zulip user or channel id: a positive decimal number such as `26`.
    public static func isNumeric(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 18 && id.allSatisfy { $0.isASCII && $0.isNumber } && id.first != "0"
    }

    /// The channel id of a direct conversation: `dm:` and the ids of its people other than the bot, ascending.
    public static func directChannel(with people: [Int]) -> String {
        "dm:" + people.sorted().map(String.init).joined(separator: ",")
    }

    /// The people of a direct conversation's channel id; nil for a channel (stream) id.
    public static func people(ofDirectChannel channel: String) -> [Int]? {
        guard channel.hasPrefix("dm:") else { return nil }
        let ids = channel.dropFirst(3).split(separator: ",").compactMap { Int($0) }
        return ids.isEmpty ? nil : ids
    }
}

extension ZulipMessage {
    /// The message as the core sees it; nil for the bot's own messages.
    ///
    /// - A channel message's channel is its channel id and its thread the topic: replies go to the same topic.
    /// - A direct message's channel is `dm:` with the other people's ids; it is direct (needs no address) when it
    ///   is between one person and the bot.
    /// - Mentions in the text become what ``Addressing`` and member lookups read: see ``plainMentions(_:ownUserID:ownName:addressName:)``.
    func chatMessage(ownUserID: Int, ownName: String, addressName: String) -> ChatMessage? {
        guard senderID != ownUserID else { return nil }
        let text = Self.plainMentions(content, ownUserID: ownUserID, ownName: ownName, addressName: addressName)
        let name = senderFullName ?? String(senderID)
        if type == "private" {
            var others = Set(recipients.map(\.id))
            others.remove(ownUserID)
            others.insert(senderID)
            return ChatMessage(
                id: String(id), channel: ZulipID.directChannel(with: Array(others)), userID: String(senderID), userName: name,
                text: text, isDirect: others.count == 1)
        }
        guard let streamID else { return nil }
        return ChatMessage(
            id: String(id), channel: String(streamID), userID: String(senderID), userName: name, text: text,
            thread: subject ?? "")
    }

    /// Zulip's mentions of everyone in a channel or topic.
    static let wildcards: Set<String> = ["all", "everyone", "channel", "stream", "topic"]

    /// Zulip's typed mentions as the words Tandem understands: the bot's own (`@**Tandem**`, `@**Tandem|42**`,
    /// silent `@_**…**`) becomes `@tandem` (the address ``Addressing`` knows); another person's with an id
    /// (`@**Sam Carter|26**`) becomes `@26`, their member id; one without (`@**Sam Carter**`, what Zulip's
    /// autocomplete writes when the name is unique) becomes `"@Sam Carter"`, one quoted word for the member lookup.
    /// Wildcards (`@**all**`) stay as typed.
    static func plainMentions(_ text: String, ownUserID: Int, ownName: String, addressName: String) -> String {
        guard text.contains("@") else { return text }
        var out = ""
        var rest = Substring(text)
        while let at = rest.firstIndex(of: "@") {
            out += rest[..<at]
            var after = rest[rest.index(after: at)...]
            if after.first == "_" { after = after.dropFirst() }
            guard after.hasPrefix("**"), let end = after.dropFirst(2).range(of: "**") else {
                out.append("@")
                rest = rest[rest.index(after: at)...]
                continue
            }
            let inner = after[after.index(after.startIndex, offsetBy: 2)..<end.lowerBound]
            var name = Substring(inner)
            var id: Int?
            if let bar = inner.lastIndex(of: "|"), let number = Int(inner[inner.index(after: bar)...]) {
                id = number
                name = inner[..<bar]
            }
            if id == nil && Self.wildcards.contains(String(name)) {
                // Not a person: kept as typed (a reply that echoes it defuses it).
                out += rest[at..<end.upperBound]
            } else if id == ownUserID || (id == nil && name.lowercased() == ownName.lowercased()) {
                out += "@" + addressName
            } else if let id {
                out += "@\(id)"
            } else if name.contains(where: \.isWhitespace) {
                out += "\"@" + name + "\""
            } else {
                out += "@" + name
            }
            rest = after[end.upperBound...]
        }
        return out + rest
    }
}
