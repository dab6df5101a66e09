import CCurl
import Foundation
import Synchronization

/// The thread-safe front of the one worker thread that drives a `curl_multi` handle for a ``CurlHTTPClient``.
///
/// Callers (any task, any thread) only append to a `Mutex`-protected inbox and wake the worker with
/// `curl_multi_wakeup`; they never block on I/O, so the cooperative thread pool stays free however many long polls
/// are in flight. The worker thread (``CurlMultiLoop``) takes the inbox, owns every curl handle, waits in
/// `curl_multi_poll`, and resumes each caller's continuation exactly once.
final class CurlMultiWorker: Sendable {
    /// A request handed from a caller to the worker.
    struct Submission: Sendable {
        let ticket: TransferTicket
        let request: HTTPClientRequest
        let continuation: CheckedContinuation<HTTPClientResponse, any Error>
    }

    /// Work waiting for the worker thread.
    struct Inbox: Sendable {
        var submissions: [Submission] = []
        var cancellations: [TransferTicket] = []
        var isStopping = false
    }

    let configuration: CurlHTTPClient.Configuration
    let multi: MultiHandle
    private let inbox = Mutex(Inbox())
    /// Easy handles created so far (the worker reuses them): for tests that check the pool stays bounded.
    let handlesCreated = Atomic<Int>(0)

    init(configuration: CurlHTTPClient.Configuration) {
        precondition(CurlGlobal.isInitialized, "curl_global_init failed")
        guard let raw = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        // CURLMOPT_MAX_HOST_CONNECTIONS stays at its default (no limit): every long poll needs its own connection,
        // and a cap would queue them behind each other. Finished connections go back to the multi handle's pool
        // (its default size is 4 × the transfers added) and are reused per host.
        self.configuration = configuration
        self.multi = MultiHandle(raw: raw)
        let thread = Thread { [self] in
            CurlMultiLoop(worker: self).run()
        }
        thread.name = "tandem-curl"
        thread.start()
    }

    /// Queues `submission` for the worker; resumes it with `CancellationError` at once after ``shutdown()``.
    func submit(_ submission: Submission) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.isStopping else { return false }
            inbox.submissions.append(submission)
            curl_multi_wakeup(multi.raw)
            return true
        }
        if !accepted {
            submission.continuation.resume(throwing: CancellationError())
        }
    }

    /// Asks the worker to abort the transfer of `ticket` and resume its caller with `CancellationError`.
    ///
    /// Safe at any moment: before the submission arrived (the worker then skips it), while it runs, or after it
    /// finished (nothing happens).
    func cancel(_ ticket: TransferTicket) {
        ticket.markCancelled()
        inbox.withLock { inbox in
            guard !inbox.isStopping else { return }
            inbox.cancellations.append(ticket)
            curl_multi_wakeup(multi.raw)
        }
    }

    /// Makes the worker fail every transfer with `CancellationError`, free its handles and end its thread.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.isStopping else { return }
            inbox.isStopping = true
            curl_multi_wakeup(multi.raw)
        }
    }

    /// Worker side: takes all queued work. Once it returns `isStopping`, no caller touches `multi` any more.
    func takeInbox() -> Inbox {
        inbox.withLock { inbox in
            let taken = inbox
            inbox.submissions.removeAll()
            inbox.cancellations.removeAll()
            return taken
        }
    }
}

/// The `CURLM*` of a worker, shared with caller threads only for `curl_multi_wakeup`.
///
/// `@unchecked Sendable` is safe because: libcurl documents `curl_multi_wakeup` as callable from any thread; all
/// other uses happen on the worker thread; callers call wakeup only while holding the inbox lock and seeing
/// `isStopping == false`, and the worker frees the handle only after it has seen `isStopping == true` under that
/// lock, so no wakeup can reach a freed handle.
struct MultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// Links a caller's `send` to its transfer, so cancellation can find the transfer or stop it from starting.
final class TransferTicket: Sendable {
    private let cancelled = Atomic<Bool>(false)

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func markCancelled() {
        cancelled.store(true, ordering: .releasing)
    }
}

/// Process-wide libcurl initialisation.
enum CurlGlobal {
    /// `curl_global_init` must run once per process before any handle exists. A `static let` initialiser runs
    /// exactly once (atomically), before the first worker is created.
    static let isInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}
