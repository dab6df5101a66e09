import COpenSSL

/// Slack's request signature (v0), as the Events API, slash commands and interactivity send it.
///
/// `"v0=" + hex(HMAC-SHA256(key: signing secret as UTF-8, message: "v0:" + timestamp + ":" + raw body))`, lower-case
/// hex (PLATFORMS-WEBHOOKS.md 1.2). Computed with OpenSSL's libcrypto, the library the relay links too, so the fake
/// and the relay agree by construction only if both also agree with Slack's published vector — which the fake's
/// tests check.
public enum SlackSigning {
    /// The `X-Slack-Signature` value for a request.
    /// - Parameters:
    ///   - secret: The app's signing secret, used as its UTF-8 bytes (never hex- or base64-decoded).
    ///   - timestamp: The `X-Slack-Request-Timestamp` value, integer Unix seconds as sent.
    ///   - body: The raw request body, byte for byte.
    public static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        "v0=" + hex(hmacSHA256(key: Array(secret.utf8), message: Array("v0:\(timestamp):".utf8) + body))
    }

    /// HMAC-SHA256 through OpenSSL's one-shot `HMAC()`.
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress, messageBytes.count,
                    &digest, &length)
            }
        }
        // HMAC() fails only when libcrypto cannot allocate or lacks SHA-256; no test can go on without it.
        precondition(result != nil && length == 32, "OpenSSL HMAC-SHA256 failed")
        return Array(digest[..<Int(length)])
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }
}
