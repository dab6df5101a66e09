import TandemChat
import TandemCore

extension TransportFile {
    /// `transport` with `type: "telegram"`: the token from `tokenFile` or `tokenEnv` (default `TANDEM_TOKEN`),
    /// an optional `apiBaseURL`.
    func telegram(file: String) throws -> TelegramSettings {
        let base = apiBaseURL ?? TelegramSettings.defaultAPIBaseURL
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ConfigurationError(file: file, key: "transport.apiBaseURL", problem: "must start with http:// or https://")
        }
        let token = try ConfigSecret.read(
            file: file, fileKey: "transport.tokenFile", path: tokenFile, envKey: "transport.tokenEnv", env: tokenEnv ?? "TANDEM_TOKEN")
        // `123456789:AAH…`: the bot's id, a colon, the secret. Checked here so a pasted URL or a missing half is named
        // at once; the value itself never appears in the problem.
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, Int64(parts[0]) != nil, !parts[1].isEmpty, !token.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw ConfigurationError(
                file: file, key: tokenFile != nil ? "transport.tokenFile" : "transport.tokenEnv",
                problem: "the token does not look like a Telegram bot token (digits, a colon, then letters: what @BotFather shows)")
        }
        return TelegramSettings(apiBaseURL: base.hasSuffix("/") ? String(base.dropLast()) : base, token: token)
    }
}

extension ConfigFile {
    /// On Telegram, members are numeric user ids (`from.id`) and the team's channels numeric chat ids (groups are
    /// negative, `-1001234567890`): a username would never match a sender, and the bot posts only by chat id.
    static func checkTelegramIDs(_ team: Team, file: String, announced: Set<String>) throws {
        for (i, member) in team.members.enumerated() where !TelegramRenderer.isUserID(member.id) {
            throw ConfigurationError(
                file: file, key: "team.members[\(i)].id",
                problem: "'\(member.id)' is not a Telegram user id: a number such as 123456789, not a @username "
                    + "(run the bot with --log-level info and let them send /start to it: the 'handled' line shows user=<id>)")
        }
        for (key, chat) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let chat, Int64(chat) == nil, !announced.contains(chat) {
                throw ConfigurationError(
                    file: file, key: key,
                    problem: "'\(chat)' is not a Telegram chat id: a number, negative for groups (e.g. -1001234567890; "
                        + "with --log-level info the 'handled' line of a command sent there shows message=<chat id>:<message id>)")
            }
        }
    }
}
