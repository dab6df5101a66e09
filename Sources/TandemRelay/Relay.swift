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

    let feed: UpdateFeed
    let journal: RelayJournal
    let slack: Slack
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
    private let seenChannels = Mutex<[String]>([])
    private let deliveries = Mutex(Deliveries())

    /// The bot's keys of delivered replies, bounded like the feed.
    struct Deliveries {
        var ids: [String: [String]] = [:]
        var order: [String] = []
    }

    init(
        feed: UpdateFeed, journal: RelayJournal, slack: Slack, botToken: String, botName: String, configuredChannels: [String],
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.feed = feed
        self.journal = journal
        self.slack = slack
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
        for entry in contents.updates { sawChannel(entry.update.channel) }
    }

    /// Queues `update` under `key` once: written and synced before this returns. False for a key already queued.
    /// - Throws: the journal's error; the key is then free again, so the platform's retry can bring it.
    func enqueue(key: String, update: Update) async throws -> Bool {
        guard feed.reserve(key) else { return false }
        do {
            try await journal.record(key: key, update: update, into: feed)
        } catch {
            feed.release(key)
            throw error
        }
        sawChannel(update.channel)
        return true
    }

    func delivered(_ key: String) -> [String]? { deliveries.withLock { $0.ids[key] } }

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
        var ids = configuredChannels
        for id in seen where !ids.contains(id) { ids.append(id) }
        // Slack's direct-message channel ids start with D.
        return ids.map { Channel(id: $0, name: $0, kind: $0.hasPrefix("D") ? .direct : .channel, format: .slack) }
    }

    private func sawChannel(_ id: String) {
        seenChannels.withLock { if !$0.contains(id) { $0.append(id) } }
    }
}
