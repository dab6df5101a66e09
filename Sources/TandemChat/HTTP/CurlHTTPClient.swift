import CCurl
import Foundation
import Synchronization

/// The production ``HTTPClient``: libcurl's multi interface driven by one dedicated worker thread.
///
/// Why this shape: libcurl's easy API blocks, and blocking Swift's small cooperative pool (2 threads here) would
/// serialise long polls and starve every other task. Instead, `send` hands the request to the worker thread and
/// suspends on a continuation; the worker runs all transfers side by side in one `curl_multi` handle, which also
/// keeps a pool of connections and reuses them per host.
///
/// Behaviour worth knowing:
/// - TLS peer and host are always verified; ``Configuration/caBundlePath`` selects a CA bundle.
/// - Proxies: libcurl itself honours the `http_proxy`, `https_proxy` and `no_proxy` environment variables.
/// - Only `http` and `https` URLs are allowed; redirects are not followed (the 3xx response is returned).
/// - Cancelling the calling task aborts the transfer promptly and throws `CancellationError`.
///
/// ```swift
/// let client = CurlHTTPClient()
/// let updates = try await client.send(
///     HTTPClientRequest(url: "https://api.telegram.org/bot\(token)/getUpdates?timeout=50",
///                       timeout: .seconds(60), secrets: [token]))
/// ```
public final class CurlHTTPClient: HTTPClient {
    /// Limits and TLS settings for every request of a client.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (TCP and TLS).
        public var connectTimeout: Duration = .seconds(10)
        /// Default total time for a request (``HTTPClientRequest/timeout`` overrides it per request).
        public var requestTimeout: Duration = .seconds(30)
        /// Stall guard: a transfer slower than this many bytes/s for ``lowSpeedTime`` is aborted as timed out,
        /// so a half-dead connection is noticed before the total timeout.
        public var lowSpeedLimit: Int = 1
        /// How long a transfer may stay below ``lowSpeedLimit``. A request whose timeout is longer uses that
        /// timeout instead, so long polls (which are silent by design) are not cut.
        public var lowSpeedTime: Duration = .seconds(30)
        /// Largest response body accepted; a larger one fails with ``HTTPClientError/Kind/responseTooLarge``
        /// rather than exhausting memory.
        public var maxResponseBytes: Int = 8 * 1024 * 1024
        /// TLS CA bundle (CURLOPT_CAINFO); nil = libcurl's built-in default (the system bundle).
        public var caBundlePath: String? = nil
        /// Sent as `User-Agent`.
        public var userAgent: String = "Tandem/0.1"

        /// The defaults above; adjust the properties as needed.
        public init() {}
    }

    private let worker: CurlMultiWorker

    /// Starts the client's worker thread.
    public init(configuration: Configuration = .init()) {
        worker = CurlMultiWorker(configuration: configuration)
    }

    deinit {
        worker.shutdown()
    }

    /// Stops the worker thread; in-flight requests fail with CancellationError. Also done in deinit.
    ///
    /// Requests sent after this also fail with `CancellationError`. Calling it again does nothing.
    public func shutdown() {
        worker.shutdown()
    }

    /// How many libcurl easy handles the client has created: finished ones are reset and reused, so this stays
    /// near the most requests ever in flight at once.
    var easyHandlesCreated: Int { worker.handlesCreated.load(ordering: .relaxed) }

    /// Sends one request; see ``HTTPClient/send(_:)``.
    ///
    /// Non-2xx statuses are returned, not thrown.
    /// - Throws: ``HTTPClientError`` for transport failures, `CancellationError` when the calling task is cancelled
    ///   or the client was shut down.
    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let ticket = TransferTicket()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                worker.submit(.init(ticket: ticket, request: request, continuation: continuation))
            }
        } onCancel: {
            worker.cancel(ticket)
        }
    }
}
