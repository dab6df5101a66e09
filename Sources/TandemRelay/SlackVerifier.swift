import Foundation

/// Checks that a request comes from Slack: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256 of
/// `v0:{X-Slack-Request-Timestamp}:{raw body}` under the app's signing secret, and the timestamp is within five
/// minutes of now (an older request may be a replay).
///
/// The raw body is checked before anything parses it: re-encoding would change the bytes signed.
public struct SlackVerifier: Sendable {
    /// Slack's documented replay window.
    public static let window: TimeInterval = 300

    /// Why a request was refused: for the log, never with the request's content.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missingHeaders
        case badTimestamp
        case stale(seconds: Int)
        case badSignature

        public var description: String {
            switch self {
            case .missingHeaders: "no X-Slack-Signature or X-Slack-Request-Timestamp header"
            case .badTimestamp: "X-Slack-Request-Timestamp is not a number of seconds"
            case .stale(let seconds): "the timestamp is \(seconds) s away from now (more than 300 s: a replay?)"
            case .badSignature: "the signature does not match the signing secret"
            }
        }
    }

    private let secret: [UInt8]

    /// - Parameter signingSecret: the app's signing secret as shown by Slack, used as UTF-8 bytes (not decoded).
    public init(signingSecret: String) {
        secret = Array(signingSecret.utf8)
    }

    /// Nil when the request is Slack's; else why not.
    public func refusal(timestamp: String?, signature: String?, body: [UInt8], now: Date) -> Refusal? {
        guard let timestamp, let signature else { return .missingHeaders }
        guard let seconds = Int(timestamp) else { return .badTimestamp }
        let skew = Int(now.timeIntervalSince1970) - seconds
        guard abs(skew) <= Int(Self.window) else { return .stale(seconds: skew) }
        guard signature.hasPrefix("v0="), let given = Hex.bytes(signature.dropFirst(3)) else { return .badSignature }
        let expected = HMACSHA256.mac(key: secret, message: Array("v0:\(timestamp):".utf8) + body)
        return HMACSHA256.equal(given, expected) ? nil : .badSignature
    }
}

/// Hex digits to bytes.
enum Hex {
    /// The bytes of an even-length string of hex digits (either case), or nil.
    static func bytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
