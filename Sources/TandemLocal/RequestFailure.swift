import FlyingFox
import TandemProtocol

/// A request the endpoint refuses, with the status and the ``ErrorBody`` message to answer.
///
/// Thrown (typed) by the request parsing helpers so each route reads as the happy path;
/// ``ChatRequestHandler`` turns it into a response. Messages never repeat a token.
struct RequestFailure: Error, Equatable {
    let status: HTTPStatusCode
    let message: String
    var headers: HTTPHeaders = [:]

    static func badRequest(_ message: String) -> Self {
        Self(status: .badRequest, message: message)
    }

    static func unauthorized(_ message: String) -> Self {
        Self(status: .unauthorized, message: message, headers: [HTTPHeader("WWW-Authenticate"): "Bearer"])
    }

    static func forbidden(_ message: String) -> Self {
        Self(status: .forbidden, message: message)
    }

    static func payloadTooLarge(limit: Int) -> Self {
        // The unread rest of the body would be taken for the next request: ask the client to close.
        Self(
            status: .payloadTooLarge,
            message: "request body too large: the limit is \(limit) bytes",
            headers: [.connection: "close"]
        )
    }

    static func notFound(path: String) -> Self {
        Self(status: .notFound, message: "no such path \(path): see GET /channels, GET /updates, POST /messages")
    }

    static func methodNotAllowed(_ method: HTTPMethod, path: String, allowed: HTTPMethod) -> Self {
        Self(
            status: .methodNotAllowed,
            message: "\(method.rawValue) is not allowed on \(path); use \(allowed.rawValue)",
            headers: [HTTPHeader("Allow"): allowed.rawValue]
        )
    }

    /// The JSON answer for this failure.
    var response: FlyingFox.HTTPResponse {
        var response = FlyingFox.HTTPResponse.json(ErrorBody(error: message), status: status)
        for (header, value) in headers {
            response.headers[header] = value
        }
        return response
    }
}
