import TandemProtocol

// Protocol v1 payloads made from the endpoint's model. The payload types are TandemProtocol's, decoupled from the
// model so that the wire cannot change by accident when the model does.

extension Update {
    init(_ message: LoggedMessage) {
        self.init(
            id: String(message.id),
            channel: message.channelID,
            user: User(id: message.senderID, name: message.senderName),
            text: message.text,
            timestamp: message.timestamp,
            thread: message.thread
        )
    }
}

extension UpdatesPage {
    init(_ batch: UpdateBatch) {
        self.init(updates: batch.messages.map(Update.init), cursor: String(batch.cursor))
    }
}

extension Channel {
    /// `name` is the name the caller sees (``ChatDirectory/displayName(of:for:)``); `members` only for DMs.
    init(_ channel: ChatDirectory.Channel, name: String) {
        self.init(
            id: channel.id,
            name: name,
            kind: Kind(rawValue: channel.kind.rawValue),
            members: channel.kind == .direct ? channel.members : nil
        )
    }
}
