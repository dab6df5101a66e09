import Logging
import TandemChat
import TandemCore
import TandemStore

/// What the bot works with: the chat, the journal, the core's handler, the clock and the logger. Its own type,
/// so `BotService` (the lifecycle) and `BotLoop` (the state and what changes it) both read it and neither
/// depends on the other for it.
public struct BotDependencies: Sendable {
    public var transport: any ChatTransport
    public var store: JournalStore
    public var handler: CommandHandler
    public var addressing: Addressing
    /// The bot's own user id: its posts are never treated as commands.
    public var botUserID: String
    public var clock: any WallClock
    public var notices: NoticeSettings
    public var logger: Logger
    /// Awaited before the first poll, e.g. until an embedded endpoint listens.
    public var ready: @Sendable () async throws -> Void
    /// How many channels' replies are sent at once (one in flight per channel): a few, so a burst of replies
    /// shares the HTTP client's keep-alive connections without opening one per channel.
    public var sendWidth: Int
    /// How long a reply's `sent` mark waits for a batch record to ride in before the sender writes a record of
    /// its own: under load every mark rides (no fsync of its own); when quiet, a mark is this late, which costs at
    /// most a resend with the same idempotency key after a crash.
    public var sentMarkDelay: Duration
    /// The state has never polled: no downtime to report missed notices for.
    public var firstStart: Bool

    public init(
        transport: any ChatTransport, store: JournalStore, handler: CommandHandler, addressing: Addressing,
        botUserID: String, clock: any WallClock = SystemClock(), notices: NoticeSettings = NoticeSettings(), logger: Logger,
        firstStart: Bool = false, sendWidth: Int = 4, sentMarkDelay: Duration = .milliseconds(100), ready: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.firstStart = firstStart
        self.sendWidth = sendWidth
        self.sentMarkDelay = sentMarkDelay
        self.ready = ready
        self.transport = transport
        self.store = store
        self.handler = handler
        self.addressing = addressing
        self.botUserID = botUserID
        self.clock = clock
        self.notices = notices
        self.logger = logger
    }
}
