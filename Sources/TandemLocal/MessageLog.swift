import Foundation

/// The most recent messages, in id order, with a fixed capacity (and, through ``removeMessages(before:)``, an age).
///
/// Ids are consecutive, so the message after a cursor is found by arithmetic rather
/// than search. Evicted messages are dropped from the front lazily: the backing array
/// is compacted once the dead prefix is half of it, which keeps `append` amortised O(1)
/// without a ring buffer.
struct MessageLog: Sendable {
    /// How many messages are retained.
    let capacity: Int
    private var storage: [LoggedMessage] = []
    /// Index in `storage` of the oldest retained message.
    private var head = 0
    /// The id of the most recent message ever appended; 0 before the first.
    private(set) var latestID = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The id the next appended message must carry.
    var nextID: Int { latestID + 1 }

    /// The retained messages, oldest first.
    var retained: ArraySlice<LoggedMessage> { storage[head...] }

    /// Appends a message and returns the one evicted to make room, if any.
    /// - Precondition: `message.id == nextID`.
    mutating func append(_ message: LoggedMessage) -> LoggedMessage? {
        precondition(message.id == nextID, "message ids must be consecutive")
        storage.append(message)
        latestID = message.id
        var evicted: LoggedMessage?
        if storage.count - head > capacity {
            evicted = storage[head]
            head += 1
        }
        compactIfHalfDead()
        return evicted
    }

    /// Drops the retained messages dated before `cutoff` and returns them, oldest first.
    /// Stops at the first message not yet expired: dates follow the wall clock, which may step back, so an
    /// older one behind it waits for a later call (the count bound still holds meanwhile).
    mutating func removeMessages(before cutoff: Date) -> ArraySlice<LoggedMessage> {
        let start = head
        while head < storage.count, storage[head].date < cutoff {
            head += 1
        }
        guard head > start else { return [] }
        let expired = storage[start..<head]
        compactIfHalfDead()
        return expired
    }

    /// Removes the evicted prefix once it is at least half the backing array: amortised O(1) per
    /// message, and the array never holds more than twice what is retained.
    private mutating func compactIfHalfDead() {
        if head > 0, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// The retained messages with an id greater than `id`, oldest first. A cursor older
    /// than what is retained continues from the oldest retained message.
    func messages(after id: Int) -> ArraySlice<LoggedMessage> {
        guard let oldest = storage[head...].first else { return [] }
        let start = head + max(0, id + 1 - oldest.id)
        guard start < storage.count else { return [] }
        return storage[start...]
    }

    /// The retained message with this id (ids are consecutive, so no search).
    func message(id: Int) -> LoggedMessage? {
        guard let oldest = storage[head...].first, id >= oldest.id else { return nil }
        let index = head + (id - oldest.id)
        return index < storage.count ? storage[index] : nil
    }

    /// Whether a message with this id was ever appended (retained or not).
    func wasIssued(id: Int) -> Bool {
        id >= 1 && id <= latestID
    }
}
