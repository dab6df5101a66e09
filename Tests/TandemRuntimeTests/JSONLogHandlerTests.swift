import Foundation
import Logging
@testable import TandemRuntime
import Testing

/// `--log-format json`: one object per line, whose own fields no metadata can overwrite.
struct JSONLogHandlerTests {
    @Test func metadataNamedLikeAnOwnFieldIsKeptBesideIt() throws {
        var handler = JSONLogHandler(label: "tandem")
        handler[metadataKey: "level"] = "from the logger"
        let event = LogEvent(
            level: .info, message: "handled", metadata: ["message": "m-42", "message_id": "m-42", "user": "sam"],
            source: "TandemRuntime", file: #fileID, function: #function, line: #line)
        let line = try #require(handler.line(for: event))
        #expect(line.last == UInt8(ascii: "\n"))
        let fields = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
        #expect(fields["message"] == "handled")
        #expect(fields["metadata.message"] == "m-42")
        #expect(fields["message_id"] == "m-42")
        #expect(fields["level"] == "info")
        #expect(fields["metadata.level"] == "from the logger")
        #expect(fields["user"] == "sam")
    }
}
