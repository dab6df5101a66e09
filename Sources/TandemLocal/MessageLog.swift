/// The most recent messages, in id order, with a fixed capacity.
///
/// Ids are consecutive, so the message after a cursor is found by arithmetic rather
/// than search. Evicted messages are dropped from the front lazily: the backing array
/// is compacted once the dead prefix is as long as the capacity, which keeps `append`
/// amortised O(1) without a ring buffer.
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
        if head >= capacity {
            storage.removeFirst(head)
            head = 0
        }
        return evicted
    }

    /// The retained messages with an id greater than `id`, oldest first. A cursor older
    /// than what is retained continues from the oldest retained message.
    func messages(after id: Int) -> ArraySlice<LoggedMessage> {
        guard let oldest = storage[head...].first else { return [] }
        let start = head + max(0, id + 1 - oldest.id)
        guard start < storage.count else { return [] }
        return storage[start...]
    }

    /// Whether a message with this id was ever appended (retained or not).
    func wasIssued(id: Int) -> Bool {
        id >= 1 && id <= latestID
    }
}
