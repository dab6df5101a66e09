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
    /// The state has never polled: no downtime to report missed notices for.
    public var firstStart: Bool

    public init(
        transport: any ChatTransport, store: JournalStore, handler: CommandHandler, addressing: Addressing,
        botUserID: String, clock: any WallClock = SystemClock(), notices: NoticeSettings = NoticeSettings(), logger: Logger,
        firstStart: Bool = false, sendWidth: Int = 4, ready: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.firstStart = firstStart
        self.sendWidth = sendWidth
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
