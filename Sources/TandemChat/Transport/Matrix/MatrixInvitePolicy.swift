/// Which invitations the bot accepts: from the listed users, into the listed rooms, or from anyone on a listed
/// server. Everything else is declined, so a stranger cannot pull the bot (and the team's campaign data) into
/// a room of theirs.
public struct MatrixInvitePolicy: Sendable, Equatable {
    public var users: Set<String>
    public var rooms: Set<String>
    /// Server names (`example.org`): any user `@…:example.org`.
    public var servers: Set<String>

    public init(users: Set<String> = [], rooms: Set<String> = [], servers: Set<String> = []) {
        self.users = users
        self.rooms = rooms
        self.servers = servers
    }

    /// Reads the config's list: `@user:server`, `!room` ids, and bare server names.
    public init(entries: [String]) {
        self.init()
        for entry in entries {
            switch entry.first {
            case "@": users.insert(entry)
            case "!": rooms.insert(entry)
            default: servers.insert(entry)
            }
        }
    }

    /// Whether an invitation by `inviter` (nil when the invite does not say) into `room` is accepted.
    public func allows(inviter: String?, room: String) -> Bool {
        if rooms.contains(room) { return true }
        guard let inviter else { return false }
        if users.contains(inviter) { return true }
        return MatrixID.server(of: inviter).map(servers.contains) ?? false
    }
}

/// Matrix user ids (`@localpart:server`).
public enum MatrixID {
    /// The server part of a user id (after the first `:`), or nil when `id` is not a user id.
    public static func server(of id: String) -> String? {
        guard id.hasPrefix("@"), let colon = id.firstIndex(of: ":"), colon > id.index(after: id.startIndex) else { return nil }
        let server = id[id.index(after: colon)...]
        return server.isEmpty ? nil : String(server)
    }

    /// Whether `id` has the form `@localpart:server`.
    public static func isUserID(_ id: String) -> Bool { server(of: id) != nil && !id.contains(where: \.isWhitespace) }

    /// The part between `@` and `:`, a readable stand-in for a display name.
    public static func localpart(of id: String) -> String {
        guard server(of: id) != nil, let colon = id.firstIndex(of: ":") else { return id }
        return String(id[id.index(after: id.startIndex)..<colon])
    }
}
