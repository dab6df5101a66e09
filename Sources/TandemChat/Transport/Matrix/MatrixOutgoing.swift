/// The content of a message the bot sends: one part of a ``MatrixRenderer`` rendering, in a thread or not.
struct MatrixOutgoing: Encodable {
    var msgtype = MatrixMessage.msgtype
    var body: String
    var format = MatrixMessage.format
    var formattedBody: String
    /// Always present: `{}` says "no mentions", so clients do not guess them from the body.
    var mentions: Mentions
    var relation: ThreadRelation?

    init(_ message: MatrixMessage, thread: String?) {
        body = message.body
        formattedBody = message.formattedBody
        mentions = Mentions(userIDs: message.mentionedUserIDs.isEmpty ? nil : message.mentionedUserIDs)
        relation = thread.map(ThreadRelation.init(root:))
    }

    struct Mentions: Encodable {
        var userIDs: [String]?
        enum CodingKeys: String, CodingKey { case userIDs = "user_ids" }
    }

    /// A reply in a thread, with the fallback that shows it as a reply in clients without threads.
    struct ThreadRelation: Encodable {
        var relType = "m.thread"
        var eventID: String
        var isFallingBack = true
        var inReplyTo: InReplyTo

        init(root: String) {
            eventID = root
            inReplyTo = InReplyTo(eventID: root)
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
