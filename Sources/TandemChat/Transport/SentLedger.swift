/// A durable record of the outbox keys a chat without idempotency keys has taken, for transports to consult before
/// posting: a reply resent after a crash is then posted again only if the crash came between the chat taking it and
/// the ledger recording it (at most one post per channel being answered at that moment).
///
/// The runtime's sent marks cover the same ground but are grouped (to save fsyncs), so after a kill they can be
/// behind by every reply of the last moments; this records each key as it is taken.
public protocol SentLedger: Sendable {
    /// Whether `key` was recorded.
    func contains(_ key: String) async -> Bool
    /// Records `key` durably before returning.
    func record(_ key: String) async throws
}
