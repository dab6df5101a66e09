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
    /// When this run began: on a first start, notices due before it were never missed, so none is sent late.
    private let startedAt: Date
    /// The compaction writing a snapshot in the background, if one is.
    private var compactionRun: Task<Void, Never>?
    /// Yields after every change to the team state, so the scheduler re-plans.
    nonisolated let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation
    /// Yields after a record added to the outbox, so the sender flushes it.
    private let outboxSignals: AsyncStream<Void>
    private let outboxFilled: AsyncStream<Void>.Continuation
    /// The sender's bookkeeping; here rather than in the sender so that a batch's record can take the `sent`
    /// marks that wait (see ``ReplyLanes/takeForBatch()``).
    private var lanes: ReplyLanes
    private let logger: Logger

    init(deps: BotDependencies, state: StoredState) {
        self.deps = deps
        self.state = state
        self.startedAt = deps.clock.now()
        self.planner = NoticePlanner(team: deps.handler.team, settings: deps.notices)
        self.lanes = ReplyLanes(width: deps.sendWidth, perMessage: deps.transport.repliesNameTheirMessage)
        (changes, changed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (outboxSignals, outboxFilled) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        var logger = deps.logger
        logger[metadataKey: "component"] = "bot"
        self.logger = logger
    }

    // MARK: - Polling

    /// Runs the two halves of the bot side by side until cancelled or the token is refused: polling and
    /// handling, and sending what the outbox owes.
    func run() async throws {
        if !state.outbox.isEmpty {
            logger.info("resending replies owed from before the restart", metadata: ["count": "\(state.outbox.count)"])
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.sendReplies() }
            group.addTask { try await self.pollAndHandle() }
        }
    }

    /// Polls and handles batch after batch. The poll after a batch is in flight while the batch is handled
    /// (its record written and synced), so the chat's wait and the disk's overlap.
    ///
    /// The early poll asks after the batch's cursor before that cursor is durable. When saving the batch
    /// fails, its result is dropped (the poll is cancelled, or its answer thrown away) and polling restarts
    /// from the last committed cursor: the same messages come again.
    private func pollAndHandle() async throws {
        logger.info("bot polling", metadata: ["cursor": "\(state.cursor ?? "from now on")"])
        var batch = try await poll(after: state.cursor)
        while true {
            try Task.checkCancellation()
            if let next = try await handleWhilePolling(batch) {
                batch = next
            } else {
                batch = try await poll(after: state.cursor)
            }
        }
    }

    /// Handles `batch` with the poll after it already in flight; nil when the batch could not be saved.
    private func handleWhilePolling(_ batch: TransportBatch) async throws -> TransportBatch? {
        async let next = poll(after: batch.cursor)
        // Returning without awaiting `next` cancels that poll and waits for it to end.
        guard try await handle(batch) else { return nil }
        return try await next
    }

    /// One poll, retried with backoff on transport errors (but not on the token being refused).
    private func poll(after cursor: String?) async throws -> TransportBatch {
        while true {
            do {
                let batch = try await deps.transport.poll(after: cursor)
                pollBackoff.reset()
                return batch
            } catch let error as TransportError {
                try await wait(after: error)
            }
        }
    }

    /// Handles one poll's messages as one group commit. Returns false when the record could not be saved:
    /// nothing changed, and the same messages must be polled again.
    @discardableResult
    func handle(_ batch: TransportBatch) async throws -> Bool {
        await lockCommits()
        defer { unlockCommits() }
        var record = JournalRecord(cursor: batch.cursor != state.cursor ? batch.cursor : nil)
        // Later commands of a batch must see the events of earlier ones, which are not applied until the
        // record is durable. A working copy of the team state costs as much as the state is large, so it is
        // made only when a batch really has an earlier command with events: one command is the usual batch,
        // and it reads `state.team` in place, keeping a command's cost independent of the state's size.
        var working: TeamState?
        var addressed: [ChatMessage] = []
        /// Logged as handled once recorded: a batch the disk refuses is handled again, not twice.
        var handled: [Logger.Metadata] = []
        let now = deps.clock.now()
        for message in Self.takingTurns(batch.messages) where message.userID != deps.botUserID {
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
                        key: OutboxEntry.replyKey(answering: message.id, part: n), channel: channel,
                        thread: channel == message.channel ? message.thread : nil, body: reply.body))
            }
            handled.append(["message_id": "\(message.id)", "user": "\(message.userID)", "events": "\(outcome.events.count)"])
        }
        guard !record.isEmpty else { return true }
        // Replies that went out since the last record ride in this one: it is written anyway.
        record.sent = lanes.takeForBatch()
        do {
            try await deps.store.append(record)
        } catch {
            // Nothing was recorded, so nothing is applied and the cursor stays: the same messages come again.
            lanes.rode(false)
            let delay = saveBackoff.next()
            deps.logger.error(
                "could not save; nothing changed; will handle the same messages again",
                metadata: ["error": "\(error)", "messages": "\(addressed.count)", "retry_in": "\(delay)"])
            await sayNotSaved(to: addressed)
            try await Task.sleep(for: delay)
            return false
        }
        saveBackoff.reset()
        lanes.rode(true)
        for metadata in handled { deps.logger.info("handled", metadata: metadata) }
        apply(record)
        await compactIfNeeded()
        return true
    }

    /// The batch's messages with senders taking turns (each sender's own in order): a sender with a hundred
    /// commands in one batch does not put everyone else's behind them in the reply lanes.
    static func takingTurns(_ messages: [ChatMessage]) -> [ChatMessage] {
        var bySender: [String: [ChatMessage]] = [:]
        var order: [String] = []
        for message in messages {
            if bySender[message.userID] == nil { order.append(message.userID) }
            bySender[message.userID, default: []].append(message)
        }
        guard order.count > 1, order.count < messages.count else { return messages }
        var turns: [ChatMessage] = []
        turns.reserveCapacity(messages.count)
        var round = 0
        while turns.count < messages.count {
            for sender in order where round < bySender[sender]!.count { turns.append(bySender[sender]![round]) }
            round += 1
        }
        return turns
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
                    "could not tell the sender that nothing was saved", metadata: ["message_id": "\(message.id)", "error": "\(error)"])
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

    /// What the sender waits for next.
    private enum SenderEvent: Sendable {
        /// A record added to the outbox (or the signals ended: the task is being cancelled).
        case filled(more: Bool)
        case lane(LaneSender.Outcome)
        case recorded(saved: Bool)
        /// The wait for a batch to take the marks is over: the sender records what is left itself.
        case markDue
    }

    /// The sender, for the bot's whole run: sends what the outbox owes (at start, what a restart owes) in
    /// per-channel lanes (see ``ReplyLanes``), and records what went out: in the next batch's record, or after
    /// `sentMarkDelay` without one in a grouped `sent` record of its own.
    ///
    /// The lanes run as child tasks off the actor; this loop, on the actor, only starts them and the records.
    /// A reply is in the outbox only once its record is durable, so none leaves before its record exists.
    private func sendReplies() async throws {
        let sender = LaneSender(transport: deps.transport, logger: logger, perMessage: lanes.perMessage)
        let signals = outboxSignals
        let markDelay = deps.sentMarkDelay
        var markPlanned = false
        var recordBackoff = Backoff()
        var recordDelay = Duration.zero
        var stop: (any Error)?
        // After a stop, the keys done so far are recorded once, when the lanes have ended; a failure then leaves
        // them owed on disk (a restart resends them).
        var finalRecordFailed = false
        try await withThrowingTaskGroup(of: SenderEvent.self) { group in
            let waitForSignal: @Sendable () async -> SenderEvent = {
                for await _ in signals { return .filled(more: true) }
                return .filled(more: false)
            }
            group.addTask(operation: waitForSignal)
            while true {
                if stop == nil {
                    for lane in lanes.start(from: state.outbox) {
                        group.addTask { .lane(await sender.send(lane)) }
                    }
                    // Marks wait a while for a batch record to ride in; a timer, not a poll: no batch may come.
                    if !markPlanned && lanes.recording.isEmpty && lanes.hasRecordable {
                        markPlanned = true
                        let delay = max(markDelay, recordDelay)
                        group.addTask {
                            try? await Task.sleep(for: delay)
                            return .markDue
                        }
                    }
                } else if lanes.running.isEmpty && !finalRecordFailed, let keys = lanes.takeRecordable() {
                    group.addTask { .recorded(saved: await self.recordSent(keys)) }
                }
                guard let event = try await group.next() else { break }
                switch event {
                case .markDue:
                    markPlanned = false
                    if stop == nil, let keys = lanes.takeRecordable() {
                        group.addTask { .recorded(saved: await self.recordSent(keys)) }
                    }
                case .filled(let more):
                    if more { group.addTask(operation: waitForSignal) } else { stop = stop ?? CancellationError() }
                case .lane(let outcome):
                    lanes.finished(outcome.lane, done: outcome.done)
                    if let error = outcome.stop, stop == nil {
                        stop = error
                        group.cancelAll()
                    }
                case .recorded(let saved):
                    lanes.recorded(saved)
                    recordDelay = saved ? .zero : recordBackoff.next()
                    if saved { recordBackoff.reset() }
                    if !saved && stop != nil { finalRecordFailed = true }
                }
            }
        }
        if let stop { throw stop }
    }

    /// Appends one `sent` record for `keys`; false when the disk refused it.
    private func recordSent(_ keys: [String]) async -> Bool {
        await lockCommits()
        defer { unlockCommits() }
        let record = JournalRecord(sent: keys)
        do {
            try await deps.store.append(record)
        } catch {
            // The replies went out but are still owed on disk: this run does not send them again and records
            // them with the next group; a restart before that resends them with the same keys.
            logger.error("could not record sent replies; will retry", metadata: ["count": "\(keys.count)", "error": "\(error)"])
            return false
        }
        apply(record)
        return true
    }

    // MARK: - Internals

    private func apply(_ record: JournalRecord) {
        state.apply(record)
        if !record.events.isEmpty { changed.yield() }
        if !record.outbox.isEmpty { outboxFilled.yield() }
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

    /// Replies that went out and wait for their `sent` mark: for tests.
    var marksWaiting: Int { lanes.done.count }

    /// Waits for a compaction under way: for an orderly stop, and for tests.
    func finishCompaction() async {
        await compactionRun?.value
    }

    private func wait(after error: TransportError) async throws {
        switch error.kind {
        case .unauthorized:
            logger.critical("the chat refused the bot (its token, or another instance polls it); stopping", metadata: ["error": "\(error)"])
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
