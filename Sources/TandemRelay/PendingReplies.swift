import Synchronization

/// Teams' outgoing webhook waits for its answer in the same HTTP exchange: the webhook's handler expects the
/// bot's reply to its update here, and the bot's `POST /messages` hands the text over.
final class PendingReplies: Sendable {
    private enum Slot {
        case expected
        case waiting(CheckedContinuation<String?, Never>)
        case answered(String)
    }

    private let slots = Mutex<[String: Slot]>([:])

    /// Opens a slot for the reply to `updateID`, before the update is queued (so the reply cannot come first).
    func expect(_ updateID: String) {
        slots.withLock { $0[updateID] = .expected }
    }

    /// Gives the slot up without waiting (the update could not be queued).
    func cancel(_ updateID: String) {
        if case .waiting(let continuation) = slots.withLock({ $0.removeValue(forKey: updateID) }) { continuation.resume(returning: nil) }
    }

    /// Hands `text` to the handler waiting for `updateID`'s reply; false when none waits (too late, or no slot).
    func answer(_ updateID: String, with text: String) -> Bool {
        let outcome = slots.withLock { slots -> (Bool, CheckedContinuation<String?, Never>?) in
            switch slots[updateID] {
            case .expected?:
                slots[updateID] = .answered(text)
                return (true, nil)
            case .waiting(let continuation)?:
                slots[updateID] = nil
                return (true, continuation)
            case .answered?, nil:
                return (false, nil)
            }
        }
        outcome.1?.resume(returning: text)
        return outcome.0
    }

    /// The reply to `updateID`, or nil after `timeout`; the slot is closed either way.
    func wait(for updateID: String, timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { [self] in
                try? await Task.sleep(for: timeout)
                close(updateID)
                return nil
            }
            group.addTask { [self] in
                await withCheckedContinuation { continuation in
                    let ready = slots.withLock { slots -> String?? in
                        switch slots[updateID] {
                        case .answered(let text)?:
                            slots[updateID] = nil
                            return .some(text)
                        case .expected?:
                            slots[updateID] = .waiting(continuation)
                            return .none
                        case .waiting?, nil:
                            return .some(nil)
                        }
                    }
                    if case .some(let text) = ready { continuation.resume(returning: text) }
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            close(updateID)
            return first
        }
    }

    /// Ends the wait for `updateID`: a waiting handler gets nil, a reply after this goes another way.
    private func close(_ updateID: String) {
        if case .waiting(let continuation) = slots.withLock({ $0.removeValue(forKey: updateID) }) { continuation.resume(returning: nil) }
    }
}
