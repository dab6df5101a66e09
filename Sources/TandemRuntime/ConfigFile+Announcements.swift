import TandemChat

/// One entry of the optional `announcements` list: a channel whose messages go to an incoming webhook.
struct AnnouncementFile: Decodable {
    var channel: String
    /// `slack`, `teams`, `google-chat`, `discord` or `mattermost`.
    var kind: String
    /// Where the webhook URL is read from: it carries the webhook's credential, so never the config itself.
    var urlEnv: String?
    var urlFile: String?

    /// Channel id → webhook, checked entry by entry; errors name `announcements[i].…`, never a URL.
    static func webhooks(_ entries: [AnnouncementFile], file: String) throws -> [String: AnnouncementWebhook] {
        var webhooks: [String: AnnouncementWebhook] = [:]
        for (i, entry) in entries.enumerated() {
            let key = "announcements[\(i)]"
            guard !entry.channel.isEmpty else {
                throw ConfigurationError(file: file, key: key + ".channel", problem: "is empty")
            }
            guard webhooks[entry.channel] == nil else {
                throw ConfigurationError(file: file, key: key + ".channel", problem: "'\(entry.channel)' already has a webhook")
            }
            guard let kind = AnnouncementWebhook.Kind(rawValue: entry.kind) else {
                let known = AnnouncementWebhook.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(file: file, key: key + ".kind", problem: "unknown kind '\(entry.kind)' (known: \(known))")
            }
            guard entry.urlEnv != nil || entry.urlFile != nil else {
                throw ConfigurationError(file: file, key: key + ".urlEnv", problem: "is missing (or urlFile): where the webhook URL is")
            }
            let url = try ConfigSecret.read(
                file: file, fileKey: key + ".urlFile", path: entry.urlFile, envKey: key + ".urlEnv", env: entry.urlEnv ?? "")
            guard isAllowed(url) else {
                let source = entry.urlFile.map { "the file \($0)" } ?? "the environment variable \(entry.urlEnv ?? "")"
                throw ConfigurationError(
                    file: file, key: key + (entry.urlFile == nil ? ".urlEnv" : ".urlFile"),
                    problem: "the URL in \(source) is not https:// (http:// only to 127.0.0.1 or localhost)")
            }
            webhooks[entry.channel] = AnnouncementWebhook(kind: kind, url: url)
        }
        return webhooks
    }

    /// `https://`, or plain HTTP to this machine (a test receiver): the URL is a credential, never sent in clear.
    static func isAllowed(_ url: String) -> Bool {
        url.hasPrefix("https://") || ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/"].contains { url.hasPrefix($0) }
    }
}
