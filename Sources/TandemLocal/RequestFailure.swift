import HTTPTypes
import Hummingbird
import TandemProtocol

/// A request the endpoint refuses, with the status and the ``ErrorBody`` message to answer.
///
/// Thrown (typed) by the request parsing helpers so each route reads as the happy path;
/// ``ChatRequestHandler`` turns it into a response. Messages never repeat a token.
package struct RequestFailure: Error, Equatable {
    package let status: HTTPResponse.Status
    package let message: String
    package var headers: HTTPFields = [:]

    package init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    package static func badRequest(_ message: String) -> Self {
        Self(status: .badRequest, message: message)
    }

    package static func unauthorized(_ message: String) -> Self {
        Self(status: .unauthorized, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    package static func forbidden(_ message: String) -> Self {
        Self(status: .forbidden, message: message)
    }

    package static func payloadTooLarge(limit: Int) -> Self {
        // The unread rest of the body is not worth reading: the server closes after answering, and says so.
        Self(
            status: .contentTooLarge,
            message: "request body too large: the limit is \(limit) bytes",
            headers: [.connection: "close"]
        )
    }

    package static func notFound(path: String) -> Self {
        Self(status: .notFound, message: "no such path \(path): see GET /channels, GET /updates, POST /messages")
    }

    package static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: HTTPRequest.Method) -> Self {
        Self(
            status: .methodNotAllowed,
            message: "\(method.rawValue) is not allowed on \(path); use \(allowed.rawValue)",
            headers: [.allow: allowed.rawValue]
        )
    }

    /// Whether the server closes the connection once it has answered.
    package var closesConnection: Bool { headers[.connection] == "close" }

    /// The JSON answer for this failure.
    package var response: Response {
        var response = Response.json(ErrorBody(error: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
