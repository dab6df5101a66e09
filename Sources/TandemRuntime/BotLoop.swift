import Foundation
import Logging
import TandemChat
import TandemCore
import TandemStore

/// The bot's state and everything that changes it: handling polled messages, firing due notices,
/// sending the outbox. An actor, so one change happens at a time; commits are additionally serialised
/// across suspension points, so a record is always built from the state it will be applied to.
actor BotLoop {
    let deps: BotDependencies
    let planner: NoticePlanner
    private(set) var state: StoredState
    private var pollBackoff = Backoff()
    /// Grows while saving keeps failing; a successful poll must not reset it, or a full disk is retried at once.
    private var saveBackoff = Backoff()
    private var committing = false
    private var commitWaiters: [CheckedContinuation<Void, Never>] = []
    private var flushing = false
    /// When this run began: on a first start, notices due before it were never missed, so none is sent late.
    private let startedAt: Date
    /// The compaction writing a snapshot in the background, if one is.
    private var compactionRun: Task<Void, Never>?
    /// Yields after every change to the team state, so the scheduler re-plans.
    nonisolated let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    init(deps: BotDependencies, state: StoredState) {
        self.deps = deps
        self.state = state
        self.startedAt = deps.clock.now()
        self.planner = NoticePlanner(team: deps.handler.team, settings: deps.notices)
        (changes, changed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: - Polling

    func run() async throws {
        var logger = deps.logger
        logger[metadataKey: "component"] = "bot"
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
        await lockCommits()
        defer { unlockCommits() }
        var record = JournalRecord(cursor: batch.cursor != state.cursor ? batch.cursor : nil)
        // Later commands of a batch must see the events of earlier ones, which are not applied until the
        // record is durable. A working copy of the team state costs as much as the state is large, so it is
        // made only when a batch really has an earlier command with events: one command is the usual batch,
        // and it reads `state.team` in place, keeping a command's cost independent of the state's size.
        var working: TeamState?
        var addressed: [ChatMessage] = []
        let now = deps.clock.now()
        for message in batch.messages where message.userID != deps.botUserID {
            guard let text = deps.addressing.command(in: message) else { continue }
            addressed.append(message)
            let sender = deps.handler.team.member(id: message.userID) ?? .guest(id: message.userID, name: message.userName)
            let context = RequestContext(sender: sender, channel: message.channel, isDirect: message.isDirect, now: now)
            if working == nil && !record.events.isEmpty {
                var copy = state.team
                copy.apply(record.events)
                working = copy
            }
            let outcome = deps.handler.handle(text, state: working ?? state.team, context: context)
            working?.apply(outcome.events)
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
        apply(record)
        await compactIfNeeded()
    }

    /// Tells each sender of a batch that could not be saved that nothing changed yet. Best effort and not
    /// recorded (the disk just refused a write): the key `unsaved:<message id>` lets the platform post it once
    /// however often saving the same message fails.
    private func sayNotSaved(to messages: [ChatMessage]) async {
        for message in messages {
            let language = deps.handler.team.member(id: message.userID)?.language ?? .en
            do {
                _ = try await deps.transport.send(
                    OutgoingChatMessage(
                        channel: message.channel, thread: message.thread, body: SaveFailureText.nothingChanged(language),
                        idempotencyKey: "unsaved:\(message.id)"))
            } catch {
                deps.logger.warning(
                    "could not tell the sender that nothing was saved", metadata: ["message": "\(message.id)", "error": "\(error)"])
            }
        }
    }

    // MARK: - Notices

    /// Sends every notice due in the grace window before `now` that has not been sent, as one record.
    func fireDueNotices() async throws {
        await lockCommits()
        defer { unlockCommits() }
        let now = deps.clock.now()
        let grace = Double(planner.settings.graceMinutes) * 60
        // A bot installed at 09:05 on report day has missed nothing: it does not post the 09:00 report late.
        let earliest = deps.firstStart ? max(now - grace, startedAt) : now - grace
        let due = planner.due(in: state.team, from: earliest, through: now)
        guard !due.isEmpty else { return }
        let outcome = planner.outcome(for: due, state: state.team, now: now)
        var record = JournalRecord(events: outcome.events)
        for (notice, reply) in zip(outcome.events, outcome.replies) {
            guard case .noticeSent(let sent) = notice, let channel = reply.channel else { continue }
            record.outbox.append(OutboxEntry(key: sent.key, channel: channel, body: reply.body))
            deps.logger.info("notice due", metadata: ["key": "\(sent.key)", "late": "\(sent.late)"])
        }
        do {
            try await deps.store.append(record)
        } catch {
            deps.logger.error("could not save due notices; will try again", metadata: ["error": "\(error)"])
            return
        }
        apply(record)
    }

    /// When the scheduler should wake next.
    func nextNoticeDate() -> Date? {
        planner.next(in: state.team, after: deps.clock.now())
    }

    /// Logs notices missed by more than the grace period (the bot was down): they are not sent.
    func logMissedNotices() {
        let now = deps.clock.now()
        let grace = Double(planner.settings.graceMinutes) * 60
        for notice in planner.due(in: state.team, from: now - 7 * 86_400, through: now - grace - 0.001) {
            deps.logger.notice("skipped a notice missed while Tandem was down", metadata: ["key": "\(notice.key)", "was_due": "\(notice.at)"])
        }
    }

    // MARK: - Sending

    /// Sends what the outbox owes, oldest first, and records what went out. One flush at a time.
    func flushOutbox() async throws {
        guard !flushing else { return }
        flushing = true
        defer { flushing = false }
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
            await lockCommits()
            defer { unlockCommits() }
            let record = JournalRecord(sent: [entry.key])
            do {
                try await deps.store.append(record)
            } catch {
                // The reply went out but is still owed on disk: a restart resends it with the same key, which the
                // platform posts once. Stop flushing for now; the next loop tries again.
                deps.logger.error("could not record a sent reply; will retry", metadata: ["key": "\(entry.key)", "error": "\(error)"])
                return
            }
            apply(record)
        }
    }

    // MARK: - Internals

    private func apply(_ record: JournalRecord) {
        state.apply(record)
        if !record.events.isEmpty { changed.yield() }
    }

    private func lockCommits() async {
        if committing {
            await withCheckedContinuation { commitWaiters.append($0) }
        } else {
            committing = true
        }
    }

    /// Hands the lock straight to the next waiter, so nobody can slip in between.
    private func unlockCommits() {
        if commitWaiters.isEmpty { committing = false } else { commitWaiters.removeFirst().resume() }
    }

    /// Starts a compaction when the journal has grown enough. Its position is fixed here, between commits, and
    /// the snapshot is written in the background: no reply waits for it (writing it takes as long as the
    /// state is large).
    private func compactIfNeeded() async {
        guard deps.store.wantsCompaction else { return }
        let logger = deps.logger
        do {
            guard let compaction = try await deps.store.compaction(of: state) else { return }
            compactionRun = Task.detached(priority: .utility) {
                let start = ContinuousClock.now
                do {
                    try await compaction.run()
                    logger.info("wrote a new snapshot", metadata: ["took": "\(ContinuousClock.now - start)"])
                } catch {
                    logger.warning("compaction failed; the journal keeps growing", metadata: ["error": "\(error)"])
                }
            }
        } catch {
            logger.warning("compaction failed; the journal keeps growing", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for a compaction under way: for an orderly stop, and for tests.
    func finishCompaction() async {
        await compactionRun?.value
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
