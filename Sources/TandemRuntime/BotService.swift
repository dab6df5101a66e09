import Foundation
import Logging
import ServiceLifecycle
import TandemChat
import TandemCore
import TandemStore

/// The bot: polls the transport, handles each message addressed to it, records the outcome durably, then
/// sends the replies.
///
/// Exactly once: the cursor is stored in the same journal record as the outcome of the messages it covers,
/// and replies leave from the outbox with deterministic idempotency keys. A crash before the record is
/// written repeats the poll (nothing was answered); a crash after it resends the outbox with the same keys.
public final class BotService: Service {
    public struct Dependencies: Sendable {
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
        /// The state has never polled: no downtime to report missed notices for.
        public var firstStart: Bool

        public init(
            transport: any ChatTransport, store: JournalStore, handler: CommandHandler, addressing: Addressing,
            botUserID: String, clock: any WallClock = SystemClock(), notices: NoticeSettings = NoticeSettings(), logger: Logger,
            firstStart: Bool = false, ready: @escaping @Sendable () async throws -> Void = {}
        ) {
            self.firstStart = firstStart
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

    private let deps: Dependencies
    let loop: BotLoop

    /// - Parameter state: the state `JournalStore.load()` returned; the bot starts from it.
    public init(_ dependencies: Dependencies, state: StoredState) {
        deps = dependencies
        loop = BotLoop(deps: dependencies, state: state)
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.deps.ready()
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.loop.run() }
                    group.addTask { try await self.schedule() }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: the poll in flight was cancelled; everything handled is already recorded.
        }
        // Not needed for safety (a snapshot cut short is like a crash, which compaction survives), but an
        // orderly stop leaves no half-written temp file behind.
        await loop.finishCompaction()
        deps.logger.info("bot stopped")
    }

    /// The scheduler: sleeps until the next due notice or a change of state, then fires what is due.
    /// No per-second scanning: when nothing is planned it waits for a change.
    func schedule() async throws {
        if !deps.firstStart { await loop.logMissedNotices() }
        let changes = loop.changes
        let clock = deps.clock
        while !Task.isCancelled {
            try await loop.fireDueNotices()
            try await loop.flushOutbox()
            let next = await loop.nextNoticeDate()
            // Whichever comes first: the next notice, or a change that may plan an earlier one.
            await withTaskGroup(of: Void.self) { group in
                if let next { group.addTask { try? await clock.sleep(until: next) } }
                group.addTask {
                    for await _ in changes { return }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
