/// The JSON body of one `sendMessage`: one part of a ``TelegramRenderer`` rendering, as HTML or (the one retry after
/// Telegram could not parse it) as plain text.
struct TelegramOutgoing: Encodable {
    /// The chat id as a number: Telegram takes an integer (or `@channelusername`, which Tandem never uses).
    var chatID: Int64
    var text: String
    var parseMode: String?
    var messageThreadID: Int64?
    var replyParameters: ReplyParameters?
    /// Campaign briefs carry links; a preview card under every answer would bury the answer.
    var linkPreviewOptions = LinkPreviewOptions()

    /// The command answered: the reply quotes it, so it is clear which answer is whose and replies to different
    /// commands need not arrive in order. Sent without the reply rather than not at all if it was deleted.
    struct ReplyParameters: Encodable {
        var messageID: Int64
        var allowSendingWithoutReply = true

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case allowSendingWithoutReply = "allow_sending_without_reply"
        }
    }

    struct LinkPreviewOptions: Encodable {
        var isDisabled = true
        enum CodingKeys: String, CodingKey { case isDisabled = "is_disabled" }
    }

    /// - Parameters:
    ///   - answering: the ChatMessage id answered, `<chat id>:<message id>`; only one of this chat is replied to.
    init?(chat: String, text: String, html: Bool, thread: String?, answering: String?) {
        guard let chatID = Int64(chat) else { return nil }
        self.chatID = chatID
        self.text = text
        parseMode = html ? "HTML" : nil
        messageThreadID = thread.flatMap { Int64($0) }
        if let answering, let colon = answering.lastIndex(of: ":"), answering[..<colon] == chat,
            let id = Int64(answering[answering.index(after: colon)...])
        {
            replyParameters = ReplyParameters(messageID: id)
        }
    }

    enum CodingKeys: String, CodingKey {
        case text
        case chatID = "chat_id"
        case parseMode = "parse_mode"
        case messageThreadID = "message_thread_id"
        case replyParameters = "reply_parameters"
        case linkPreviewOptions = "link_preview_options"
    }
}
