import Foundation

/// The protocol article (`Sources/TandemProtocol/TandemProtocol.docc/WebhookChatProtocol.md`) read from the source
/// tree, with its example exchange parsed, so tests can hold the documentation to the code.
///
/// The example is a sequence of fenced blocks: an `http` block with a request line (`GET /updates?… HTTP/1.1`) and
/// headers, optionally followed by a `json` block as its body, then an `http` block with a status line
/// (`HTTP/1.1 200 OK`) and headers, optionally followed by a `json` block. A `json` block anywhere else is an error,
/// so that no example goes unchecked.
public struct ProtocolArticle: Sendable {
    /// The article's Markdown.
    public let text: String
    /// The requests and answers of the example exchange, in order.
    public let exchanges: [Exchange]
    /// How many `json` blocks the article has: each must be a request's or an answer's body.
    public let jsonBlockCount: Int

    public struct Exchange: Sendable, CustomStringConvertible {
        public let request: Request
        public let response: Response

        public var description: String { "\(request.method) \(request.target) → \(response.status)" }
    }

    public struct Request: Sendable {
        public let method: String
        /// The path with its query, as in the request line.
        public let target: String
        /// Header names lowercased.
        public let headers: [String: String]
        public let body: Data?

        /// The path without the query.
        public var path: String { String(target.prefix { $0 != "?" }) }

        /// The query's items, decoded.
        public var query: [String: String] {
            let items = URLComponents(string: target)?.queryItems ?? []
            return Dictionary(items.map { ($0.name, $0.value ?? "") }) { first, _ in first }
        }

        /// The token of the `Authorization: Bearer` header.
        public var token: String? {
            headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        }
    }

    public struct Response: Sendable {
        public let status: Int
        /// Header names lowercased.
        public let headers: [String: String]
        public let body: Data?
    }

    /// Why the article's example cannot be read as an exchange.
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The article's path in the source tree, found from this file's.
    public static let path: String = {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TandemTesting
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        return root.appendingPathComponent("Sources/TandemProtocol/TandemProtocol.docc/WebhookChatProtocol.md").path
    }()

    /// Reads and parses the article.
    /// - Throws: a file error, or ``FormatError`` naming the block that breaks the example's shape.
    public static func load() throws -> ProtocolArticle {
        try ProtocolArticle(text: String(contentsOfFile: path, encoding: .utf8))
    }

    public init(text: String) throws {
        self.text = text
        let blocks = Self.fencedBlocks(in: text)
        jsonBlockCount = blocks.count(where: { $0.language == "json" })
        exchanges = try Self.exchanges(in: blocks.filter { $0.language == "json" || $0.language == "http" })
    }

    // MARK: - Parsing

    private struct Block {
        let language: String
        let lines: [String]
    }

    private static func fencedBlocks(in text: String) -> [Block] {
        var blocks: [Block] = []
        var open: (language: String, lines: [String])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if let current = open {
                    blocks.append(Block(language: current.language, lines: current.lines))
                    open = nil
                } else {
                    open = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), [])
                }
            } else {
                open?.lines.append(line)
            }
        }
        return blocks
    }

    private static func exchanges(in blocks: [Block]) throws -> [Exchange] {
        var exchanges: [Exchange] = []
        var index = 0
        /// The `json` block after `index`, if the next block is one, as the body of the message before it.
        func body() -> Data? {
            guard index < blocks.count, blocks[index].language == "json" else { return nil }
            defer { index += 1 }
            return Data(blocks[index].lines.joined(separator: "\n").utf8)
        }
        while index < blocks.count {
            let block = blocks[index]
            index += 1
            guard block.language == "http", let requestLine = block.lines.first,
                case let (method, target)? = requestParts(requestLine)
            else {
                let first = block.lines.first ?? ""
                throw FormatError(description: "expected an http request, found \(block.language): \(first)")
            }
            let request = Request(method: method, target: target, headers: headers(block.lines), body: body())
            guard index < blocks.count, blocks[index].language == "http", let statusLine = blocks[index].lines.first,
                let status = self.status(statusLine)
            else {
                throw FormatError(description: "\(method) \(target) has no http answer after it")
            }
            let answer = blocks[index]
            index += 1
            let response = Response(status: status, headers: headers(answer.lines), body: body())
            exchanges.append(Exchange(request: request, response: response))
        }
        return exchanges
    }

    /// `GET /updates?after=2 HTTP/1.1` → (`GET`, `/updates?after=2`).
    private static func requestParts(_ line: String) -> (String, String)? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[2] == "HTTP/1.1", parts[0].allSatisfy(\.isUppercase) else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// `HTTP/1.1 400 Bad Request` → 400.
    private static func status(_ line: String) -> Int? {
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1" else { return nil }
        return Int(parts[1])
    }

    private static func headers(_ lines: [String]) -> [String: String] {
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }
}
