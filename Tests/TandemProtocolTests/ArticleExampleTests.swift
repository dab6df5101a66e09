import Foundation
import TandemProtocol
import TandemTesting
import Testing

/// The article's example bodies are the payload types' JSON: a typo or a renamed field in the documentation fails
/// here, because decoding drops what it does not know and re-encoding then differs.
@Suite("The protocol article's examples")
struct ArticleExampleTests {
    /// One `json` block of the example exchange and the payload type it illustrates.
    struct Example: Sendable, CustomTestStringConvertible {
        let label: String
        let typeName: String
        let body: Data
        let reencode: @Sendable (Data) throws -> Data

        init<Payload: Codable & Sendable>(_ label: String, _ type: Payload.Type, body: Data) {
            self.label = label
            self.typeName = String(describing: type)
            self.body = body
            reencode = { data in
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                return try encoder.encode(JSONDecoder().decode(Payload.self, from: data))
            }
        }

        var testDescription: String { "\(label) as \(typeName)" }
    }

    struct UntypedExample: Error, CustomStringConvertible {
        let description: String
    }

    /// Every body of the example: a `POST /messages` request body is a ``NewMessage``; a `200` answer is the route's
    /// payload; a `4xx` answer is an ``ErrorBody``.
    /// - Throws: ``UntypedExample`` for a body that is none of these, so that no example goes unchecked.
    static func examples() throws -> [Example] {
        var examples: [Example] = []
        for exchange in try ProtocolArticle.load().exchanges {
            let route = Route(rawValue: exchange.request.path)
            if let body = exchange.request.body {
                guard route == .messages, exchange.request.method == Route.messages.method else {
                    throw UntypedExample(description: "a request body on \(exchange)")
                }
                examples.append(Example("\(exchange), request", NewMessage.self, body: body))
            }
            guard let body = exchange.response.body else { continue }
            let label = "\(exchange), answer"
            switch (exchange.response.status, route) {
            case (400..<500, _): examples.append(Example(label, ErrorBody.self, body: body))
            case (200, .updates?): examples.append(Example(label, UpdatesPage.self, body: body))
            case (200, .messages?): examples.append(Example(label, PostedMessage.self, body: body))
            case (200, .channels?): examples.append(Example(label, ChannelList.self, body: body))
            default: throw UntypedExample(description: "no payload type for the answer of \(exchange)")
            }
        }
        return examples
    }

    @Test(arguments: try examples())
    func exampleDecodesAndReencodesToTheSameJSON(_ example: Example) throws {
        let reencoded = try example.reencode(example.body)
        #expect(try canonicalJSON(reencoded) == canonicalJSON(example.body))
    }

    @Test func everyJSONBlockIsABodyOfTheExampleExchange() throws {
        let article = try ProtocolArticle.load()
        #expect(!article.exchanges.isEmpty)
        #expect(try Self.examples().count == article.jsonBlockCount)
    }

    @Test func theExampleShowsEveryPayloadAndEveryCall() throws {
        let examples = try Self.examples()
        let payloads: Set = ["NewMessage", "PostedMessage", "UpdatesPage", "ChannelList", "ErrorBody"]
        #expect(Set(examples.map(\.typeName)) == payloads)
        let calls = try ProtocolArticle.load().exchanges.map { "\($0.request.method) \($0.request.path)" }
        #expect(Set(calls) == Set(Route.allCases.map { "\($0.method) \($0.path)" }))
    }

    /// Names from the types themselves, so a renamed type fails here until the article follows.
    @Test(arguments: [
        UpdatesRequest.self, UpdatesPage.self, Update.self, User.self, NewMessage.self, PostedMessage.self,
        ChannelList.self, Channel.self, ErrorBody.self, ProtocolLimits.self, Route.self, Timestamp.self,
    ].map { String(describing: $0) })
    func theArticleLinksThePublicType(_ name: String) throws {
        let text = try ProtocolArticle.load().text
        #expect(text.contains("``\(name)``") || text.contains("``\(name)/"))
    }

    /// The limits table names each ``ProtocolLimits`` constant beside its value: the numbers cannot drift apart.
    @Test func theLimitsTableStatesProtocolLimits() throws {
        var documented: [String: Int] = [:]
        for line in try ProtocolArticle.load().text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let symbol = cells.firstIndex(where: { $0.hasPrefix("``ProtocolLimits/") }), symbol > 0 else {
                continue
            }
            let name = cells[symbol].dropFirst("``ProtocolLimits/".count).prefix { $0 != "`" }
            let digits = cells[symbol - 1].filter(\.isNumber)
            documented[String(name)] = Int(digits)
        }
        #expect(
            documented == [
                "defaultPollSeconds": ProtocolLimits.defaultPollSeconds,
                "defaultUpdatesLimit": ProtocolLimits.defaultUpdatesLimit,
                "maxUpdatesLimit": ProtocolLimits.maxUpdatesLimit,
                "defaultMaxLongPollSeconds": ProtocolLimits.defaultMaxLongPollSeconds,
                "defaultMaxBodyBytes": ProtocolLimits.defaultMaxBodyBytes,
                "defaultRetainedMessages": ProtocolLimits.defaultRetainedMessages,
            ])
    }
}
