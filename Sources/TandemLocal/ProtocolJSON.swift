import NIOCore
import TandemProtocol

/// Writes the two answers of the hot path, ``UpdatesPage`` and ``PostedMessage``, straight into a `ByteBuffer`.
///
/// Foundation's `JSONEncoder` built a tree of boxed values per answer and was the largest share of the endpoint's
/// own CPU in the profile. The bytes are the ones `Response.json` writes with `JSONEncoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`): keys in sorted order, `nil` optionals left out, the same escapes. The tests compare
/// the two byte for byte, so a payload that gains a field fails them rather than drifting silently.
enum ProtocolJSON {
    /// `{"cursor":…,"updates":[…]}`, keys sorted as `JSONEncoder` sorts them.
    static func write(_ page: UpdatesPage, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{")
        if let cursor = page.cursor {
            buffer.writeStaticString(#""cursor":"#)
            writeString(cursor, into: &buffer)
            buffer.writeStaticString(",")
        }
        buffer.writeStaticString(#""updates":["#)
        for (index, update) in page.updates.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            write(update, into: &buffer)
        }
        buffer.writeStaticString("]}")
    }

    /// `{"id":…}`.
    static func write(_ posted: PostedMessage, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"id":"#)
        writeString(posted.id, into: &buffer)
        buffer.writeStaticString("}")
    }

    /// Keys in `JSONEncoder`'s sorted order: channel, id, text, thread, ts, user.
    private static func write(_ update: Update, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"channel":"#)
        writeString(update.channel, into: &buffer)
        buffer.writeStaticString(#","id":"#)
        writeString(update.id, into: &buffer)
        buffer.writeStaticString(#","text":"#)
        writeString(update.text, into: &buffer)
        if let thread = update.thread {
            buffer.writeStaticString(#","thread":"#)
            writeString(thread, into: &buffer)
        }
        if let timestamp = update.timestamp {
            buffer.writeStaticString(#","ts":"#)
            writeString(timestamp, into: &buffer)
        }
        buffer.writeStaticString(#","user":{"id":"#)
        writeString(update.user.id, into: &buffer)
        buffer.writeStaticString(#","name":"#)
        writeString(update.user.name, into: &buffer)
        buffer.writeStaticString("}}")
    }

    /// A JSON string literal with `JSONEncoder`'s escapes: `"` and `\`, the short forms of backspace, form feed,
    /// newline, carriage return and tab, `\u00xx` (lower-case hex) for the other control characters; everything
    /// else, `/` and non-ASCII included, as its UTF-8 bytes. Text without anything to escape is copied in one go.
    static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"")
        var string = string
        string.withUTF8 { bytes in
            guard bytes.contains(where: needsEscape) else {
                buffer.writeBytes(bytes)
                return
            }
            var start = 0
            for (index, byte) in bytes.enumerated() where needsEscape(byte) {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                writeEscape(of: byte, into: &buffer)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        buffer.writeStaticString("\"")
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func writeEscape(of byte: UInt8, into buffer: inout ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
        case 0x08: buffer.writeStaticString(#"\b"#)
        case 0x0C: buffer.writeStaticString(#"\f"#)
        case 0x0A: buffer.writeStaticString(#"\n"#)
        case 0x0D: buffer.writeStaticString(#"\r"#)
        case 0x09: buffer.writeStaticString(#"\t"#)
        default:
            let hex: StaticString = "0123456789abcdef"
            buffer.writeStaticString(#"\u00"#)
            buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
            buffer.writeInteger(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
