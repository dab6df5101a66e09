import Foundation

/// Checks that a request comes from a Teams outgoing webhook: `Authorization: HMAC {base64}` is the
/// HMAC-SHA256 of the raw body under the webhook's security token (itself base64). The scheme has no timestamp:
/// replays are caught by the activity id, as duplicates.
public struct TeamsVerifier: Sendable {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missingHeader
        case emptyBody
        case badSignature

        public var description: String {
            switch self {
            case .missingHeader: "no Authorization: HMAC header"
            case .emptyBody: "an empty body"
            case .badSignature: "the HMAC does not match the webhook's security token"
            }
        }
    }

    private let key: [UInt8]

    /// - Parameter securityToken: the token Teams showed when the outgoing webhook was created (base64); nil when
    ///   it is not base64, which then refuses every request.
    public init?(securityToken: String) {
        guard let key = Data(base64Encoded: securityToken.trimmingCharacters(in: .whitespacesAndNewlines)), !key.isEmpty else { return nil }
        self.key = Array(key)
    }

    /// Nil when the request is from the webhook; else why not.
    public func refusal(authorization: String?, body: [UInt8]) -> Refusal? {
        guard let authorization else { return .missingHeader }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "hmac" else { return .missingHeader }
        guard !body.isEmpty else { return .emptyBody }
        guard let given = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)) else { return .badSignature }
        return HMACSHA256.equal(Array(given), HMACSHA256.mac(key: key, message: body)) ? nil : .badSignature
    }
}
