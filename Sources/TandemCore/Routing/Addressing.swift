import Foundation

/// An incoming chat message, as every transport delivers it.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var id: String
    public var channel: String
    public var userID: String
    public var userName: String
    public var text: String
    public var thread: String?
    /// True in a conversation between one person and the bot.
    public var isDirect: Bool

    public init(
        id: String, channel: String, userID: String, userName: String, text: String, thread: String? = nil,
        isDirect: Bool = false
    ) {
        self.id = id
        self.channel = channel
        self.userID = userID
        self.userName = userName
        self.text = text
        self.thread = thread
        self.isDirect = isDirect
    }
}

/// Decides whether a message is meant for the bot, and strips the address.
public struct Addressing: Sendable, Equatable {
    /// Names the bot answers to after `@` or before `:`/`,` (lower-cased).
    public var names: [String]
    /// Prefixes that address the bot without a name, such as `!`.
    public var prefixes: [String]

    public init(names: [String] = ["tandem"], prefixes: [String] = ["!"]) {
        self.names = names.map { $0.lowercased() }
        self.prefixes = prefixes
    }

    /// The command text if `message` is addressed to the bot, else nil.
    ///
    /// `@tandem campaign x`, `tandem: campaign x`, `tandem, campaign x`, `!campaign x`, and anything in a
    /// direct message are addressed. An address alone ("@tandem") yields an empty command, answered with help.
    /// Invisible characters are dropped first (see ``InvisibleCharacters``): nothing stored from a command, no
    /// name, id or note, can hold one.
    public func command(in message: ChatMessage) -> String? {
        let text = InvisibleCharacters.removed(from: message.text).trimmingCharacters(in: .whitespacesAndNewlines)
        if let rest = stripped(text) { return rest }
        return message.isDirect ? text : nil
    }

    private func stripped(_ text: String) -> String? {
        let lower = text.lowercased()
        for name in names {
            for lead in ["@" + name, name + ":", name + ","] where lower.hasPrefix(lead) {
                let rest = text.dropFirst(lead.count)
                // "@tandemfan" is somebody else.
                if let next = rest.first, next.isLetter || next.isNumber || next == "_" || next == "-" { continue }
                return rest.drop { $0 == ":" || $0 == "," || $0.isWhitespace }.description
            }
        }
        for prefix in prefixes where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            guard let first = rest.first, first.isLetter else { continue }
            return String(rest)
        }
        return nil
    }
}
