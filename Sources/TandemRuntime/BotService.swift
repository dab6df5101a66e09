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
        public var now: @Sendable () -> Date
        public var logger: Logger
        /// Awaited before the first poll, e.g. until an embedded endpoint listens.
        public var ready: @Sendable () async throws -> Void

        public init(
            transport: any ChatTransport, store: JournalStore, handler: CommandHandler, addressing: Addressing,
            botUserID: String, now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
            ready: @escaping @Sendable () async throws -> Void = {}
        ) {
            self.ready = ready
            self.transport = transport
            self.store = store
            self.handler = handler
            self.addressing = addressing
            self.botUserID = botUserID
            self.now = now
            self.logger = logger
        }
    }

    private let deps: Dependencies
    private let loop: BotLoop

    /// - Parameter state: the state `JournalStore.load()` returned; the bot starts from it.
    public init(_ dependencies: Dependencies, state: StoredState) {
        deps = dependencies
        loop = BotLoop(deps: dependencies, state: state)
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.loop.run()
            }
        } catch is CancellationError {
            // Graceful shutdown: the poll in flight was cancelled; everything handled is already recorded.
        }
        deps.logger.info("bot stopped")
    }
}

/// The loop's state lives in an actor: one poll at a time, in order.
actor BotLoop {
    let deps: Dependencies
    var state: StoredState
    private var pollBackoff = Backoff()
    /// Grows while saving keeps failing; a successful poll must not reset it, or a full disk is retried at once.
    private var saveBackoff = Backoff()

    typealias Dependencies = BotService.Dependencies

    init(deps: Dependencies, state: StoredState) {
        self.deps = deps
        self.state = state
    }

    func run() async throws {
        var logger = deps.logger
        logger[metadataKey: "component"] = "bot"
        try await deps.ready()
        if !state.outbox.isEmpty {
            logger.info("resending replies owed from before the restart", metadata: ["count": "\(state.outbox.count)"])
        }
        try await flushOutbox()
        logger.info("bot polling", metadata: ["cursor": "\(state.cursor ?? "from now on")"])
        while !Task.isCancelled {
            let batch: TransportBatch
            do {
                batch = try await deps.transport.poll(after: state.cursor)
                pollBackoff.reset()
            } catch let error as TransportError {
                try await wait(after: error, logger: logger)
                continue
            }
            try await handle(batch)
            try await flushOutbox()
        }
    }

    /// Handles one poll's messages as one group commit.
    func handle(_ batch: TransportBatch) async throws {
        var record = JournalRecord(cursor: batch.cursor != state.cursor ? batch.cursor : nil)
        var team = state.team
        var addressed: [ChatMessage] = []
        let now = deps.now()
        for message in batch.messages where message.userID != deps.botUserID {
            guard let text = deps.addressing.command(in: message) else { continue }
            addressed.append(message)
            let sender = deps.handler.team.member(id: message.userID) ?? .guest(id: message.userID, name: message.userName)
            let context = RequestContext(sender: sender, channel: message.channel, isDirect: message.isDirect, now: now)
            let outcome = deps.handler.handle(text, state: team, context: context)
            team.apply(outcome.events)
            record.events += outcome.events
            for (n, reply) in outcome.replies.enumerated() {
                let channel = reply.channel ?? message.channel
                record.outbox.append(
                    OutboxEntry(
                        key: "reply:\(message.id):\(n)", channel: channel,
                        thread: channel == message.channel ? message.thread : nil, body: reply.body))
            }
            deps.logger.info(
                "handled", metadata: ["message": "\(message.id)", "user": "\(message.userID)", "events": "\(outcome.events.count)"])
        }
        guard !record.isEmpty else { return }
        do {
            try await deps.store.append(record)
        } catch {
            // Nothing was recorded, so nothing is applied and the cursor stays: the same messages come again.
            let delay = saveBackoff.next()
            deps.logger.error(
                "could not save; nothing changed; will handle the same messages again",
                metadata: ["error": "\(error)", "messages": "\(addressed.count)", "retry_in": "\(delay)"])
            await sayNotSaved(to: addressed)
            try await Task.sleep(for: delay)
            return
        }
        saveBackoff.reset()
        state.apply(record)
        try await compactIfNeeded()
    }

    /// Tells each sender of a batch that could not be saved that nothing changed. Best effort and not recorded
    /// (the disk just refused a write): the key `unsaved:<message id>` lets the platform post it once however
    /// often saving the same message fails.
    private func sayNotSaved(to messages: [ChatMessage]) async {
        for message in messages {
            let language = deps.handler.team.member(id: message.userID)?.language ?? .en
            let text = language.pick(
                "Sorry, I could not save that — nothing changed. Please try again in a moment.",
                "Das konnte ich nicht speichern — es hat sich nichts geändert. Bitte versuch es gleich noch einmal.")
            do {
                _ = try await deps.transport.send(
                    OutgoingChatMessage(
                        channel: message.channel, thread: message.thread, body: RichText(stringLiteral: text),
                        idempotencyKey: "unsaved:\(message.id)"))
            } catch {
                deps.logger.warning(
                    "could not tell the sender that nothing was saved", metadata: ["message": "\(message.id)", "error": "\(error)"])
            }
        }
    }

    /// Sends what the outbox owes, oldest first, and records what went out.
    func flushOutbox() async throws {
        var sendBackoff = Backoff()
        while let entry = state.outbox.first {
            do {
                _ = try await deps.transport.send(
                    OutgoingChatMessage(channel: entry.channel, thread: entry.thread, body: entry.body, idempotencyKey: entry.key))
            } catch let error as TransportError where error.isRetryable {
                let floor: Duration = if case .rateLimited(let s) = error.kind { .milliseconds(Int(s * 1000)) } else { .zero }
                let delay = sendBackoff.next(atLeast: floor)
                deps.logger.warning("send failed, retrying", metadata: ["key": "\(entry.key)", "error": "\(error)", "in": "\(delay)"])
                try await Task.sleep(for: delay)
                continue
            } catch let error as TransportError {
                if case .unauthorized = error.kind { throw error }
                deps.logger.error("the chat refused a reply; dropping it", metadata: ["key": "\(entry.key)", "error": "\(error)"])
            }
            let record = JournalRecord(sent: [entry.key])
            try await deps.store.append(record)
            state.apply(record)
        }
    }

    private func compactIfNeeded() async throws {
        guard deps.store.wantsCompaction else { return }
        do {
            try await deps.store.compact(state)
        } catch {
            deps.logger.warning("compaction failed; the journal keeps growing", metadata: ["error": "\(error)"])
        }
    }

    private func wait(after error: TransportError, logger: Logger) async throws {
        switch error.kind {
        case .unauthorized:
            logger.critical("the chat endpoint refused the bot's token; stopping", metadata: ["error": "\(error)"])
            throw error
        case .rateLimited(let seconds):
            let delay = pollBackoff.next(atLeast: .milliseconds(Int(seconds * 1000)))
            logger.warning("rate limited", metadata: ["retry_in": "\(delay)"])
            try await Task.sleep(for: delay)
        case .transient, .rejected:
            let delay = pollBackoff.next()
            logger.warning("poll failed, retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }
}
