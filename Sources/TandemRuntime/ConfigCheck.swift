import Foundation
import TandemChat
import TandemCore
import TandemProtocol
import TandemRelay

/// `tandem check-config`: what a valid configuration sets up, in words an admin can check against what they
/// meant; and with `--probe`, what the bot sees when it logs in.
public enum ConfigCheck {
    /// Lines describing the configuration. Reading the seed campaigns is part of the check: a broken file would
    /// otherwise only show on the first start.
    /// - Throws: `ConfigurationError` naming the file and the problem.
    public static func summary(_ configuration: Configuration) throws -> [String] {
        var lines: [String] = []
        switch configuration.transport {
        case .local(let local):
            lines.append("transport: local chat endpoint on \(local.host):\(local.port), channels \(local.channels.map(\.id).joined(separator: ", "))")
        case .webhook(let webhook):
            lines.append("transport: webhook chat protocol v1 at \(Redactor.shown(webhook.baseURL)), token read")
        case .relay(let relay):
            lines.append("transport: relay on \(relay.host):\(relay.port)")
            if let slack = relay.slack {
                lines.append("  Slack: events at /slack/events, commands at /slack/commands, API \(Redactor.shown(slack.apiBaseURL)), signing secret and bot token read")
            }
            if let teams = relay.teams {
                lines.append(
                    "  Teams: outgoing webhook at /teams/webhook, security token read, answers waited for \(teams.replyWait); "
                        + (teams.workflowURL == nil ? "no Workflows webhook (reminders and late answers cannot reach Teams)" : "Workflows webhook read"))
            }
        case .matrix(let matrix):
            let login = switch matrix.credentials {
            case .accessToken: "access token read"
            case .password(let user, _, let device): "password login as \(user), device \(device)"
            }
            lines.append("transport: Matrix at \(Redactor.shown(matrix.homeserver)), \(login)")
            let invites = matrix.invites
            let allowed = (invites.users.sorted() + invites.rooms.sorted() + invites.servers.sorted().map { "anyone on \($0)" })
            lines.append("invitations accepted from: " + (allowed.isEmpty ? "nobody (the bot only works in rooms it has joined)" : allowed.joined(separator: ", ")))
        case .telegram(let telegram):
            lines.append("transport: Telegram Bot API at \(Redactor.shown(telegram.apiBaseURL)), bot token read (getUpdates long polling)")
        case .zulip(let zulip):
            lines.append("transport: Zulip at \(Redactor.shown(zulip.site)) as \(zulip.email), API key read")
            lines.append("notices that start a conversation go to the topic '\(zulip.defaultTopic)'")
        case .mattermost(let mattermost):
            lines.append("transport: Mattermost at \(Redactor.shown(mattermost.serverURL)), personal access token read, channels listed every \(mattermost.pollInterval)")
        }
        let team = configuration.team
        lines.append("team: \(team.members.count) members, time zone \(team.timeZone)")
        for member in team.members {
            let roles = member.roles.map(\.rawValue).sorted().joined(separator: ", ")
            lines.append("  \(member.id): \(member.name), \(roles.isEmpty ? "no role" : roles), \(member.language.rawValue), \(member.timeZone)")
        }
        lines.append("sales channel: \(team.salesChannel ?? "none (handoff announcements and reminders stay in the channel they came from)")")
        lines.append("joint channel: \(team.jointChannel ?? "none (no weekly report)")")
        // The kind only: the URL is the webhook's credential.
        for (channel, webhook) in configuration.announcements.sorted(by: { $0.key < $1.key }) {
            lines.append("announcements: \(channel) → a \(webhook.kind.rawValue) incoming webhook (URL read)")
        }
        if let path = configuration.seedCampaigns {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(file: configuration.file, key: "seedCampaigns", problem: "cannot read \(path)")
            }
            do {
                let campaigns = try JSONDecoder().decode([Campaign].self, from: data)
                lines.append("seed campaigns: \(campaigns.count) from \(path) (used on the first start only)")
            } catch {
                throw ConfigurationError(file: path, decoding: error)
            }
        }
        return lines
    }

    /// Logs in as the bot and lists where it can talk, with a warning for each configured channel it cannot
    /// reach. Lines starting with `warning:` are problems the admin should fix.
    /// - Throws: `TransportError` when the chat cannot be reached or refuses the credentials.
    public static func probe(_ configuration: Configuration) async throws -> [String] {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        var lines: [String] = []
        let reachable: Set<String>
        switch configuration.transport {
        case .local:
            return ["probe: nothing to probe: the local chat endpoint runs inside tandem itself"]
        case .webhook(let webhook):
            let transport = WebhookTransport(configuration: .init(baseURL: webhook.baseURL, token: webhook.token), http: http)
            let channels = try await transport.channels()
            lines.append("probe: the endpoint accepted the token; \(channels.count) channels:")
            lines += channels.map { "  \($0.id)" + ($0.name.map { " (\($0))" } ?? "") + ($0.kind == .direct ? ", direct" : "") }
            reachable = Set(channels.map(\.id))
        case .relay(let relay):
            if let slack = relay.slack {
                let user = try await SlackProbe.botUserID(slack, http: http)
                lines.append("probe: Slack accepted the bot token; the bot is \(user)")
            }
            if relay.teams != nil {
                lines.append("probe: Teams cannot be probed (an outgoing webhook only answers); mention it in a channel to try it")
            }
            // Slack lists channels only with more scopes than the bot needs: the configured ones are not checked.
            return lines
        case .matrix(let matrix):
            let transport = MatrixTransport(
                configuration: .init(homeserver: matrix.homeserver, credentials: matrix.credentials, invites: matrix.invites), http: http)
            let session = try await transport.connect()
            let rooms = try await transport.joinedRooms()
            lines.append("probe: logged in as \(session.userID); joined \(rooms.count) rooms:")
            lines += rooms.map { "  \($0.id)" + ($0.name.map { " (\($0))" } ?? "") + ", \($0.members) members" + ($0.members == 2 ? ", direct" : "") }
            reachable = Set(rooms.map(\.id))
        case .telegram(let telegram):
            let transport = TelegramTransport(configuration: .init(apiBaseURL: telegram.apiBaseURL, token: telegram.token), http: http)
            let me = try await transport.connect()
            lines.append("probe: Telegram accepted the token; the bot is @\(me.username ?? "?") (id \(me.id))")
            lines.append(
                me.canReadAllGroupMessages == true
                    ? "probe: privacy mode is off: the bot reads every message in its groups (!hilfe works there)"
                    : "probe: privacy mode is on: in groups the bot sees only /commands, @\(me.username ?? "bot") mentions and replies to it")
            // getChat, not getUpdates: a second poller would cut off the running bot's long poll (409 Conflict).
            let configured = [configuration.team.salesChannel, configuration.team.jointChannel].compactMap { $0 }
                .filter { configuration.announcements[$0] == nil }
            let chats = try await transport.chats(Array(Set(configured)).sorted())
            lines.append("probe: of the configured chats, the bot can see \(chats.count):")
            lines += chats.map { "  \($0.id)" + ($0.title.map { " (\($0))" } ?? "") + ", \($0.type)" }
            reachable = Set(chats.map(\.id))
        case .zulip(let zulip):
            let transport = ZulipTransport(configuration: zulip.transportConfiguration(addressName: "tandem"), http: http)
            let me = try await transport.connect()
            let channels = try await transport.subscriptions()
            lines.append("probe: logged in as \(me.fullName) (user id \(me.userID)); subscribed to \(channels.count) channels:")
            lines += channels.sorted { $0.id < $1.id }.map { "  \($0.id) (\($0.name))" }
            reachable = Set(channels.map { String($0.id) })
            let users = try await transport.users()
            for (i, member) in configuration.team.members.enumerated() {
                if let id = Int(member.id), let name = users[id] {
                    lines.append("  member \(member.id) is \(name) in Zulip")
                } else {
                    lines.append("warning: team.members[\(i)].id \(member.id) (\(member.name)) is no active user of this organisation")
                }
            }
        case .mattermost(let mattermost):
            let transport = MattermostTransport(configuration: mattermost.transportConfiguration, http: http)
            let me = try await transport.connect()
            let channels = try await transport.memberChannels()
            lines.append("probe: the server accepted the token; the bot is @\(me.username) (\(me.userID)); member of \(channels.count) channels:")
            lines += channels.map { "  \($0.id)" + ($0.name.map { " (\($0))" } ?? "") + ($0.isDirect ? ", direct" : "") }
            reachable = Set(channels.map(\.id))
        }
        let team = configuration.team
        for (key, channel) in [("team.salesChannel", team.salesChannel), ("team.jointChannel", team.jointChannel)] {
            if let channel, !reachable.contains(channel), configuration.announcements[channel] == nil {
                lines.append("warning: \(key) \(channel) is not among them: invite the bot there, or fix the id")
            }
        }
        return lines
    }
}
