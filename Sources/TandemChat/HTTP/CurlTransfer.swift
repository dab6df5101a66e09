import CCurl
import Foundation

/// One request on the worker thread: configures its easy handle, collects headers and body through libcurl's
/// callbacks, and resumes the caller's continuation exactly once.
///
/// Confined to the worker thread (``CurlMultiWorker``); the callbacks reach it through an unretained
/// `Unmanaged` pointer, which stays valid because the worker keeps the transfer alive while its handle is in the
/// multi handle, and no callback runs after the handle was removed.
final class CurlTransfer {
    let handle: CurlEasyHandle
    let ticket: TransferTicket
    private let request: HTTPClientRequest
    private let configuration: CurlHTTPClient.Configuration
    private var continuation: CheckedContinuation<HTTPClientResponse, any Error>?
    private var body = Data()
    private var headers: [HTTPField] = []
    /// Set when the write callback refused data because of `maxResponseBytes`.
    private var capExceeded = false

    /// Total time allowed for this transfer.
    private var timeout: Duration { request.timeout ?? configuration.requestTimeout }

    init(
        handle: CurlEasyHandle,
        submission: CurlMultiWorker.Submission,
        configuration: CurlHTTPClient.Configuration
    ) {
        self.handle = handle
        self.ticket = submission.ticket
        self.request = submission.request
        self.continuation = submission.continuation
        self.configuration = configuration
    }

    deinit {
        // Every path resumes before the transfer is dropped; this only guards against a future slip, which would
        // otherwise leave the caller suspended forever.
        continuation?.resume(throwing: HTTPClientError(kind: .transport, request: request, message: "was dropped"))
    }

    // MARK: - Setup

    /// Applies the request and the client configuration to the easy handle.
    func configure() throws(HTTPClientError) {
        do {
            try applyOptions()
        } catch {
            throw HTTPClientError(
                kind: .transport,
                curlCode: Int(error.code.rawValue),
                request: request,
                message: "could not be set up: libcurl rejected option \(error.option.rawValue) "
                    + "(\(String(cString: curl_easy_strerror(error.code))))"
            )
        }
    }

    private func applyOptions() throws(CurlOptionError) {
        // Proxies: libcurl reads http_proxy / https_proxy / no_proxy from the environment by itself; we set no
        // proxy option so that keeps working.
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_NOSIGNAL, true)
        try handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        try handle.set(CURLOPT_SSL_VERIFYPEER, true)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath = configuration.caBundlePath {
            try handle.set(CURLOPT_CAINFO, caBundlePath)
        }
        try handle.set(CURLOPT_TCP_KEEPALIVE, true)

        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        try handle.set(CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds)
        // A long poll legitimately sends nothing for its whole timeout; don't let the stall guard cut it.
        let lowSpeedTime = max(configuration.lowSpeedTime, timeout)
        try handle.set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        try handle.set(CURLOPT_LOW_SPEED_TIME, lowSpeedTime.curlWholeSeconds)
        try handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(configuration.maxResponseBytes))

        try applyMethodAndBody()
        try handle.setHeaderLines(headerLines())

        let context = Unmanaged.passUnretained(self).toOpaque()
        try handle.set(CURLOPT_WRITEDATA, pointer: context)
        try handle.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        try handle.set(CURLOPT_HEADERDATA, pointer: context)
        try handle.set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
        })
    }

    private func applyMethodAndBody() throws(CurlOptionError) {
        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body == nil:
            try handle.set(CURLOPT_HTTPGET, true)
            return
        case "HEAD":
            try handle.set(CURLOPT_NOBODY, true)
            return
        case "POST":
            try handle.set(CURLOPT_POST, true)
        default:
            try handle.set(CURLOPT_CUSTOMREQUEST, method)
        }
        // A POST without body still needs empty post fields, or libcurl would read the body from stdin.
        guard let body = request.body ?? (method == "POST" ? Data() : nil) else { return }
        try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        try handle.setCopiedPostFields(body)
    }

    private func headerLines() -> [String] {
        var lines: [String] = []
        for field in request.headers {
            // A line break would let a value inject further header lines; drop such characters.
            let name = field.name.filter { $0 != "\r" && $0 != "\n" }
            let value = field.value.filter { $0 != "\r" && $0 != "\n" }
            // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // libcurl waits up to a second for "100 Continue" before sending larger bodies; our servers don't need it.
        if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            lines.append("Expect:")
        }
        return lines
    }

    // MARK: - Callbacks

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        // MAXFILESIZE only stops responses that announce their length; chunked ones are capped here.
        guard body.count + bytes.count <= configuration.maxResponseBytes else {
            capExceeded = true
            return 0
        }
        if let base = bytes.baseAddress, !bytes.isEmpty {
            body.append(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        return bytes.count
    }

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        // Work on bytes: "\r\n" is a single Character in Swift, so String suffix checks would miss it.
        var line = bytes[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        if line.starts(with: "HTTP/".utf8) {
            // A new status line: a 1xx interim response or a redirect came before; keep only the final one's.
            headers.removeAll()
        } else if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"),
            !headers.isEmpty
        {
            // Obsolete line folding: continues the previous field's value.
            headers[headers.count - 1].value += " " + Self.trimmed(line)
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: line[..<colon], as: UTF8.self)
            headers.append(HTTPField(name, Self.trimmed(line[(colon + 1)...])))
        }
        return bytes.count
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
            let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }

    // MARK: - Completion

    /// Resumes the caller with the response, or with the error `code` stands for.
    func finish(_ code: CURLcode) {
        guard code == CURLE_OK else {
            resume(throwing: makeError(code))
            return
        }
        let response = HTTPClientResponse(
            status: handle.info(CURLINFO_RESPONSE_CODE),
            headers: headers,
            body: body
        )
        continuation?.resume(returning: response)
        continuation = nil
    }

    /// Resumes the caller with `error` unless it was resumed already.
    func resume(throwing error: any Error) {
        continuation?.resume(throwing: error)
        continuation = nil
    }

    /// Resumes the caller with a ``HTTPClientError/Kind/transport`` error saying `message`.
    func fail(_ message: String) {
        resume(throwing: HTTPClientError(kind: .transport, request: request, message: message))
    }

    private func makeError(_ code: CURLcode) -> HTTPClientError {
        let curlCode = Int(code.rawValue)
        let kind = HTTPClientError.Kind(curlCode: curlCode, capExceeded: capExceeded)
        let detail = handle.errorText(for: code)
        let message: String
        switch kind {
        case .timedOut:
            if detail.hasPrefix("Operation timed out") {
                message = "timed out after \(timeout.curlDescription)"
            } else if detail.hasPrefix("Operation too slow") {
                message = "stalled: \(detail)"
            } else {
                message = "timed out: \(detail)"
            }
        case .couldNotConnect: message = "could not connect: \(detail)"
        case .couldNotResolveHost: message = "could not resolve host: \(detail)"
        case .responseTooLarge:
            message = "response larger than the limit of \(configuration.maxResponseBytes) bytes (maxResponseBytes)"
        case .tls: message = "TLS failure: \(detail)"
        case .invalidURL: message = "invalid URL: \(detail)"
        case .transport: message = "failed: \(detail)"
        }
        return HTTPClientError(kind: kind, curlCode: curlCode, request: request, message: message)
    }
}
