import COpenSSL

/// HMAC-SHA256 from OpenSSL's libcrypto (already on every machine that has libcurl's TLS), and the
/// constant-time comparison every signature check must use.
enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key`.
    static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        // EVP_Q_mac is OpenSSL 3's one-shot MAC (the older HMAC() is deprecated there). It fails only for an unknown
        // algorithm name or out of memory; a zero MAC then matches no signature.
        let done = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { data in
                EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, keyBytes.baseAddress, key.count, data.baseAddress, message.count, &out, 32, &length)
            }
        }
        return done == nil || length != 32 ? [UInt8](repeating: 0, count: 32) : out
    }

    /// Whether `a` and `b` are equal, in time that depends only on their length: a signature compared byte by
    /// byte with an early exit tells an attacker how many leading bytes were right.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}
