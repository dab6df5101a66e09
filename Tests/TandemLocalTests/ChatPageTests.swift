import Foundation
import Testing
@testable import TandemLocal

@Suite("Chat page")
struct ChatPageTests {
    @Test func isSelfContained() {
        let html = ChatPage.html
        #expect(html.contains("<title>Tandem — local chat</title>"))
        // No external resources: nothing loaded by URL, no stylesheet or script links.
        #expect(!html.contains("://"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("<link"))
    }

    @Test func saysItIsTheLocalTrialEndpoint() {
        #expect(ChatPage.html.contains("Local trial endpoint"))
        #expect(ChatPage.html.contains("loopback"))
    }

    @Test func speaksTheProtocolLikeTheBot() {
        let html = ChatPage.html
        #expect(html.contains("'/updates?'"))
        #expect(html.contains("timeout: '25'"))
        #expect(html.contains("'/messages'"))
        #expect(html.contains("idempotency_key"))
        #expect(html.contains("crypto.randomUUID"))
        #expect(html.contains("'/local/participants'"))
    }

    @Test func rendersMessageTextOnlyAfterEscapingIt() {
        let html = ChatPage.html
        // The one innerHTML assignment takes renderMarkdown's output, which escapes first.
        #expect(html.components(separatedBy: "innerHTML").count == 2)
        #expect(html.contains("body.innerHTML = renderMarkdown(m.text)"))
        #expect(html.contains("const lines = escapeHTML("))
    }
}
