import Foundation

/// Removes secrets from text about a request before it reaches an error, a log or a chat.
///
/// Masks the request's explicit ``HTTPClientRequest/secrets`` and the values of credential headers
/// (`Authorization`, `Cookie`, `*-Token` …), both verbatim and percent-encoded, because tokens travel in paths
/// (Telegram), queries and headers alike.
public struct Redactor: Sendable {
    /// Non-empty secrets, longest first so a secret containing another is masked whole.
    private let secrets: [String]

    /// A URL from the configuration as Tandem shows it anywhere (start-up lines, `check-config`, logs): scheme, host,
    /// port and path; never a password in its userinfo, a token in its query, or its fragment.
    public static func shown(_ url: String) -> String { Redactor(secrets: []).redactURL(url) }

    private init(secrets: [String]) { self.secrets = secrets }

    init(request: HTTPClientRequest) {
        var found = request.secrets
        for field in request.headers where Self.isCredential(field.name) {
            found.append(field.value)
            // "Bearer abc": the bare credential may show up on its own too.
            if let space = field.value.firstIndex(of: " ") {
                found.append(field.value[space...].trimmingCharacters(in: .whitespaces))
            }
        }
        var all = Set<String>()
        for secret in found where !secret.isEmpty {
            all.insert(secret)
            for allowed in [CharacterSet.urlPathAllowed, .urlQueryAllowed, .alphanumerics] {
                if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) {
                    all.insert(encoded)
                }
            }
        }
        secrets = all.sorted { $0.count > $1.count }
    }

    /// Replaces every secret in `text` with `***`.
    func mask(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// `scheme://host[:port]/path` of `url`, without userinfo, query or fragment, with secrets masked.
    ///
    /// Works on the raw string rather than `URL`/`URLComponents` so that even a URL they reject is redacted.
    func redactURL(_ url: String) -> String {
        var rest = Substring(url)
        var scheme = Substring("")
        if let separator = rest.range(of: "://") {
            scheme = rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
        }
        var path = Substring("")
        if !scheme.isEmpty {
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            path = rest[authorityEnd...]
            if let at = authority.lastIndex(of: "@") {
                authority = authority[authority.index(after: at)...]
            }
            if let queryStart = authority.firstIndex(where: { $0 == "?" || $0 == "#" }) {
                authority = authority[..<queryStart]
                path = ""
            }
            rest = authority
        } else {
            path = rest
            rest = ""
        }
        if let queryStart = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            path = path[..<queryStart]
        }
        return mask(String(scheme + rest + path))
    }

    private static func isCredential(_ name: String) -> Bool {
        let name = name.lowercased()
        return name == "authorization" || name == "proxy-authorization" || name == "cookie"
            || name.contains("token") || name.contains("secret") || name.contains("api-key")
            || name.contains("apikey")
    }
}
