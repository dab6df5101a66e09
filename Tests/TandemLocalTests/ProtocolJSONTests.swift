import Foundation
import Hummingbird
import NIOCore
import TandemProtocol
import Testing
@testable import TandemLocal

/// ``ProtocolJSON`` against the `JSONEncoder` output it replaces, byte for byte.
@Suite("ProtocolJSON writes JSONEncoder's bytes")
struct ProtocolJSONTests {
    /// What `Response.json` wrote with `JSONEncoder` for every payload, and still writes for the others.
    private static func encoderBytes(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    private static func fastBytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        write(&buffer)
        return Array(buffer.readableBytesView)
    }

    /// Escapes, every ASCII control character, slashes, non-ASCII (accents, CJK, emoji, a combining mark,
    /// U+2028) and the empty string.
    static let texts: [String] = [
        "",
        "hello",
        #"quote " and backslash \ and slash / and </script>"#,
        "line\nbreak\r\ttab\u{8}back\u{C}feed",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}",
        "Grüße, Frühjahrskampagne – “quoted” 🚀👩‍👩‍👧 e\u{301} 日本語 \u{2028}\u{2029}",
        String(repeating: "long \"text\" ", count: 120),
    ]

    @Test(arguments: texts)
    func updatesPageBytesEqualJSONEncoders(text: String) throws {
        let updates = [
            Update(id: "1", channel: "general", user: User(id: "alice", name: text), text: text, timestamp: "2026-11-30T10:00:00.123Z"),
            Update(id: "22", channel: text, user: User(id: text, name: "Bob"), text: "x", timestamp: nil, thread: text),
            Update(id: text, channel: "dm", user: User(id: "b", name: "B"), text: text, timestamp: text, thread: "1"),
        ]
        for page in [
            UpdatesPage(updates: updates, cursor: "22"),
            UpdatesPage(updates: [], cursor: "0"),
            UpdatesPage(updates: Array(updates.prefix(1)), cursor: nil),
            UpdatesPage(updates: [], cursor: text),
        ] {
            #expect(Self.fastBytes { ProtocolJSON.write(page, into: &$0) } == (try Self.encoderBytes(page)))
        }
    }

    @Test(arguments: texts + ["12345"])
    func postedMessageBytesEqualJSONEncoders(id: String) throws {
        let posted = PostedMessage(id: id)
        #expect(Self.fastBytes { ProtocolJSON.write(posted, into: &$0) } == (try Self.encoderBytes(posted)))
    }

    @Test func fastAnswersCarryTheJSONHeaders() async throws {
        let page = UpdatesPage(updates: [], cursor: "7")
        let response = Response.json(page)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.headers[.cacheControl] == "no-store")
    }
}
