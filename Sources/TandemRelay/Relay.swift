import Foundation
import Logging
import Synchronization
import TandemChat
import TandemLocal
import TandemProtocol

/// What the relay serves from: the queue for the bot, its journal, the Slack connection, and the replies
/// already delivered (by the bot's idempotency key).
final class Relay: Sendable {
    struct Slack: Sendable {
        let verifier: SlackVerifier
        let api: SlackWebAPI
        /// Events for another app are ignored (nil: not checked).
        let appID: String?
    }

    struct Teams: Sendable {
        let verifier: TeamsVerifier
        /// Where replies go that no webhook waits for; nil: they are dropped with a log line.
        let workflows: TeamsWorkflows?
        /// How long a webhook waits for the bot's answer (Teams gives up after 5 s).
        let replyWait: Duration
    }

    /// The chat a channel belongs to.
    enum Platform: Sendable {
        case slack, teams
    }

    let feed: UpdateFeed
    let journal: RelayJournal
    let slack: Slack?
    let teams: Teams?
    /// Teams answers waiting in their webhook's HTTP exchange.
    let pending = PendingReplies()
    /// The token the bot polls with.
    let botToken: String
    /// What `<@BOT>` in Slack text becomes: `@{botName}`, the address the bot answers to.
    let botName: String
    let logger: Logger
    let now: @Sendable () -> Date
    /// The bot's Slack user id, from `auth.test` at start.
    let slackUserID = Mutex<String?>(nil)
    /// The team's configured channels: listed in `GET /channels` before anyone has written there.
    let configuredChannels: [String]
    /// Channels updates came from, with their chat, and the order they first came in (for `GET /channels`).
    private let seenChannels = Mutex(SeenChannels())

    struct SeenChannels {
        var platforms: [String: Platform] = [:]
        var order: [String] = []
    }
    private let deliveries = Mutex(Deliveries())
    /// Update id → where its answer goes instead of a new message (a slash command's `response_url`), while the
    /// update is retained. A secret of sorts: anyone holding it may post there, so it is never logged.
    private let replyURLs = Mutex<[String: String]>([:])

    /// The bot's keys of delivered replies, bounded like the feed.
    struct Deliveries {
        var ids: [String: [String]] = [:]
        var order: [String] = []
    }

    init(
        feed: UpdateFeed, journal: RelayJournal, slack: Slack?, teams: Teams?, botToken: String, botName: String, configuredChannels: [String],
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.feed = feed
        self.journal = journal
        self.slack = slack
        self.teams = teams
        self.botToken = botToken
        self.botName = botName
        self.configuredChannels = configuredChannels
        self.logger = logger
        self.now = now
    }

    /// Puts back the journal's deliveries and the channels of its updates, at start.
    func restore(_ contents: RelayJournal.Contents) {
        feed.restore(contents.updates)
        for delivery in contents.delivered { remember(delivery.key, ids: delivery.ids) }
        for entry in contents.updates { sawChannel(entry.update.channel, Self.platform(ofUpdate: entry.update.id)) }
        let retainedIDs = Set(contents.updates.suffix(feed.retained).map(\.update.id))
        replyURLs.withLock { urls in
            for (id, url) in contents.replyURLs where retainedIDs.contains(id) { urls[id] = url }
        }
    }

    /// Queues `update` under `key` once: written and synced before this returns. False for a key already queued.
    /// - Throws: the journal's error; the key is then free again, so the platform's retry can bring it.
    func enqueue(key: String, update: Update, replyURL: String? = nil) async throws -> Bool {
        guard feed.reserve(key) else { return false }
        do {
            try await journal.record(key: key, update: update, replyURL: replyURL, into: feed)
            if let replyURL { replyURLs.withLock { $0[update.id] = replyURL } }
        } catch {
            feed.release(key)
            throw error
        }
        sawChannel(update.channel, Self.platform(ofUpdate: update.id))
        return true
    }

    func delivered(_ key: String) -> [String]? { deliveries.withLock { $0.ids[key] } }

    /// Where the answer to `updateID` goes instead of a new message, if anywhere.
    func replyURL(for updateID: String) -> String? { replyURLs.withLock { $0[updateID] } }

    func remember(_ key: String, ids: [String]) {
        deliveries.withLock { d in
            if d.ids.updateValue(ids, forKey: key) == nil { d.order.append(key) }
            if d.order.count > feed.retained {
                for old in d.order.prefix(d.order.count - feed.retained) { d.ids.removeValue(forKey: old) }
                d.order.removeFirst(d.order.count - feed.retained)
            }
        }
    }

    /// Every channel the bot may post in: configured ones first, then those updates came from.
    var channels: [Channel] {
        let seen = seenChannels.withLock { $0 }
        let ids = configuredChannels + seen.order.filter { !configuredChannels.contains($0) }
        return ids.map { id in
            switch seen.platforms[id] ?? platform(ofConfigured: id) {
            // Slack's direct-message channel ids start with D.
            case .slack: Channel(id: id, name: id, kind: id.hasPrefix("D") ? .direct : .channel, format: .slack)
            // An outgoing webhook works in channels only; Teams reads Markdown.
            case .teams: Channel(id: id, name: id, kind: .channel, format: .markdown)
            }
        }
    }

    /// The chat of a channel the bot posts to.
    func platform(of channel: String) -> Platform {
        seenChannels.withLock { $0.platforms[channel] } ?? platform(ofConfigured: channel)
    }

    /// A configured channel nobody wrote in yet: the only chat configured, or by the shape of the id (Teams
    /// channel ids look like `19:…@thread.skype`).
    private func platform(ofConfigured id: String) -> Platform {
        if slack == nil { return .teams }
        if teams == nil { return .slack }
        return id.hasPrefix("19:") ? .teams : .slack
    }

    private static func platform(ofUpdate id: String) -> Platform { id.hasPrefix("teams:") ? .teams : .slack }

    private func sawChannel(_ id: String, _ platform: Platform) {
        seenChannels.withLock { seen in
            if seen.platforms.updateValue(platform, forKey: id) == nil { seen.order.append(id) }
        }
    }
}
