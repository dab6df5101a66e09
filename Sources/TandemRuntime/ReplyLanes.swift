import Logging
import TandemChat
import TandemStore

/// Which owed replies may leave now, and which sent ones are due to be recorded: the sender's bookkeeping, kept
/// pure so the loop around it only runs what it says.
///
/// Replies go out in lanes, one per channel with one send in flight, at most `width` lanes at once. A channel's
/// replies must arrive in the order they were journalled, but different channels owe each other nothing, so a
/// slow channel (a long reply, a rate limit) holds up only itself.
///
/// On a chat whose replies say which message they answer (``ChatTransport/repliesNameTheirMessage``, Matrix),
/// replies to different messages owe each other nothing either: the lanes are per message then, and only the
/// parts of one answer keep their order. A homeserver that takes a second per send then answers several people
/// in a room at once instead of one after the other.
///
/// Keys that went out are recorded as `sent` in groups. Usually they ride in the next batch's record (see
/// ``takeForBatch()``), which is written anyway, so a mark costs no fsync of its own; when no batch comes soon,
/// the sender writes one record for everything finished since the last one, taken when no lane is running or at
/// least `width` keys wait. A mark that is late or lost (a crash, a failed append) costs only a resend with the
/// same idempotency key, which the platform posts once; a key is only ever marked after its send succeeded.
struct ReplyLanes: Sendable {
    let width: Int
    /// One lane per channel, or per answered message within a channel.
    let perMessage: Bool
    /// Lanes running (see ``lane(of:)``).
    private(set) var running: Set<String> = []
    /// Keys that went out (or were refused for good), not yet in a record.
    private(set) var done: [String] = []
    /// Keys in the `sent` record being written.
    private(set) var recording: [String] = []
    /// Keys riding in the batch record being written.
    private(set) var riding: [String] = []

    init(width: Int, perMessage: Bool = false) {
        self.width = max(1, width)
        self.perMessage = perMessage
    }

    /// The lane an entry goes in: its channel, or its channel and the message it answers.
    func lane(of entry: OutboxEntry) -> String { Self.lane(of: entry, perMessage: perMessage) }

    static func lane(of entry: OutboxEntry, perMessage: Bool) -> String {
        guard perMessage else { return entry.channel }
        return entry.channel + "\u{0}" + (entry.answeredMessage ?? entry.key)
    }

    /// New lanes for channels without one, from the owed entries in journal order, up to `width` lanes in all.
    /// Entries whose key went out already are skipped; a channel that gets no lane now gets none of its
    /// entries, so none of them overtakes another.
    mutating func start(from outbox: [OutboxEntry]) -> [[OutboxEntry]] {
        guard running.count < width, !outbox.isEmpty else { return [] }
        let gone = done.isEmpty && recording.isEmpty && riding.isEmpty ? [] : Set(done).union(recording).union(riding)
        var lanes: [[OutboxEntry]] = []
        var index: [String: Int] = [:]
        // By index, reading only channel and key: this runs on every event of the sender over the whole outbox,
        // and copying each entry (its body, its thread) cost more than the rest of it (perf).
        for i in outbox.indices {
            let lane = perMessage ? lane(of: outbox[i]) : outbox[i].channel
            guard !running.contains(lane), gone.isEmpty || !gone.contains(outbox[i].key) else { continue }
            if let n = index[lane] {
                lanes[n].append(outbox[i])
            } else if running.count + lanes.count < width {
                index[lane] = lanes.count
                lanes.append([outbox[i]])
            }
        }
        running.formUnion(index.keys)
        return lanes
    }

    /// A lane ended, having done `keys`.
    mutating func finished(_ lane: String, done keys: [String]) {
        running.remove(lane)
        done += keys
    }

    /// The keys for the next `sent` record, if one is due and none is being written.
    mutating func takeRecordable() -> [String]? {
        guard recording.isEmpty, !done.isEmpty, running.isEmpty || done.count >= width else { return nil }
        swap(&recording, &done)
        return recording
    }

    /// The record of ``takeRecordable()`` was written (or not: its keys wait for the next one).
    mutating func recorded(_ saved: Bool) {
        if !saved { done = recording + done }
        recording = []
    }

    /// Every key done so far, to ride in a batch's record: the batch is written anyway, and the marks in it save
    /// the sender an append (an fsync) of its own. Keys in the sender's own record being written stay there.
    mutating func takeForBatch() -> [String] {
        precondition(riding.isEmpty, "one batch record at a time")
        swap(&riding, &done)
        return riding
    }

    /// The batch record of ``takeForBatch()`` was written (or not: its keys wait for the next record).
    mutating func rode(_ saved: Bool) {
        if !saved { done = riding + done }
        riding = []
    }

    /// Whether keys wait for a record: the sender then plans one of its own, in case no batch takes them.
    var hasRecordable: Bool { !done.isEmpty }
}

/// Sends one lane: a channel's entries one after the other. Retryable failures are retried with backoff in
/// place, so nothing behind them in the channel overtakes them.
struct LaneSender: Sendable {
    /// What a lane did.
    struct Outcome: Sendable {
        /// The lane (see ``ReplyLanes/lane(of:)``).
        var lane: String
        /// Keys the platform took or refused for good, in order.
        var done: [String] = []
        /// Why the lane stopped early (the token was refused, or the task was cancelled).
        var stop: (any Error)?
    }

    let transport: any ChatTransport
    let logger: Logger
    /// Lanes per message rather than per channel (see ``ReplyLanes``).
    let perMessage: Bool

    func send(_ lane: [OutboxEntry]) async -> Outcome {
        var outcome = Outcome(lane: lane.first.map { ReplyLanes.lane(of: $0, perMessage: perMessage) } ?? "")
        var backoff = Backoff()
        for entry in lane {
            while true {
                do {
                    _ = try await transport.send(
                        OutgoingChatMessage(
                            channel: entry.channel, thread: entry.thread, body: entry.body, idempotencyKey: entry.key,
                            answering: entry.answeredMessage))
                } catch let error as TransportError where error.isRetryable {
                    let floor: Duration = if case .rateLimited(let s) = error.kind { .milliseconds(Int(s * 1000)) } else { .zero }
                    let delay = backoff.next(atLeast: floor)
                    logger.warning("send failed, retrying", metadata: ["key": "\(entry.key)", "error": "\(error)", "in": "\(delay)"])
                    do { try await Task.sleep(for: delay) } catch {
                        outcome.stop = error
                        return outcome
                    }
                    continue
                } catch let error as TransportError {
                    if case .unauthorized = error.kind {
                        outcome.stop = error
                        return outcome
                    }
                    logger.error("the chat refused a reply; dropping it", metadata: ["key": "\(entry.key)", "error": "\(error)"])
                } catch {
                    outcome.stop = error  // cancelled: the entry stays owed
                    return outcome
                }
                outcome.done.append(entry.key)
                backoff.reset()
                break
            }
        }
        return outcome
    }
}
