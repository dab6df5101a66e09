import Foundation
import Logging
import TandemChat
import TandemRuntime
import TandemTesting
import TandemMatrixTesting
import Testing

/// Logging in against a real Synapse: a refused credential stops with a clear error that names no secret, and a
/// password login reuses one device across restarts.
@Suite(.serialized, .timeLimit(.minutes(2))) struct MatrixLoginTests {
    static func transport(_ server: SynapseServer, _ credentials: MatrixTransport.Credentials, http: any HTTPClient) -> MatrixTransport {
        MatrixTransport(configuration: .init(homeserver: server.baseURL, credentials: credentials), http: http)
    }

    struct Devices: Decodable {
        struct Device: Decodable { var device_id: String }
        var devices: [Device]
    }

    @Test func refusedCredentialsAreUnauthorizedAndTheErrorNamesNoSecret() async throws {
        try await SynapseServer.run { server in
            _ = try await server.registerUser("tandem", password: "right-password")
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let cases: [(MatrixTransport.Credentials, String)] = [
                (.accessToken("syt_not_a_real_token_4711"), "syt_not_a_real_token_4711"),
                (.password(user: "tandem", password: "wrong-password-4711", deviceID: "TANDEM"), "wrong-password-4711"),
            ]
            for (credentials, secret) in cases {
                let error = await #expect(throws: TransportError.self) {
                    try await Self.transport(server, credentials, http: http).connect()
                }
                #expect(error?.kind == .unauthorized)
                #expect(error?.isRetryable == false)
                #expect(error.map { !"\($0)".contains(secret) } == true)
            }
        }
    }

    @Test func aPasswordLoginKeepsOneDeviceAcrossRestartsAndLearnsItsOwnID() async throws {
        try await SynapseServer.run { server in
            let user = try await server.registerUser("tandem", password: "right-password")
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            let before = Set(try await server.call("GET", "/_matrix/client/v3/devices", as: user).decode(Devices.self).devices.map(\.device_id))
            for _ in 0..<3 {
                let session = try await Self.transport(
                    server, .password(user: "tandem", password: "right-password", deviceID: "TANDEM"), http: http
                ).connect()
                #expect(session.userID == "@tandem:localhost")
            }
            let devices = try await server.call("GET", "/_matrix/client/v3/devices", as: user).decode(Devices.self)
            // The registration's and the harness's devices, and Tandem's one fixed device.
            #expect(Set(devices.devices.map(\.device_id)) == before.union(["TANDEM"]))
            #expect(!before.contains("TANDEM"))
        }
    }
}

extension MatrixLoginTests {
    /// `tandem check-config --probe` on a Matrix config: logs in with the token from a file, lists the joined rooms,
    /// and warns about a configured room the bot is not in.
    @Test func theProbeListsJoinedRoomsAndWarnsAboutAConfiguredRoomTheBotIsNotIn() async throws {
        try await SynapseServer.run { server in
            let team = try await MatrixTeam.make(on: server)
            let elsewhere = try await server.createRoom(by: team.mia)
            let folder = TemporaryFolder()
            defer { folder.remove() }
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            try Data((team.bot.accessToken + "\n").utf8).write(to: URL(fileURLWithPath: folder.file("token")))
            let config: [String: Any] = [
                "transport": ["type": "matrix", "homeserver": server.baseURL, "tokenFile": folder.file("token"), "allowInvitesFrom": ["localhost"]],
                "team": [
                    "salesChannel": team.sales, "jointChannel": elsewhere,
                    "members": [["id": team.sam.userID, "name": "Sam Carter", "roles": ["sales"]]],
                ],
            ]
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder.file("matrix.json")))

            let configuration = try Configuration.load(from: folder.file("matrix.json"))
            let summary = try ConfigCheck.summary(configuration)
            #expect(summary.contains("invitations accepted from: anyone on localhost"))
            let lines = try await ConfigCheck.probe(configuration)
            #expect(lines.first == "probe: logged in as \(team.bot.userID); joined 2 rooms:")
            #expect(lines.contains { $0.hasPrefix("  \(team.sales)") && $0.hasSuffix("4 members") })
            #expect(lines.contains("warning: team.jointChannel \(elsewhere) is not among them: invite the bot there, or fix the id"))
            #expect(!lines.contains { $0.contains("team.salesChannel") })
            #expect(!(summary + lines).contains { $0.contains(team.bot.accessToken) })
        }
    }
}
