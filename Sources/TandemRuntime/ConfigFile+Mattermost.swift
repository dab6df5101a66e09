import Foundation
import TandemCore

extension TransportFile {
    /// `transport.type: "mattermost"`: `serverURL`, the token from `tokenFile` or `tokenEnv` (default
    /// `TANDEM_TOKEN`), and optionally `pollIntervalMilliseconds`.
    func mattermost(file: String) throws -> MattermostSettings {
        guard let serverURL else { throw ConfigurationError(file: file, key: "transport.serverURL", problem: "is missing") }
        guard serverURL.hasPrefix("http://") || serverURL.hasPrefix("https://"), !serverURL.contains("/api/v4") else {
            throw ConfigurationError(
                file: file, key: "transport.serverURL",
                problem: "must be the server's address, starting with http:// or https:// (e.g. https://chat.example.com, without /api/v4)")
        }
        var interval = Duration.seconds(1)
        if let milliseconds = pollIntervalMilliseconds {
            guard (100...60_000).contains(milliseconds) else {
                throw ConfigurationError(file: file, key: "transport.pollIntervalMilliseconds", problem: "must be between 100 and 60000")
            }
            interval = .milliseconds(milliseconds)
        }
        let token = try ConfigSecret.read(
            file: file, fileKey: "transport.tokenFile", path: tokenFile, envKey: "transport.tokenEnv", env: tokenEnv ?? "TANDEM_TOKEN")
        var settings = MattermostSettings(serverURL: serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL, token: token)
        settings.pollInterval = interval
        return settings
    }
}

extension ConfigFile {
    /// On Mattermost, members are usernames (`sam`, what `@sam` mentions and admins know) and the team's channels
    /// are channel ids (26 characters): a display name would never match a sender, and a reminder to `sales`
    /// would never arrive.
    static func checkMattermostIDs(_ team: Team, file: String, announced: Set<String>) throws {
        for (i, member) in team.members.enumerated() {
            if let problem = MattermostNames.usernameProblem(member.id) {
                throw ConfigurationError(file: file, key: "team.members[\(i)].id", problem: problem)
            }
        }
        for (key, channel) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let channel, !MattermostNames.isChannelID(channel), !announced.contains(channel) {
                throw ConfigurationError(
                    file: file, key: key,
                    problem: "'\(channel)' is not a Mattermost channel id (26 letters and digits: the channel's menu → View Info, "
                        + "or `tandem check-config --probe`, which lists the bot's channels)")
            }
        }
    }
}

/// What Mattermost accepts as usernames and channel ids.
enum MattermostNames {
    /// Why `name` is not a Mattermost username, or nil when it is one: the server's rule (lowercase letters,
    /// digits, `.`, `-`, `_`; 1 to 64 characters). The web app's stricter 3 to 22 is not required: accounts made
    /// through the API or LDAP may be longer.
    static func usernameProblem(_ name: String) -> String? {
        let example = "(the username, as in @sam: Profile → Username)"
        if name.hasPrefix("@") {
            return "'\(name)': write the Mattermost username without the @ \(example)"
        }
        if isChannelID(name) {
            return "'\(name)' looks like a user id; use the username instead \(example)"
        }
        guard (1...64).contains(name.unicodeScalars.count),
            name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) })
        else {
            return "'\(name)' is not a Mattermost username: up to 64 lowercase letters, digits, '.', '-' and '_' " + example
        }
        return nil
    }

    /// Mattermost ids: 26 characters of lowercase letters and digits.
    static func isChannelID(_ id: String) -> Bool {
        id.unicodeScalars.count == 26 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
