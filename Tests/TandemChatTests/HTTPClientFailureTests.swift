import Foundation
import TandemChat
import Testing

/// How `CurlHTTPClient` fails: timeouts, limits, refused connections, cancellation, shutdown.
@Suite("CurlHTTPClient failures", .tags(.integration), .timeLimit(.minutes(1)))
struct HTTPClientFailureTests {
    @Test func slowServerTimesOutWithARedactedError() async throws {
        try await withLoopbackServer({ _ in
            try await Task.sleep(for: .seconds(10))
            return LoopbackResponse()
        }) { base in
            let client = CurlHTTPClient()
            let request = HTTPClientRequest(
                url: base + "/bot123:SECRETTOKEN/getUpdates?offset=7&token=QUERYSECRET",
                headers: [HTTPField("Authorization", "Bearer AUTHVALUE")],
                timeout: .milliseconds(300),
                secrets: ["123:SECRETTOKEN"]
            )
            let start = ContinuousClock.now
            let error = try await #require(throws: HTTPClientError.self) { try await client.send(request) }
            #expect(ContinuousClock.now - start < .seconds(3))
            #expect(error.kind == .timedOut)
            #expect(error.curlCode == 28)
            #expect(error.url == base + "/bot***/getUpdates")
            #expect(error.description == "GET \(base)/bot***/getUpdates timed out after 0.3 s (curl 28)")
            for leak in ["SECRETTOKEN", "QUERYSECRET", "offset", "AUTHVALUE"] {
                #expect(!error.description.contains(leak))
                #expect(!String(reflecting: error).contains(leak))
            }
        }
    }

    @Test func bodyOverTheLimitWithContentLengthIsRefused() async throws {
        try await withLoopbackServer({ request in
            let size = request.path == "/big" ? 4096 : 1024
            return LoopbackResponse(body: Data(repeating: 65, count: size))
        }) { base in
            var configuration = CurlHTTPClient.Configuration()
            configuration.maxResponseBytes = 1024
            let client = CurlHTTPClient(configuration: configuration)

            let atLimit = try await client.send(HTTPClientRequest(url: base + "/exact"))
            #expect(atLimit.body.count == 1024)

            let error = try await #require(throws: HTTPClientError.self) {
                try await client.send(HTTPClientRequest(url: base + "/big"))
            }
            #expect(error.kind == .responseTooLarge)
            #expect(error.curlCode == 63)
            #expect(error.message.contains("1024 bytes"))
        }
    }

    @Test func chunkedBodyOverTheLimitIsRefused() async throws {
        let chunk = String(repeating: "B", count: 512)
        let chunks = String(repeating: "200\r\n\(chunk)\r\n", count: 8)
        let server = try RawHTTPServer(
            response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\(chunks)0\r\n\r\n"
        )
        defer { server.stop() }
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxResponseBytes = 1024
        let client = CurlHTTPClient(configuration: configuration)
        let error = try await #require(throws: HTTPClientError.self) {
            try await client.send(HTTPClientRequest(url: server.baseURL + "/chunked"))
        }
        #expect(error.kind == .responseTooLarge)
        #expect(error.curlCode == 23)
        #expect(error.message.contains("1024 bytes"))
    }

    @Test func refusedConnectionIsReported() async throws {
        let port = try RefusingPort()
        let client = CurlHTTPClient()
        let error = try await #require(throws: HTTPClientError.self) {
            try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port.port)/updates"))
        }
        #expect(error.kind == .couldNotConnect)
        #expect(error.curlCode == 7)
    }

    @Test(arguments: ["ftp://127.0.0.1/file", "http://exa mple.org/"])
    func unusableURLIsInvalid(url: String) async throws {
        let client = CurlHTTPClient()
        let error = try await #require(throws: HTTPClientError.self) {
            try await client.send(HTTPClientRequest(url: url))
        }
        #expect(error.kind == .invalidURL)
    }

    // MARK: - Cancellation and shutdown

    /// Runs `body` once a request the server holds for 10 s has reached it.
    private func withRequestInFlight(
        _ body: (_ base: String, _ client: CurlHTTPClient, _ poll: Task<HTTPClientResponse, any Error>) async throws -> Void
    ) async throws {
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        try await withLoopbackServer({ _ in
            arrived.yield()
            try await Task.sleep(for: .seconds(10))
            return LoopbackResponse()
        }) { base in
            let client = CurlHTTPClient()
            let poll = Task { try await client.send(HTTPClientRequest(url: base + "/hold")) }
            var iterator = arrivals.makeAsyncIterator()
            _ = await iterator.next()
            try await body(base, client, poll)
        }
    }

    @Test func cancellingTheTaskAbortsTheTransferPromptly() async throws {
        try await withRequestInFlight { _, _, poll in
            let start = ContinuousClock.now
            poll.cancel()
            let result = await poll.result
            #expect(ContinuousClock.now - start < .seconds(3))
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test func shutdownFailsInFlightAndLaterRequests() async throws {
        try await withRequestInFlight { base, client, poll in
            client.shutdown()
            await #expect(throws: CancellationError.self) { try await poll.value }
            await #expect(throws: CancellationError.self) {
                try await client.send(HTTPClientRequest(url: base + "/later"))
            }
        }
    }

    // MARK: - Concurrency

    @Test func fiftyLongPollsRunSideBySideWithoutStallingThePool() async throws {
        let polls = 50
        try await withLoopbackServer({ _ in
            try await Task.sleep(for: .seconds(1))
            return LoopbackResponse(body: Data("done".utf8))
        }) { base in
            let client = CurlHTTPClient()
            let clock = ContinuousClock()
            let start = clock.now
            let (statuses, ticks) = try await withThrowingTaskGroup(of: Int?.self) { group in
                for index in 0..<polls {
                    group.addTask {
                        let response = try await client.send(HTTPClientRequest(url: base + "/poll/\(index)"))
                        return response.status
                    }
                }
                // The ticker runs on the cooperative pool too; blocked pool threads would starve it.
                let ticker = Task {
                    var ticks = 0
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(50))
                        ticks += 1
                    }
                    return ticks
                }
                var statuses: [Int] = []
                for try await status in group {
                    if let status { statuses.append(status) }
                }
                ticker.cancel()
                return (statuses, await ticker.value)
            }
            let elapsed = clock.now - start
            #expect(statuses.count == polls)
            #expect(statuses.allSatisfy { $0 == 200 })
            // Serialised, 50 one-second polls would take 50 s; side by side they take about 1 s. The bound is far
            // from both so that a loaded 2-core machine cannot fail it, while serialising still would.
            #expect(elapsed < .seconds(20))
            // A starved pool would hardly tick at all; a healthy one ticks every 50 ms of the elapsed time.
            let expected = Int(elapsed / .milliseconds(50))
            #expect(ticks * 3 >= expected, "ticked \(ticks) times in \(elapsed)")
        }
    }
}
