import Foundation
import TandemChat
import Testing

/// Redaction of URLs and secrets in `HTTPClientError`.
@Suite("HTTPClientError redaction")
struct HTTPClientErrorTests {
    struct RedactionCase: Sendable, CustomTestStringConvertible {
        var url: String
        var secrets: [String] = []
        var expected: String
        var testDescription: String { url }
    }

    @Test(arguments: [
        RedactionCase(url: "https://api.example.org/v1/sync?since=s1&access_token=abc", expected: "https://api.example.org/v1/sync"),
        RedactionCase(url: "http://user:pass@example.org:8080/path#frag", expected: "http://example.org:8080/path"),
        RedactionCase(url: "https://example.org?x=1", expected: "https://example.org"),
        RedactionCase(
            url: "https://api.telegram.org/bot123:ABC/getUpdates?offset=1",
            secrets: ["123:ABC"],
            expected: "https://api.telegram.org/bot***/getUpdates"
        ),
        RedactionCase(
            url: "https://example.org/token/a%20b/x",
            secrets: ["a b"],
            expected: "https://example.org/token/***/x"
        ),
        RedactionCase(url: "not a url?secret=1", expected: "not a url"),
    ])
    func urlIsRedacted(_ testCase: RedactionCase) {
        let request = HTTPClientRequest(url: testCase.url, secrets: testCase.secrets)
        let error = HTTPClientError(kind: .transport, request: request, message: "failed")
        #expect(error.url == testCase.expected)
    }

    @Test func secretsAndCredentialHeadersAreMaskedInTheMessage() {
        let request = HTTPClientRequest(
            method: "POST",
            url: "https://example.org/hook",
            headers: [HTTPField("Authorization", "Bearer s3cr3t"), HTTPField("X-Trace", "visible")],
            secrets: ["hunter2", ""]
        )
        let error = HTTPClientError(
            kind: .transport,
            curlCode: 56,
            request: request,
            message: "failed: hunter2 s3cr3t Bearer s3cr3t visible"
        )
        #expect(error.message == "failed: *** *** *** visible")
        #expect(error.description == "POST https://example.org/hook failed: *** *** *** visible (curl 56)")
    }

    @Test func jsonRequestKeepsAGivenContentType() throws {
        let request = try HTTPClientRequest.json(
            url: "http://127.0.0.1/x",
            body: ["a": 1],
            headers: [HTTPField("content-type", "application/vnd.api+json")]
        )
        #expect(request.method == "POST")
        #expect(request.headers == [HTTPField("content-type", "application/vnd.api+json")])
        #expect(request.body == Data(#"{"a":1}"#.utf8))
    }
}
