import TandemProtocol

// The JSON of the web page's helper route, `GET /local/participants`: local to this endpoint, not part of
// protocol v1 (whose payloads are TandemProtocol's). Field names are the wire names.

/// `GET /local/participants` → the people the web page can act as, the bot, and the default channel.
struct ParticipantsPayload: Codable, Equatable {
    var participants: [ParticipantPayload]
    /// `{"id","name"}`, as the sender of an update.
    var bot: User?
    var defaultChannel: String
}

/// `{"id","name","role","token"}`: a person the web page can act as.
struct ParticipantPayload: Codable, Equatable {
    var id: String
    var name: String
    var role: String
    var token: String
    /// The page warns before acting as an admin.
    var admin: Bool
}
