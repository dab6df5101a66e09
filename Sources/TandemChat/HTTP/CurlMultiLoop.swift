import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker thread's side of ``CurlMultiWorker``: owns the transfers of the multi handle.
///
/// Created and used only on the worker thread, so its mutable state needs no lock.
final class CurlMultiLoop {
    private let worker: CurlMultiWorker
    private let multi: UnsafeMutableRawPointer
    /// Transfers in the multi handle, by easy handle.
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// The easy handle of each transfer, by ticket; the transfer keeps its ticket alive, so ids are not reused.
    private var handlesByTicket: [ObjectIdentifier: UnsafeMutableRawPointer] = [:]
    /// Easy handles of finished transfers, reset for the next request: a new handle per request costs an
    /// allocation of its own state (tens of kilobytes) and its setup. At most ``maxIdleHandles`` are kept.
    private var idleHandles: [CurlEasyHandle] = []
    /// Enough for the bot's long poll plus its concurrent sends; a burst beyond it creates handles that are
    /// freed afterwards.
    static let maxIdleHandles = 8

    init(worker: CurlMultiWorker) {
        self.worker = worker
        self.multi = worker.multi.raw
    }

    /// Runs until the worker is shut down, then fails what is left and frees the multi handle.
    func run() {
        Self.ignoreSIGPIPE()
        while true {
            let inbox = worker.takeInbox()
            if inbox.isStopping {
                stop(rejecting: inbox.submissions)
                return
            }
            inbox.submissions.forEach(start)
            inbox.cancellations.forEach(cancel)

            var running: Int32 = 0
            let code = curl_multi_perform(multi, &running)
            if code != CURLM_OK {
                failAll("failed: curl_multi_perform: \(String(cString: curl_multi_strerror(code)))")
            }
            collectFinished()
            // Sleeps until a socket is ready, libcurl's next timer is due, or a caller calls curl_multi_wakeup.
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }

    private func start(_ submission: CurlMultiWorker.Submission) {
        if submission.ticket.isCancelled {
            submission.continuation.resume(throwing: CancellationError())
            return
        }
        guard let handle = idleHandles.popLast() ?? makeHandle() else {
            let message = "could not be set up: no libcurl handle (out of memory)"
            submission.continuation.resume(
                throwing: HTTPClientError(kind: .transport, request: submission.request, message: message)
            )
            return
        }
        let transfer = CurlTransfer(handle: handle, submission: submission, configuration: worker.configuration)
        do {
            try transfer.configure()
        } catch {
            transfer.resume(throwing: error)
            return
        }
        let code = curl_multi_add_handle(multi, handle.raw)
        guard code == CURLM_OK else {
            transfer.fail("could not start: \(String(cString: curl_multi_strerror(code)))")
            return
        }
        transfers[handle.raw] = transfer
        handlesByTicket[ObjectIdentifier(transfer.ticket)] = handle.raw
    }

    private func cancel(_ ticket: TransferTicket) {
        guard let easy = handlesByTicket[ObjectIdentifier(ticket)], let transfer = remove(easy) else { return }
        transfer.resume(throwing: CancellationError())
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            // Read the result before removing the handle: that invalidates `message`.
            let code = message.pointee.data.result
            guard let transfer = remove(easy) else { continue }
            transfer.finish(code)
            recycle(transfer.handle)
        }
    }

    private func makeHandle() -> CurlEasyHandle? {
        worker.handlesCreated.add(1, ordering: .relaxed)
        return CurlEasyHandle()
    }

    /// Keeps the handle of a completed transfer for the next request, once its caller has its response.
    private func recycle(_ handle: CurlEasyHandle) {
        guard idleHandles.count < Self.maxIdleHandles else { return }
        handle.reset()
        idleHandles.append(handle)
    }

    /// Takes a transfer out of the multi handle; its easy handle is freed when the returned transfer goes away.
    private func remove(_ easy: UnsafeMutableRawPointer) -> CurlTransfer? {
        guard let transfer = transfers.removeValue(forKey: easy) else { return nil }
        handlesByTicket[ObjectIdentifier(transfer.ticket)] = nil
        curl_multi_remove_handle(multi, easy)
        return transfer
    }

    private func failAll(_ message: String) {
        for easy in Array(transfers.keys) {
            remove(easy)?.fail(message)
        }
    }

    private func stop(rejecting pending: [CurlMultiWorker.Submission]) {
        for submission in pending {
            submission.continuation.resume(throwing: CancellationError())
        }
        for easy in Array(transfers.keys) {
            remove(easy)?.resume(throwing: CancellationError())
        }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }

    /// Blocks SIGPIPE on this thread: with CURLOPT_NOSIGNAL libcurl does not guard against it itself, and a write
    /// to a socket the peer closed must become an error, not end the process.
    private static func ignoreSIGPIPE() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
