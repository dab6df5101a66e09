import Foundation
import Synchronization
import TandemTesting
import Testing

@testable import TandemLocal

/// The protocol article's example exchange, sent in order to a real endpoint: the documented statuses, headers and
/// bodies are what the server answers, so the article cannot describe a protocol the code does not speak.
@Suite("The protocol article's example, replayed", .timeLimit(.minutes(3)))
struct ArticleExchangeReplayTests {
    /// The article's `ts` values: the first message at ``Fixtures/fixedDate``, each further one 2.5 s later.
    final class SteppingNow: Sendable {
        private let count = Mutex(0)

        func next() -> Date {
            let step = count.withLock { count in
                defer { count += 1 }
                return count
            }
            return Fixtures.fixedDate.addingTimeInterval(2.5 * Double(step))
        }
    }

    @Test func exampleExchangeGetsTheDocumentedAnswers() async throws {
        let article = try ProtocolArticle.load()
        #expect(article.exchanges.count >= 5)
        let now = SteppingNow()
        try await withRunningEndpoint(now: { now.next() }) { _, client in
            for exchange in article.exchanges {
                let request = exchange.request
                var headers: [String: String] = [:]
                for (name, value) in request.headers where name != "host" && name != "authorization" {
                    headers[name] = value
                }
                let clock = ContinuousClock()
                let start = clock.now
                let reply = try await client.send(
                    request.method, request.path, query: request.query, token: request.token,
                    headers: headers, body: request.body ?? Data())
                let elapsed = clock.now - start

                #expect(reply.status == exchange.response.status, "\(exchange)")
                for (name, value) in exchange.response.headers {
                    #expect(reply.headers[name] == value, "\(exchange): \(name)")
                }
                let expected = try #require(exchange.response.body, "\(exchange) shows no answer body")
                #expect(try canonicalJSON(reply.body) == canonicalJSON(expected), "\(exchange)")
                // An empty answer to a long poll comes only once its timeout is up.
                if request.path == "/updates", let timeout = request.query["timeout"].flatMap(Double.init), timeout > 0,
                    (try reply.object()["updates"] as? [Any])?.isEmpty == true
                {
                    #expect(elapsed >= .seconds(timeout) - .milliseconds(50), "\(exchange) answered after \(elapsed)")
                }
            }
        }
    }
}
