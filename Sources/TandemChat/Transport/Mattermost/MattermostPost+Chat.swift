import TandemCore

extension MattermostPost {
    /// Whether this post is something a person typed that the bot may act on.
    ///
    /// Not the bot's own posts, nor other bots' or webhooks' (`from_bot`, `from_webhook`): answering those could
    /// let two bots talk forever. Not system posts (a `type`), nor deleted ones.
    func isCommandCandidate(ownUserID: String) -> Bool {
        type.isEmpty && deleteAt == 0 && userID != ownUserID && !fromBot && !fromWebhook
            && message.contains(where: { !$0.isWhitespace })
    }

    /// The post as the core sees it. Members are known by username (what `@mentions` use and admins know), so
    /// the sender's `userID` is their username; a post in a thread carries the thread's root, so the reply goes
    /// into the same thread.
    func chatMessage(username: String, isDirect: Bool) -> ChatMessage {
        ChatMessage(
            id: id, channel: channelID, userID: username, userName: username, text: message,
            thread: rootID.isEmpty ? nil : rootID, isDirect: isDirect)
    }
}
