import Foundation
import Synchronization
import TandemChat
import TandemCore

/// A chat in memory: polls wait for injected messages (no spinning), sends are recorded and, like the
/// webhook protocol, de-duplicated by idempotency key.
final class RecordingTransport: ChatTransport {
    struct Sent: Sendable {
        let message: OutgoingChatMessage
        let text: String
    }

    private struct State {
        var inbox: [ChatMessage] = []
        var pollers: [CheckedContinuation<Void, Never>] = []
        var sent: [Sent] = []
        var keys: Set<String> = []
        var sendWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var cursor = 0
    }

    private let state = Mutex(State())

    var sent: [Sent] { state.withLock { $0.sent } }

    func deliver(_ message: ChatMessage) {
        let pollers = state.withLock { s in
            s.inbox.append(message)
            defer { s.pollers = [] }
            return s.pollers
        }
        for poller in pollers { poller.resume() }
    }

    func poll(after cursor: String?) async throws -> TransportBatch {
        while true {
            let batch: TransportBatch? = state.withLock { s in
                let from = Int(cursor ?? "0") ?? 0
                guard s.inbox.count > from else { return nil }
                return TransportBatch(messages: Array(s.inbox[from...]), cursor: String(s.inbox.count))
            }
            if let batch { return batch }
            try Task.checkCancellation()
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    // Checked under the lock: a cancellation that ran before this registration is not missed.
                    let cancelled = state.withLock { s in
                        if Task.isCancelled || s.inbox.count > (Int(cursor ?? "0") ?? 0) { return true }
                        s.pollers.append(continuation)
                        return false
                    }
                    if cancelled { continuation.resume() }
                }
            } onCancel: {
                let pollers = state.withLock { s in
                    defer { s.pollers = [] }
                    return s.pollers
                }
                for poller in pollers { poller.resume() }
            }
            try Task.checkCancellation()
        }
    }

    func send(_ message: OutgoingChatMessage) async throws -> String {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { s in
            guard s.keys.insert(message.idempotencyKey).inserted else { return [] }
            s.sent.append(Sent(message: message, text: message.body.plainText))
            let count = s.sent.count
            let ready = s.sendWatchers.filter { $0.count <= count }.map(\.continuation)
            s.sendWatchers.removeAll { $0.count <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
        return message.idempotencyKey
    }

    /// Waits until at least `count` distinct messages were sent.
    func waitForSends(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { s in
                if s.sent.count >= count { return true }
                s.sendWatchers.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}
