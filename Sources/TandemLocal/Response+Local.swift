import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer with sorted keys (stable output for tests and diffs) and no caching.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Self {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs of strings cannot fail; an empty object is a safe fallback.
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Self(
            status: status,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// The chat page, locked down so that even a rendering bug cannot load or send anything elsewhere.
    static func chatPage() -> Self {
        Self(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: ChatPage.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
                .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: chatPageBytes)
        )
    }

    /// The page's bytes, encoded once: a `ByteBuffer` is copy-on-write, so each answer shares them.
    private static let chatPageBytes = ByteBuffer(string: ChatPage.html)
}

extension HTTPField.Name {
    /// Not among swift-http-types' registered names.
    static let referrerPolicy = Self("Referrer-Policy")!
}
