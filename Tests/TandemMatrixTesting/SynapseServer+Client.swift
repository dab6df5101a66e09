import Foundation
import TandemChat

/// Users, rooms and raw client-server calls: enough for tests to set up a conversation on the real server.
extension SynapseServer {
    /// The device id every test login uses, so logging in again reuses the device (txnIds are scoped to it).
    public static let testDeviceID = "TANDEMTEST"

    /// Registers `name` through the shared-secret admin API, then logs in with ``testDeviceID``.
    ///
    /// The registration's own token (for a random device) is not used: tests see the token of the fixed device.
    /// - Parameter admin: a server admin, who may call `/_synapse/admin/…` (e.g. ``exemptFromRateLimits(_:by:)``).
    public func registerUser(_ name: String, password: String = "tandem-test-password", admin: Bool = false) async throws -> User {
        let path = "/_synapse/admin/v1/register"
        let nonce = try await call("GET", path).string("nonce", method: "GET", path: path)
        let mac = HMACSHA1.hex(
            key: Array(sharedSecret.utf8),
            message: Array("\(nonce)\0\(name)\0\(password)\0\(admin ? "admin" : "notadmin")".utf8))
        _ = try await call(
            "POST", path,
            json: ["nonce": nonce, "username": name, "password": password, "admin": admin, "mac": mac])
        return try await login(name, password: password)
    }

    /// Lifts Synapse's message rate limit (`rc_message`) for `user`, as `admin` (a user registered with
    /// `admin: true`): on a server started with a tight `messageRateLimit`, the people of a test then talk freely
    /// while the bot alone meets the limit.
    public func exemptFromRateLimits(_ user: User, by admin: User) async throws {
        _ = try await call(
            "POST", "/_synapse/admin/v1/users/\(Self.escaped(user.userID))/override_ratelimit", as: admin,
            json: ["messages_per_second": 0, "burst_count": 0])
    }

    /// Password login with ``testDeviceID``.
    public func login(_ name: String, password: String) async throws -> User {
        let path = "/_matrix/client/v3/login"
        let response = try await call(
            "POST", path,
            json: [
                "type": "m.login.password", "identifier": ["type": "m.id.user", "user": name], "password": password,
                "device_id": Self.testDeviceID,
            ])
        return User(
            userID: try response.string("user_id", method: "POST", path: path),
            accessToken: try response.string("access_token", method: "POST", path: path),
            deviceID: try response.string("device_id", method: "POST", path: path))
    }

    /// Creates a private room as `creator`, inviting `invitees`; returns its (opaque) room id.
    public func createRoom(by creator: User, inviting invitees: [User] = []) async throws -> String {
        let path = "/_matrix/client/v3/createRoom"
        return try await call(
            "POST", path, as: creator, json: ["preset": "private_chat", "invite": invitees.map(\.userID)]
        ).string("room_id", method: "POST", path: path)
    }

    /// Invites `invitee` to `roomID` as `inviter`.
    public func invite(_ invitee: User, to roomID: String, by inviter: User) async throws {
        _ = try await call(
            "POST", "/_matrix/client/v3/rooms/\(Self.escaped(roomID))/invite", as: inviter,
            json: ["user_id": invitee.userID])
    }

    /// Joins `roomID` as `user`.
    public func join(_ user: User, roomID: String) async throws {
        _ = try await call("POST", "/_matrix/client/v3/rooms/\(Self.escaped(roomID))/join", as: user, json: [:])
    }

    /// A client-server call as `user` (or anonymous); returns the response's JSON object.
    ///
    /// Non-2xx statuses throw ``Failure/httpStatus(method:path:status:body:)`` with the body (Matrix error
    /// bodies carry `errcode` and `error`, no tokens). `timeout` must exceed any long-poll wait in the query.
    public func call(
        _ method: String, _ path: String, as user: User? = nil, json body: [String: any Sendable]? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> Response {
        var headers: [HTTPField] = []
        if let user { headers.append(HTTPField("Authorization", "Bearer \(user.accessToken)")) }
        var data: Data?
        if let body {
            data = try JSONSerialization.data(withJSONObject: body)
            headers.append(HTTPField("Content-Type", "application/json"))
        }
        let response = try await http.send(
            HTTPClientRequest(
                method: method, url: baseURL + path, headers: headers, body: data, timeout: timeout,
                secrets: [sharedSecret] + (user.map { [$0.accessToken] } ?? [])))
        guard (200..<300).contains(response.status) else {
            throw Failure.httpStatus(
                method: method, path: path, status: response.status,
                body: String(decoding: response.body.prefix(1000), as: UTF8.self))
        }
        return Response(body: response.body)
    }

    /// A path segment with everything but unreserved characters percent-encoded (room ids hold `!`, `:`, `$`).
    public static func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "-._~").union(.alphanumerics))
            ?? segment
    }

    /// A successful response's body. Never printed whole: login bodies hold access tokens.
    public struct Response: Sendable, CustomStringConvertible {
        public let body: Data
        public var description: String { "\(body.count) bytes" }

        /// Decodes the body as `T`.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }

        /// The top-level string field `key`.
        func string(_ key: String, method: String, path: String) throws -> String {
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
            guard let value = object?[key] as? String else {
                throw Failure.unexpectedResponse(method: method, path: path, missing: key)
            }
            return value
        }
    }
}
