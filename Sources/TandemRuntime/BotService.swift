import Foundation
import Logging
import ServiceLifecycle
import TandemChat
import TandemCore
import TandemStore

/// The bot: polls the transport, handles each message addressed to it, records the outcome durably, and sends
/// the replies, with the next poll, the next batch's handling and the sending overlapping (see `BotLoop`).
///
/// Exactly once: the cursor is stored in the same journal record as the outcome of the messages it covers,
/// and replies leave from the outbox with deterministic idempotency keys. A crash before the record is
/// written repeats the poll (nothing was answered); a crash after it resends the outbox with the same keys.
public final class BotService: Service {
    private let deps: BotDependencies
    let loop: BotLoop

    /// - Parameter state: the state `JournalStore.load()` returned; the bot starts from it.
    public init(_ dependencies: BotDependencies, state: StoredState) {
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
            // The notices' record wakes the loop's sender, which sends them.
            try await loop.fireDueNotices()
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
