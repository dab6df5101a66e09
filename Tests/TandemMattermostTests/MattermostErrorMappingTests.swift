import Foundation
import TandemChat
import Testing

/// How the server's answers map to what the bot does, with answers the fake does not give on its own (a stub).
struct MattermostErrorMappingTests {
    /// Answers `users/me` normally and everything else with `status` and `headers`.
    struct Stub: HTTPClient {
        let status: Int
        let headers: [HTTPField]
        let body: String

        func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
            if request.url.hasSuffix("/users/me") {
                return HTTPClientResponse(status: 200, body: Data(#"{"id":"botbotbotbotbotbotbotbotbo","username":"tandem"}"#.utf8))
            }
            return HTTPClientResponse(status: status, headers: headers, body: Data(body.utf8))
        }
    }

    struct MappingCase: Sendable, CustomTestStringConvertible {
        let label: String
        let status: Int
        let headers: [HTTPField]
        let body: String
        let kind: TransportError.Kind
        var testDescription: String { label }
    }

    static let errorBody = #"{"id":"api.context.permissions.app_error","message":"You do not have the appropriate permissions.","request_id":"r","status_code":403,"is_oauth":false}"#

    @Test(arguments: [
        MappingCase(label: "429 without Retry-After: X-RateLimit-Reset", status: 429, headers: [HTTPField("X-RateLimit-Reset", "4")], body: "limit exceeded", kind: .rateLimited(retryAfter: 4)),
        MappingCase(label: "429 with neither: one second", status: 429, headers: [], body: "limit exceeded", kind: .rateLimited(retryAfter: 1)),
        MappingCase(label: "403 on the channel list: the token lacks a permission", status: 403, headers: [], body: errorBody, kind: .unauthorized),
        MappingCase(label: "502 from a proxy, not JSON", status: 502, headers: [], body: "<html>Bad Gateway</html>", kind: .transient),
        MappingCase(label: "404: not Mattermost there", status: 404, headers: [], body: "{}", kind: .rejected(status: 404)),
    ])
    func anAnswerMapsToWhatTheBotShouldDo(_ c: MappingCase) async throws {
        let transport = MattermostTransport(configuration: .init(serverURL: "http://127.0.0.1:1", token: "t0ken"), http: Stub(status: c.status, headers: c.headers, body: c.body))
        let error = try await #require(throws: TransportError.self) { try await transport.poll(after: nil) }
        #expect(error.kind == c.kind, "\(error)")
        #expect(!error.message.contains("t0ken"))
    }
}
