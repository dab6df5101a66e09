/// Who takes part in the local chat and which channels each participant can see.
///
/// Built once from a ``LocalEndpointConfiguration`` and immutable afterwards, so the
/// HTTP layer can authenticate callers without hopping onto the ``ChatRoom`` actor.
struct ChatDirectory: Sendable {
    /// A channel as the endpoint knows it: a configured public channel or a derived DM.
    struct Channel: Sendable, Equatable {
        enum Kind: String, Sendable {
            case channel
            case direct
        }

        let id: String
        let name: String
        let kind: Kind
        /// The two members of a direct-message channel; empty for public channels.
        let members: [String]
    }

    /// All participants in configuration order.
    let participants: [LocalParticipant]
    /// Public channels first (in configuration order), then direct-message channels.
    let channels: [Channel]
    /// Where posts without a `channel` go: the first configured public channel.
    let defaultChannelID: String

    private let participantsByToken: [String: LocalParticipant]
    private let participantsByID: [String: LocalParticipant]
    private let channelsByID: [String: Channel]

    /// Validates the configuration and derives the direct-message channels.
    /// - Throws: ``LocalEndpointError`` naming the first problem found.
    init(configuration: LocalEndpointConfiguration) throws(LocalEndpointError) {
        guard let firstChannel = configuration.channels.first else {
            throw LocalEndpointError("configure at least one public channel")
        }
        var byToken: [String: LocalParticipant] = [:]
        var byID: [String: LocalParticipant] = [:]
        for participant in configuration.participants {
            guard !participant.id.isEmpty, !participant.token.isEmpty else {
                throw LocalEndpointError("participant \"\(participant.name)\" needs a non-empty id and token")
            }
            guard byID.updateValue(participant, forKey: participant.id) == nil else {
                throw LocalEndpointError("duplicate participant id \"\(participant.id)\"")
            }
            // The token itself is not named: error messages end up in logs.
            guard byToken.updateValue(participant, forKey: participant.token) == nil else {
                throw LocalEndpointError("participant \"\(participant.id)\" shares its token with another participant")
            }
        }

        var channels = configuration.channels.map {
            Channel(id: $0.id, name: $0.name, kind: .channel, members: [])
        }
        let bots = configuration.participants.filter(\.isBot)
        for person in configuration.participants where !person.isBot {
            for bot in bots {
                channels.append(
                    Channel(
                        id: "dm-\(person.id)-\(bot.id)",
                        name: "\(person.name) and \(bot.name)",
                        kind: .direct,
                        members: [person.id, bot.id]
                    )
                )
            }
        }
        var byChannelID: [String: Channel] = [:]
        for channel in channels {
            guard !channel.id.isEmpty else {
                throw LocalEndpointError("channel \"\(channel.name)\" needs a non-empty id")
            }
            guard byChannelID.updateValue(channel, forKey: channel.id) == nil else {
                throw LocalEndpointError("duplicate channel id \"\(channel.id)\"")
            }
        }

        self.participants = configuration.participants
        self.channels = channels
        self.defaultChannelID = firstChannel.id
        self.participantsByToken = byToken
        self.participantsByID = byID
        self.channelsByID = byChannelID
    }

    /// The participant a bearer token belongs to, if any.
    func participant(token: String) -> LocalParticipant? {
        participantsByToken[token]
    }

    /// The participant with this id, if any.
    func participant(id: String) -> LocalParticipant? {
        participantsByID[id]
    }

    /// The channel with this id if `participantID` may see it. Someone else's DM is
    /// reported as missing, so callers cannot probe for it.
    func channel(id: String, visibleTo participantID: String) -> Channel? {
        guard let channel = channelsByID[id], channel.isVisible(to: participantID) else { return nil }
        return channel
    }

    /// Whether `participantID` may read and post in `channelID`.
    func canSee(_ participantID: String, channelID: String) -> Bool {
        channel(id: channelID, visibleTo: participantID) != nil
    }

    /// The channels `participantID` can see, public ones first.
    func channels(visibleTo participantID: String) -> [Channel] {
        channels.filter { $0.isVisible(to: participantID) }
    }

    /// The name a viewer sees for a channel: for a DM, the other member's name
    /// (as in Slack), for a public channel its configured name.
    func displayName(of channel: Channel, for viewerID: String) -> String {
        guard channel.kind == .direct,
            let otherID = channel.members.first(where: { $0 != viewerID }),
            let other = participantsByID[otherID]
        else { return channel.name }
        return other.name
    }
}

extension ChatDirectory.Channel {
    func isVisible(to participantID: String) -> Bool {
        kind == .channel || members.contains(participantID)
    }
}
