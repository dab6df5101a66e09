import Foundation
import Synchronization

/// The fake's memory and the faults tests arranged, behind one lock; the routes read and change it.
final class SlackWebAPIState: Sendable {
    /// A fault a test queued for the next `chat.postMessage` calls.
    enum Fault: Sendable {
        case rateLimited(retryAfter: Int)
        case serverError(status: Int)
    }

    /// What one channel holds: each message's ts, and whether it is a thread reply (replies cannot be parents).
    struct Channel {
        var isReply: [String: Bool] = [:]
    }

    /// A token bucket for the automatic per-channel rate limit.
    struct Bucket {
        var tokens: Double
        var updated: Date
    }

    struct Mutable {
        var faults: [Fault] = []
        var channels: [String: Channel] = [:]
        var buckets: [String: Bucket] = [:]
        var lastTSMicroseconds: Int64 = 0
        var refusals: [String: Int] = [:]
        var responseURLUses: [String: Int] = [:]
        var nextResponseURLID = 1
    }

    let configuration: SlackWebAPIFake.Configuration
    let now: @Sendable () -> Date
    let mutable = Mutex(Mutable())
    let posts = Recording<SlackPost>()
    let responseURLPosts = Recording<SlackResponseURLPost>()

    init(configuration: SlackWebAPIFake.Configuration, now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.now = now
    }

    /// Counts a refusal under its error code.
    func refuse(_ code: String) {
        mutable.withLock { $0.refusals[code, default: 0] += 1 }
    }

    /// Takes the next queued fault, if any.
    func takeFault() -> Fault? {
        mutable.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
    }

    /// A new message `ts`: the clock's time in microseconds, bumped past the last one so every ts is unique and
    /// increasing even when the clock stands still (as an injected one may).
    func makeTS(_ mutable: inout Mutable) -> String {
        let clock = Int64((now().timeIntervalSince1970 * 1_000_000).rounded(.down))
        let micro = max(clock, mutable.lastTSMicroseconds + 1)
        mutable.lastTSMicroseconds = micro
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Takes a token from the channel's bucket; returns the seconds to wait when there is none.
    func spendToken(channel: String, limit: SlackWebAPIFake.ChannelRateLimit, _ mutable: inout Mutable) -> Int? {
        let time = now()
        var bucket = mutable.buckets[channel] ?? Bucket(tokens: Double(limit.burst), updated: time)
        let elapsed = max(0, time.timeIntervalSince(bucket.updated))
        bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.messagesPerSecond)
        bucket.updated = time
        defer { mutable.buckets[channel] = bucket }
        guard bucket.tokens >= 1 else {
            return max(1, Int(((1 - bucket.tokens) / limit.messagesPerSecond).rounded(.up)))
        }
        bucket.tokens -= 1
        return nil
    }
}
