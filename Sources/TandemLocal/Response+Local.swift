import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemProtocol

extension Response {
    /// A JSON answer with sorted keys (stable output for tests and diffs) and no caching.
    package static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Self {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs of strings cannot fail; an empty object is a safe fallback.
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Self(
            status: status,
            headers: jsonHeaders,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// An updates page, written by ``ProtocolJSON`` rather than `JSONEncoder`: the same bytes, for less CPU on the
    /// endpoint's busiest answer.
    static func json(_ page: UpdatesPage) -> Self {
        var body = ByteBufferAllocator().buffer(capacity: 64 + 192 * page.updates.count)
        ProtocolJSON.write(page, into: &body)
        return Self(status: .ok, headers: jsonHeaders, body: ResponseBody(byteBuffer: body))
    }

    /// A post's answer, written by ``ProtocolJSON``: the same bytes as `JSONEncoder`'s.
    static func json(_ posted: PostedMessage) -> Self {
        var body = ByteBufferAllocator().buffer(capacity: 32)
        ProtocolJSON.write(posted, into: &body)
        return Self(status: .ok, headers: jsonHeaders, body: ResponseBody(byteBuffer: body))
    }

    /// The headers of every JSON answer, built once.
    private static let jsonHeaders: HTTPFields = [
        .contentType: "application/json; charset=utf-8",
        .cacheControl: "no-store",
    ]

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
