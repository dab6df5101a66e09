import TandemCore

extension TelegramIncoming {
    /// The message as the core sees it, or nil when the bot must not act on it: no text (a photo, a join), sent by
    /// the bot itself or by another bot (two bots answering each other would never stop), or on behalf of a chat
    /// (a channel post forwarded into a group, an anonymous admin: nobody the team config can name).
    ///
    /// - id: `<chat id>:<message id>`, since message ids count per chat; the outbox key `reply:<id>:<n>` stays
    ///   unique, and ``TelegramOutgoing`` reads the message id back from after the last colon.
    /// - thread: `message_thread_id` in a forum topic only (elsewhere it names a reply chain, not a place to answer).
    /// - text: addressed in the form ``Addressing`` knows, see ``addressed(_:botUsername:addressAs:isReplyToBot:)``.
    func chatMessage(bot: TelegramUser, addressAs: String) -> ChatMessage? {
        guard let text, let from, !from.isBot, from.id != bot.id, senderChat == nil else { return nil }
        let isDirect = chat.type == "private"
        return ChatMessage(
            id: "\(chat.id):\(messageID)", channel: String(chat.id), userID: String(from.id), userName: from.displayName,
            text: Self.addressed(text, botUsername: bot.username ?? "", addressAs: addressAs, isReplyToBot: replyToFrom?.id == bot.id),
            thread: isTopicMessage == true ? messageThreadID.map { String($0) } : nil, isDirect: isDirect)
    }

    /// Rewrites the ways people address a bot on Telegram into `addressAs` (`@tandem`, from the config's first bot
    /// name), so the one ``Addressing`` of every transport recognises them:
    ///
    /// - `/campaign spring` and `/campaign@TandemBot spring` → `@tandem campaign spring`. In a group with privacy
    ///   mode on (the default) commands are what the bot sees; `/start` and `/help` (what Telegram's clients offer)
    ///   ask for help. `/campaign@OtherBot` is for another bot and stays as it is.
    /// - `@TandemBot campaign spring` → `@tandem campaign spring` (any case: usernames are case-insensitive).
    /// - A reply to one of the bot's messages is addressed to it, as Telegram shows it.
    static func addressed(_ text: String, botUsername: String, addressAs: String, isReplyToBot: Bool) -> String {
        let username = botUsername.lowercased()
        if text.hasPrefix("/") {
            let word = text.dropFirst().prefix { !$0.isWhitespace }
            var command = Substring(word)
            if let at = word.firstIndex(of: "@") {
                guard !username.isEmpty, word[word.index(after: at)...].lowercased() == username else { return text }
                command = word[..<at]
            }
            guard let first = command.first, first.isLetter else { return text }
            let rest = text.dropFirst(1 + word.count)
            let name = ["start", "help"].contains(command.lowercased()) ? "help" : String(command)
            return addressAs + " " + name + rest
        }
        if !username.isEmpty, text.lowercased().hasPrefix("@" + username) {
            let rest = text.dropFirst(1 + username.count)
            if let next = rest.first, next.isLetter || next.isNumber || next == "_" { return text }
            return addressAs + rest
        }
        return isReplyToBot ? addressAs + " " + text : text
    }
}
