import TandemCore

/// A message to post, with the key that makes a retry post it only once.
public struct OutgoingChatMessage: Sendable, Equatable {
    public var channel: String
    public var thread: String?
    public var body: RichText
    /// Deterministic (`reply:<message id>:<n>`): a resend after a crash carries the same key.
    public var idempotencyKey: String
    /// The message this one answers (nil for a notice), for chats that link a reply to it.
    public var answering: String?

    public init(channel: String, thread: String? = nil, body: RichText, idempotencyKey: String, answering: String? = nil) {
        self.channel = channel
        self.thread = thread
        self.body = body
        self.idempotencyKey = idempotencyKey
        self.answering = answering
    }
}

/// What one poll returned: messages in order, and the cursor to poll after next time.
public struct TransportBatch: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var cursor: String?

    public init(messages: [ChatMessage], cursor: String?) {
        self.messages = messages
        self.cursor = cursor
    }
}

/// A chat platform, as the bot sees it: poll for messages, post replies.
///
/// Invariants every adapter keeps (tested per adapter):
/// - `poll(after: nil)` starts "from now on": history from before the bot started is never returned.
/// - `poll` never returns the bot's own posts.
/// - `send` may run concurrently with a `poll`.
/// - Failures are `TransportError`s that say whether to retry, and contain no tokens.
public protocol ChatTransport: Sendable {
    /// Waits (long poll) for messages after `cursor`.
    func poll(after cursor: String?) async throws -> TransportBatch
    /// Posts one message and returns the platform's id for it.
    func send(_ message: OutgoingChatMessage) async throws -> String
    /// Whether each reply shows which message it answers (Matrix's `m.in_reply_to`). Then replies to different
    /// messages in one channel need not arrive in journal order, and the bot sends them side by side.
    var repliesNameTheirMessage: Bool { get }
}

extension ChatTransport {
    /// Most chats show replies in the order they arrive, and only that order tells which answers which.
    public var repliesNameTheirMessage: Bool { false }
}

/// Why a transport call failed, and what the caller should do about it.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The token was refused: retrying will not help; the admin must fix the configuration.
        case unauthorized
        /// The server asked us to wait this many seconds.
        case rateLimited(retryAfter: Double)
        /// Network trouble or a 5xx: retry with backoff.
        case transient
        /// The server refused this request (4xx): retrying the same request will not help.
        case rejected(status: Int)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public var isRetryable: Bool {
        switch kind {
        case .transient, .rateLimited: true
        case .unauthorized, .rejected: false
        }
    }
}
