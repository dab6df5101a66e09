import TandemCore

extension MatrixEvent {
    /// Whether this event is a message somebody typed that the bot may act on.
    ///
    /// Only `m.text`: `m.notice` is what bots send (answering it would let two bots talk forever), and edits
    /// (`m.replace`) repeat a message already handled; acting on them would answer it twice.
    func isCommandCandidate(ownUserID: String) -> Bool {
        type == "m.room.message" && sender != ownUserID && eventID != nil && content.msgtype == "m.text"
            && content.body != nil && content.relation?.relType != "m.replace"
    }

    /// The message as the core sees it, or nil when it is not a candidate (see ``isCommandCandidate(ownUserID:)``).
    func chatMessage(room: String, ownUserID: String, isDirect: Bool) -> ChatMessage? {
        guard isCommandCandidate(ownUserID: ownUserID), let id = eventID, let body = content.body else { return nil }
        let thread = content.relation?.relType == "m.thread" ? content.relation?.eventID : nil
        // A reply (not a thread's fallback reply) quotes what it answers first: that is not the command.
        let isReply = content.relation?.inReplyTo != nil && thread == nil
        let text = Self.addressed(isReply ? Self.withoutReplyFallback(body) : body, ownUserID: ownUserID)
        return ChatMessage(
            id: id, channel: room, userID: sender, userName: MatrixID.localpart(of: sender), text: text, thread: thread,
            isDirect: isDirect)
    }

    /// `body` without the quoted lines (`> …`) and the blank line a reply starts with.
    static func withoutReplyFallback(_ body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.first?.hasPrefix(">") == true else { return body }
        while let first = lines.first, first.hasPrefix(">") { lines = lines.dropFirst() }
        if lines.first?.isEmpty == true { lines = lines.dropFirst() }
        return lines.joined(separator: "\n")
    }

    /// A message that starts with the bot's full user id (`@tandem:example.org hi`, what clients without pills
    /// send) starts with `@tandem` instead, the address ``Addressing`` knows.
    static func addressed(_ text: String, ownUserID: String) -> String {
        guard !ownUserID.isEmpty, text.lowercased().hasPrefix(ownUserID.lowercased()) else { return text }
        return "@" + MatrixID.localpart(of: ownUserID) + text.dropFirst(ownUserID.count)
    }
}
