/// A member of the local chat: a person trying Tandem from the web page, or the bot itself.
///
/// Every participant, bot or person, talks to the endpoint the same way: with its own
/// bearer token. The token says who posts, so the endpoint can leave a caller's own
/// messages out of its updates and show direct-message channels only to their members.
public struct LocalParticipant: Codable, Sendable, Equatable {
    /// A stable id, used as `user.id` in updates and in direct-message channel ids.
    public var id: String
    /// The display name shown with the participant's messages.
    public var name: String
    /// The bearer token this participant authenticates with.
    public var token: String
    /// A free-form role shown in the web page's picker, e.g. "Marketing" or "Sales lead".
    public var role: String
    /// Whether this participant is a bot: every person gets a direct-message channel with each bot.
    public var isBot: Bool
    /// Whether the team's config makes this person an admin: the page warns before acting as one.
    public var isAdmin: Bool

    /// Creates a participant.
    public init(id: String, name: String, token: String, role: String, isBot: Bool, isAdmin: Bool = false) {
        self.id = id
        self.name = name
        self.token = token
        self.role = role
        self.isBot = isBot
        self.isAdmin = isAdmin
    }
}
