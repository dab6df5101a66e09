import TandemStore

extension OutboxEntry {
    /// The key of the n-th reply to a message: deterministic, so a resend after a crash carries the same key, and
    /// the platform posts it once.
    static func replyKey(answering messageID: String, part n: Int) -> String {
        "reply:\(messageID):\(n)"
    }

    /// The message this entry answers, read back from its key (nil for a notice: a reminder answers nobody).
    var answeredMessage: String? {
        guard key.hasPrefix("reply:"), let colon = key.lastIndex(of: ":"), colon > key.index(key.startIndex, offsetBy: 5) else { return nil }
        let id = key[key.index(key.startIndex, offsetBy: 6)..<colon]
        return id.isEmpty ? nil : String(id)
    }
}
