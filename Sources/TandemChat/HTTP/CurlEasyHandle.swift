import CCurl
import Foundation

/// Owns one `CURL*` easy handle, its header list and its error buffer, and frees them in `deinit`.
///
/// Only the worker thread creates, uses and releases these (see ``CurlMultiWorker``); libcurl handles may move
/// between threads but must never be used by two at once, which that confinement guarantees.
final class CurlEasyHandle {
    /// The `CURL*` handle.
    let raw: UnsafeMutableRawPointer
    /// Receives libcurl's own description of a failure (`CURLOPT_ERRORBUFFER`); must outlive the handle's use.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request header list; libcurl keeps only a pointer to it, so it must live as long as the handle.
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// Returns nil when libcurl cannot allocate a handle.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        _ = tandem_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Puts every option back to libcurl's default, so that nothing of the last request (method, body, headers,
    /// callbacks) reaches the next one. Connections stay in the multi handle's cache, so the next request to the
    /// same host still reuses one.
    func reset() {
        curl_easy_reset(raw)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer[0] = 0
        _ = tandem_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    /// libcurl's detail text for the last failure, or its generic text for `code` when it wrote none.
    func errorText(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    // MARK: - Options

    func set(_ option: CURLoption, _ value: Int) throws(CurlOptionError) {
        try check(tandem_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlOptionError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlOptionError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go away afterwards.
        try check(value.withCString { tandem_easy_setopt_string(raw, option, $0) }, option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlOptionError) {
        try check(tandem_easy_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlOptionError) {
        try check(tandem_easy_setopt_pointer(raw, option, value), option)
    }

    func set(_ option: CURLoption, callback: curl_write_callback) throws(CurlOptionError) {
        try check(tandem_easy_setopt_write_callback(raw, option, callback), option)
    }

    /// Sets `CURLOPT_COPYPOSTFIELDS`, which copies the bytes, so the handle does not depend on `body` staying alive.
    /// `CURLOPT_POSTFIELDSIZE_LARGE` must be set first so that binary data with NUL bytes is sent whole.
    func setCopiedPostFields(_ body: Data) throws(CurlOptionError) {
        let code = body.withUnsafeBytes { bytes in
            // An empty body may have no base address; libcurl needs a valid (empty) string then.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return tandem_easy_setopt_string(raw, CURLOPT_COPYPOSTFIELDS, "")
            }
            return tandem_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
        }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    /// Sets `CURLOPT_HTTPHEADER` to `lines` (each `"Name: value"`), replacing any earlier list.
    func setHeaderLines(_ lines: [String]) throws(CurlOptionError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlOptionError(option: CURLOPT_HTTPHEADER, code: CURLE_OUT_OF_MEMORY)
            }
            list = appended
        }
        do {
            try check(tandem_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        curl_slist_free_all(headerList)
        headerList = list
    }

    // MARK: - Information

    /// A `long` piece of transfer information, e.g. `CURLINFO_RESPONSE_CODE`; 0 when unavailable.
    func info(_ info: CURLINFO) -> Int {
        var value = 0
        return tandem_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlOptionError) {
        guard code == CURLE_OK else { throw CurlOptionError(option: option, code: code) }
    }
}

/// libcurl refused an option (unknown, unsupported by this build, or out of memory).
struct CurlOptionError: Error {
    var option: CURLoption
    var code: CURLcode
}
