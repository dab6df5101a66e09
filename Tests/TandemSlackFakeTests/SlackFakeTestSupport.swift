import Foundation
import Synchronization
import TandemChat
import TandemSlackTesting
import Testing

extension Tag {
    /// Tests that talk to real sockets on the loopback interface.
    @Tag static var integration: Self
}

/// A wall clock the tests move by hand, for `ts` values and the rate limit.
final class HandClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        time = Mutex(start)
    }

    var now: @Sendable () -> Date { { [self] in time.withLock { $0 } } }

    func advance(by seconds: TimeInterval) {
        time.withLock { $0 += seconds }
    }
}

/// One Web API call through libcurl, and its answer's JSON object.
struct APICall {
    let response: HTTPClientResponse
    let object: [String: Any]

    var isOK: Bool { object["ok"] as? Bool == true }
    var error: String? { object["error"] as? String }
}

extension SlackWebAPIFake {
    /// The bearer token a call carries.
    enum Credential {
        case botToken, none, token(String)
    }

    /// Calls `method` as the relay would: POST, the bot token as a bearer token, a JSON body.
    /// - Parameter contentType: nil sends an empty `Content-Type` header.
    func call(
        _ client: CurlHTTPClient, _ method: String, json: String = "{}", credential: Credential = .botToken,
        contentType: String? = "application/json; charset=utf-8"
    ) async throws -> APICall {
        var headers: [HTTPField] = []
        switch credential {
        case .botToken: headers.append(HTTPField("Authorization", "Bearer \(configuration.botToken)"))
        case .token(let token): headers.append(HTTPField("Authorization", "Bearer \(token)"))
        case .none: break
        }
        // libcurl adds a form Content-Type to any POST body unless one is given; an empty one is the closest
        // CurlHTTPClient can send to none, and the fake reads it as missing.
        headers.append(HTTPField("Content-Type", contentType ?? ""))
        let response = try await client.send(
            HTTPClientRequest(method: "POST", url: "\(apiURL)/\(method)", headers: headers, body: Data(json.utf8)))
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        return APICall(response: response, object: object)
    }

    /// Posts `text` to `channel` with the right token, as JSON.
    func postMessage(_ client: CurlHTTPClient, channel: String, text: String, threadTS: String? = nil)
        async throws -> APICall
    {
        var fields = ["channel": channel, "text": text]
        fields["thread_ts"] = threadTS
        let json = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        return try await call(client, "chat.postMessage", json: json)
    }
}
