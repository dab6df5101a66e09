import FlyingFox
import Foundation

extension FlyingFox.HTTPResponse {
    /// A JSON answer with sorted keys (stable output for tests and diffs) and no caching.
    static func json(_ value: some Encodable, status: HTTPStatusCode = .ok) -> Self {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs of strings cannot fail; an empty object is a safe fallback.
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Self(
            statusCode: status,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .cacheControl: "no-store",
            ],
            body: body
        )
    }

    /// The chat page, locked down so that even a rendering bug cannot load or send anything elsewhere.
    static func chatPage() -> Self {
        Self(
            statusCode: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                HTTPHeader("Content-Security-Policy"): ChatPage.contentSecurityPolicy,
                HTTPHeader("X-Content-Type-Options"): "nosniff",
                HTTPHeader("Referrer-Policy"): "no-referrer",
            ],
            body: Data(ChatPage.html.utf8)
        )
    }
}
