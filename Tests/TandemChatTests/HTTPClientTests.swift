import Foundation
import TandemChat
import Testing

/// `CurlHTTPClient` against real servers on 127.0.0.1.
@Suite("CurlHTTPClient over loopback", .tags(.integration), .timeLimit(.minutes(3)))
struct HTTPClientTests {
    // MARK: - Requests and responses

    @Test func getReturnsStatusBodyAndHeaders() async throws {
        try await withLoopbackServer({ _ in
            LoopbackResponse(headers: ["X-Test": "yes"], body: Data("hello".utf8))
        }) { base in
            let client = CurlHTTPClient()
            let response = try await client.send(HTTPClientRequest(url: base + "/hello"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.header("x-test") == "yes")
            #expect(response.header("CONTENT-LENGTH") == "5")
            #expect(response.headers.contains(HTTPField("X-Test", "yes")))
        }
    }

    @Test func postedJSONIsEchoed() async throws {
        struct Note: Codable, Equatable { var text: String; var count: Int }
        try await withLoopbackServer({ request in
            let type = request.header("Content-Type") ?? "missing"
            return LoopbackResponse(headers: ["Content-Type": type, "X-Method": request.method], body: request.body)
        }) { base in
            let client = CurlHTTPClient()
            let note = Note(text: "stretch ☕️", count: 3)
            let response = try await client.send(.json(url: base + "/echo", body: note))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("X-Method") == "POST")
            #expect(try response.decode(Note.self) == note)
        }
    }

    @Test(arguments: ["PUT", "DELETE"])
    func otherMethodsSendTheirBody(method: String) async throws {
        try await withLoopbackServer({ request in
            LoopbackResponse(headers: ["X-Method": request.method], body: request.body)
        }) { base in
            let client = CurlHTTPClient()
            let request = HTTPClientRequest(method: method, url: base + "/thing", body: Data("payload".utf8))
            let response = try await client.send(request)
            #expect(response.header("X-Method") == method)
            #expect(String(decoding: response.body, as: UTF8.self) == "payload")
        }
    }

    @Test func requestHeadersArrive() async throws {
        try await withLoopbackServer({ request in
            let seen = [
                request.header("X-Request-Id") ?? "-",
                request.header("Authorization") ?? "-",
                request.header("User-Agent") ?? "-",
            ]
            return LoopbackResponse(body: Data(seen.joined(separator: "|").utf8))
        }) { base in
            let client = CurlHTTPClient()
            let request = HTTPClientRequest(
                url: base + "/headers",
                headers: [HTTPField("X-Request-Id", "abc-123"), HTTPField("Authorization", "Bearer t0ken")]
            )
            let response = try await client.send(request)
            #expect(String(decoding: response.body, as: UTF8.self) == "abc-123|Bearer t0ken|Tandem/0.1")
        }
    }

    @Test(arguments: [404, 500])
    func errorStatusesAreResponsesNotErrors(status: Int) async throws {
        try await withLoopbackServer({ _ in
            LoopbackResponse(status: status, body: Data("nope".utf8))
        }) { base in
            let client = CurlHTTPClient()
            let response = try await client.send(HTTPClientRequest(url: base + "/missing"))
            #expect(response.status == status)
            #expect(String(decoding: response.body, as: UTF8.self) == "nope")
        }
    }

    @Test func onlyTheFinalResponsesHeadersAreKept() async throws {
        let server = try RawHTTPServer(
            response: "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        )
        defer { server.stop() }
        let client = CurlHTTPClient()
        let response = try await client.send(HTTPClientRequest(url: server.baseURL + "/interim"))
        #expect(response.status == 200)
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Interim") == nil)
        #expect(response.headers.first == HTTPField("X-Final", "yes"))
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        try await withLoopbackServer({ request in
            guard let port = request.remotePort else {
                return LoopbackResponse(status: 500)
            }
            return LoopbackResponse(body: Data("\(port)".utf8))
        }) { base in
            let client = CurlHTTPClient()
            let first = try await client.send(HTTPClientRequest(url: base + "/port"))
            let second = try await client.send(HTTPClientRequest(url: base + "/port"))
            #expect(first.status == 200)
            #expect(first.body == second.body)
        }
    }
}
