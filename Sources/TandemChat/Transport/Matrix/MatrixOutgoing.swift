/// The content of a message the bot sends: one part of a ``MatrixRenderer`` rendering, in a thread or not.
struct MatrixOutgoing: Encodable {
    var msgtype = MatrixMessage.msgtype
    var body: String
    var format = MatrixMessage.format
    var formattedBody: String
    /// Always present: `{}` says "no mentions", so clients do not guess them from the body.
    var mentions: Mentions
    var relation: Relation?

    /// - Parameters:
    ///   - thread: the thread's root, to reply in the thread;
    ///   - answering: the command answered: the reply names it (`m.in_reply_to`), so clients show which message
    ///     it answers, and replies to different commands need not arrive in order.
    init(_ message: MatrixMessage, thread: String?, answering: String? = nil) {
        body = message.body
        formattedBody = message.formattedBody
        mentions = Mentions(userIDs: message.mentionedUserIDs.isEmpty ? nil : message.mentionedUserIDs)
        if let thread {
            relation = Relation(thread: thread, inReplyTo: answering ?? thread)
        } else {
            relation = answering.map { Relation(thread: nil, inReplyTo: $0) }
        }
    }

    struct Mentions: Encodable {
        var userIDs: [String]?
        enum CodingKeys: String, CodingKey { case userIDs = "user_ids" }
    }

    /// A reply to a message; in a thread, with the thread's relation and the fallback that shows it as a reply in
    /// clients without threads (`is_falling_back`).
    struct Relation: Encodable {
        var relType: String?
        var eventID: String?
        var isFallingBack: Bool?
        var inReplyTo: InReplyTo

        init(thread: String?, inReplyTo: String) {
            relType = thread == nil ? nil : "m.thread"
            eventID = thread
            isFallingBack = thread == nil ? nil : true
            self.inReplyTo = InReplyTo(eventID: inReplyTo)
        }

        struct InReplyTo: Encodable {
            var eventID: String
            enum CodingKeys: String, CodingKey { case eventID = "event_id" }
        }

        enum CodingKeys: String, CodingKey {
            case relType = "rel_type"
            case eventID = "event_id"
            case isFallingBack = "is_falling_back"
            case inReplyTo = "m.in_reply_to"
        }
    }

    enum CodingKeys: String, CodingKey {
        case msgtype, body, format
        case formattedBody = "formatted_body"
        case mentions = "m.mentions"
        case relation = "m.relates_to"
    }
}
