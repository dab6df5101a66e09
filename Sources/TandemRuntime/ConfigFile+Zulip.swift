import Foundation
import TandemChat
import TandemCore

extension TransportFile {
    /// `transport.site`, `transport.email`, the API key from `tokenEnv`/`tokenFile`, `transport.defaultTopic`.
    func zulip(file: String) throws -> ZulipSettings {
        guard let site else { throw ConfigurationError(file: file, key: "transport.site", problem: "is missing (e.g. https://acme.zulipchat.com)") }
        guard site.hasPrefix("http://") || site.hasPrefix("https://") else {
            throw ConfigurationError(file: file, key: "transport.site", problem: "must start with http:// or https://")
        }
        guard let email, email.contains("@"), !email.contains(where: \.isWhitespace) else {
            throw ConfigurationError(
                file: file, key: "transport.email",
                problem: email == nil ? "is missing: the bot's email address (Zulip: Settings → Personal → Bots)" : "'\(email!)' is not an email address")
        }
        let topic = defaultTopic ?? "Tandem"
        guard !topic.trimmingCharacters(in: .whitespaces).isEmpty, topic.count <= ZulipSettings.maximumTopicLength,
            !topic.contains(where: \.isNewline)
        else {
            throw ConfigurationError(
                file: file, key: "transport.defaultTopic", problem: "must be one line of 1 to \(ZulipSettings.maximumTopicLength) characters")
        }
        let key = try ConfigSecret.read(
            file: file, fileKey: "transport.tokenFile", path: tokenFile, envKey: "transport.tokenEnv", env: tokenEnv ?? "TANDEM_TOKEN")
        return ZulipSettings(site: site.hasSuffix("/") ? String(site.dropLast()) : site, email: email, apiKey: key, defaultTopic: topic)
    }
}

extension ConfigFile {
    /// On Zulip, members are Zulip user ids (`26`) and the team's channels channel ids (`12`): names change, and
    /// Zulip hides members' email addresses from bots, so neither would match a sender for long.
    static func checkZulipIDs(_ team: Team, file: String, announced: Set<String>) throws {
        for (i, member) in team.members.enumerated() where !ZulipID.isNumeric(member.id) {
            throw ConfigurationError(
                file: file, key: "team.members[\(i)].id",
                problem: "'\(member.id)' is not a Zulip user id (a number such as 26: the member's profile card shows it as "
                    + "\"User ID\"; tandem check-config --probe names each id's person)")
        }
        for (key, channel) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let channel, !ZulipID.isNumeric(channel), !announced.contains(channel) {
                throw ConfigurationError(
                    file: file, key: key,
                    problem: "'\(channel)' is not a Zulip channel id (a number: the channel's link …/#narrow/channel/12-sales "
                        + "has it, 12; tandem check-config --probe lists the bot's channels with their ids)")
            }
        }
    }
}
