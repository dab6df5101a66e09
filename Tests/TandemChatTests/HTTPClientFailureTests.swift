import Foundation
import TandemChat
import Testing

/// How `CurlHTTPClient` fails: timeouts, limits, refused connections, cancellation, shutdown.
@Suite("CurlHTTPClient failures", .tags(.integration), .timeLimit(.minutes(3)))
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
            // Before the server's 10 s: the client gave up (a loaded machine may take a few seconds to say so).
            #expect(ContinuousClock.now - start < .seconds(9))
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

    /// All 50 requests reach the server while none has been answered: a client that blocked the cooperative pool
    /// (2 threads here) could have at most a pool's worth in flight, and the server's gate would never open.
    /// Signals only, no timing; a client that serialised would hang here until the time limit fails it.
    @Test(.timeLimit(.minutes(3))) func fiftyLongPollsRunSideBySideWithoutStallingThePool() async throws {
        let polls = 50
        let gate = ArrivalGate(expected: polls)
        try await withLoopbackServer({ _ in
            await gate.arriveAndWait()
            return LoopbackResponse(body: Data("done".utf8))
        }) { base in
            let client = CurlHTTPClient()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<polls {
                    group.addTask { try await client.send(HTTPClientRequest(url: base + "/poll/\(index)")).status }
                }
                // Returns once every poll is held by the server at the same time, then lets them all answer.
                await gate.untilAllArrived()
                // The pool still runs other work while 50 transfers are open.
                let poolIsFree = await Task { true }.value
                #expect(poolIsFree)
                await gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == polls)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }
}

/// Holds requests until `expected` of them have arrived and the test opens it.
private actor ArrivalGate {
    private let expected: Int
    private var arrived = 0
    private var isOpen = false
    private var held: [CheckedContinuation<Void, Never>] = []
    private var allArrived: CheckedContinuation<Void, Never>?

    init(expected: Int) { self.expected = expected }

    func arriveAndWait() async {
        arrived += 1
        if arrived == expected { allArrived?.resume(); allArrived = nil }
        guard !isOpen else { return }
        await withCheckedContinuation { held.append($0) }
    }

    func untilAllArrived() async {
        guard arrived < expected else { return }
        await withCheckedContinuation { allArrived = $0 }
    }

    func open() {
        isOpen = true
        held.forEach { $0.resume() }
        held.removeAll()
    }
}
