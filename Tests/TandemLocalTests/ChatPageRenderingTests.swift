import Foundation
import Testing
@testable import TandemLocal

/// The page's own Markdown renderer, run by Node.js (Deploy/setup.sh --test installs it) as a browser would run it:
/// what the bot's replies look like, and that nothing a user typed becomes markup.
@Suite("Chat page rendering")
struct ChatPageRenderingTests {
    static let cases: [(markdown: String, html: String)] = [
        ("**Status:** planned", "<p><strong>Status:</strong> planned</p>"),
        // The bot escapes what users typed; the page shows the characters, not the backslashes, and no markup.
        (#"\<img src=x onerror=alert(1)\>"#, "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        (#"a \*not bold\* b"#, "<p>a *not bold* b</p>"),
        (#"50 \% off \[x\](https://example.com)"#, "<p>50 % off [x](https://example.com)</p>"),
        (#"`code \x`"#, #"<p><code>code \x</code></p>"#),
        ("- one\n- **two**", "<ul><li>one</li><li><strong>two</strong></li></ul>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[deck](javascript:alert(1))", "<p>[deck](javascript:alert(1))</p>"),
    ]

    @Test func rendersAsABrowserShowsIt() async throws {
        let html = ChatPage.html
        let script = try #require(html.range(of: "<script>").flatMap { start in
            html.range(of: "</script>", range: start.upperBound..<html.endIndex).map { String(html[start.upperBound..<$0.lowerBound]) }
        })
        var functions: [String] = []
        for name in ["escapeHTML", "isMyName", "renderInline", "renderMarkdown"] {
            let start = try #require(script.range(of: "function \(name)("), "the page has no \(name)")
            let rest = script[start.lowerBound...]
            let end = [rest.range(of: "\nfunction ")?.lowerBound, rest.range(of: "\n// ----")?.lowerBound, rest.range(of: "\nasync function ")?.lowerBound]
                .compactMap { $0 }.filter { $0 > start.upperBound }.min() ?? rest.endIndex
            functions.append(String(script[start.lowerBound..<end]))
        }
        let inputs = String(decoding: try JSONSerialization.data(withJSONObject: Self.cases.map(\.markdown)), as: UTF8.self)
        let program = "const state = { me: { name: 'Sam' }, bot: null };\n" + functions.joined(separator: "\n")
            + "\nprocess.stdout.write(JSON.stringify(\(inputs).map(renderMarkdown)));\n"
        let node = Process()
        node.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        node.arguments = ["node", "-e", program]
        let output = Pipe()
        node.standardOutput = output
        try node.run()
        // Blocking reads and waits stay off the cooperative pool.
        let data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                node.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        try #require(node.terminationStatus == 0, "node failed (Deploy/setup.sh --test installs it)")
        let rendered = try #require(try JSONSerialization.jsonObject(with: data) as? [String])
        for (expected, got) in zip(Self.cases, rendered) {
            #expect(got == expected.html, "\(expected.markdown)")
        }
    }
}
