import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One request as a loopback server's handler sees it: the raw body bytes (signatures are over these) and headers
/// looked up case-insensitively.
public struct LoopbackHTTPRequest: Sendable {
    public let method: String
    /// The path without the query string, e.g. `/api/chat.postMessage`.
    public let path: String
    /// The body exactly as received.
    public let body: [UInt8]
    /// Every header field in the order received, with names as the client sent them.
    public let headerFields: [(name: String, value: String)]
    /// The client's port, to tell connections apart.
    public let remotePort: Int?
    /// The query string without its `?`, if any (Google Chat's `requestId`, Discord's `wait`).
    public var query: String? = nil

    /// The first value of a header, by case-insensitive name (HTTP field names are case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headerFields.first { $0.name.lowercased() == wanted }?.value
    }
}

/// What a loopback server's handler answers.
public struct LoopbackHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Serves `handler` over HTTP/1.1 on 127.0.0.1 at a free port while `body` runs, then stops the server, however
/// `body` ends. The port is known from Hummingbird's `onServerRunning`, so nothing polls or sleeps.
///
/// - Parameters:
///   - handler: Answers every request, whatever its method and path.
///   - body: Gets the base URL, e.g. `http://127.0.0.1:40123`.
public func withLoopbackHTTPServer<Result>(
    _ handler: @escaping @Sendable (LoopbackHTTPRequest) async throws -> LoopbackHTTPResponse,
    body: (_ baseURL: String) async throws -> Result
) async throws -> Result {
    let (ports, portStream) = AsyncStream.makeStream(of: Int?.self)
    let application = Application(
        responder: HandlerResponder(handler: handler),
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
        onServerRunning: { channel in
            portStream.yield(channel.localAddress?.port)
            portStream.finish()
        },
        logger: Logger(label: "tandem.loopback-testing", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            do {
                try await application.run()
            } catch where Task.isCancelled {
                // Cancelling the server can surface as a socket error from the closed listener: a clean stop.
            }
            portStream.finish()  // a server that failed to start must not leave the caller waiting for a port
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() ?? nil else {
            throw LoopbackServerError(description: "the loopback server did not start listening")
        }
        return try await body("http://127.0.0.1:\(port)")
    }
}

/// The loopback server did not come up.
public struct LoopbackServerError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads each body whole (up to 16 MiB, well past Slack's 40,000-character messages) and hands it over.
private struct HandlerResponder: HTTPResponder {
    typealias Context = LoopbackContext
    let handler: @Sendable (LoopbackHTTPRequest) async throws -> LoopbackHTTPResponse

    func respond(to request: Request, context: LoopbackContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let answer = try await handler(
            LoopbackHTTPRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                body: Array(body.readableBytesView),
                headerFields: request.headers.map { (name: $0.name.rawName, value: $0.value) },
                remotePort: context.remotePort,
                query: request.uri.query
            )
        )
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}

/// Hummingbird's basic context plus the client's port.
private struct LoopbackContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remotePort: Int?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remotePort = source.channel.remoteAddress?.port
    }
}
