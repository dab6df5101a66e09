import Foundation
import TandemMatrixTesting
import Testing

/// The harness the Matrix adapter will be tested with, proved by a conversation over real HTTP: if these pass,
/// Synapse starts, users register, and `/sync` long polls deliver what others send.
@Suite struct SynapseHarnessTests {
    /// The parts of a `/sync` response this suite reads.
    struct Sync: Decodable {
        struct Rooms: Decodable { var join: [String: Joined]? }
        struct Joined: Decodable { var timeline: Timeline }
        struct Timeline: Decodable { var events: [Event] }
        struct Event: Decodable {
            struct Content: Decodable { var body: String? }
            var event_id: String
            var type: String
            var sender: String
            var content: Content
        }
        var next_batch: String
        var rooms: Rooms?

        func messages(in roomID: String) -> [Event] {
            rooms?.join?[roomID]?.timeline.events.filter { $0.type == "m.room.message" } ?? []
        }
    }

    struct EventID: Decodable { var event_id: String }

    @Test func aMessageReachesTheOtherUsersLongPollAndARetriedTxnIdIsNotSentTwice() async throws {
        try await SynapseServer.run { server in
            let alice = try await server.registerUser("alice")
            let bob = try await server.registerUser("bob")
            #expect(alice.userID == "@alice:localhost")
            #expect(bob.deviceID == SynapseServer.testDeviceID)

            let room = try await server.createRoom(by: alice, inviting: [bob])
            try await server.join(bob, roomID: room)
            let first = try await server.call("GET", "/_matrix/client/v3/sync?timeout=0", as: bob).decode(Sync.self)

            // Bob's long poll runs while Alice sends. It may also wake for other events (receipts, membership),
            // so it is repeated from each next_batch, a bounded number of times, until the message arrives.
            async let delivered = Self.waitForMessage(in: room, on: server, as: bob, since: first.next_batch)
            let path = "/_matrix/client/v3/rooms/\(SynapseServer.escaped(room))/send/m.room.message/txn-1"
            let content: [String: any Sendable] = ["msgtype": "m.text", "body": "hello bob"]
            let sent = try await server.call("PUT", path, as: alice, json: content).decode(EventID.self)
            let message = try await delivered

            #expect(message?.event_id == sent.event_id)
            #expect(message?.sender == alice.userID)
            #expect(message?.content.body == "hello bob")

            let retried = try await server.call("PUT", path, as: alice, json: content).decode(EventID.self)
            #expect(retried.event_id == sent.event_id)
        }
    }

    /// Long polls `/sync` (10 s each, at most 10 times) until a message shows up in `roomID`.
    static func waitForMessage(
        in roomID: String, on server: SynapseServer, as user: SynapseServer.User, since: String
    ) async throws -> Sync.Event? {
        var since = since
        for _ in 0..<10 {
            let query = "since=\(SynapseServer.escaped(since))&timeout=10000"
            let sync = try await server.call("GET", "/_matrix/client/v3/sync?\(query)", as: user, timeout: .seconds(20))
                .decode(Sync.self)
            if let message = sync.messages(in: roomID).first { return message }
            since = sync.next_batch
        }
        return nil
    }

    /// RFC 2202's HMAC-SHA1 test cases 2 and 6 (a short key; a key longer than a block).
    @Test func hmacSHA1MatchesRFC2202() {
        #expect(
            HMACSHA1.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            HMACSHA1.hex(
                key: [UInt8](repeating: 0xaa, count: 80),
                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }
}
