import Foundation
import TandemLocal

/// The sample team used across the tests: one bot, three people, two public channels.
enum Fixtures {
    static let bot = LocalParticipant(id: "tandem", name: "Tandem", token: "token-bot", role: "Bot", isBot: true)
    static let alice = LocalParticipant(id: "alice", name: "Alice", token: "token-alice", role: "Marketing", isBot: false)
    static let bob = LocalParticipant(id: "bob", name: "Bob", token: "token-bob", role: "Sales", isBot: false)
    static let carol = LocalParticipant(id: "carol", name: "Carol", token: "token-carol", role: "Sales lead, admin", isBot: false, isAdmin: true)

    static let general = LocalChannel(id: "general", name: "general")
    static let campaigns = LocalChannel(id: "campaigns", name: "campaigns")

    /// 2026-11-30T10:00:00.123Z: a fixed `now` so timestamps are exact.
    static let fixedDate = Date(timeIntervalSince1970: 1_796_032_800.123)

    /// A loopback configuration on a free port, so parallel tests never share one.
    static func configuration(
        maxBodyBytes: Int = 64 * 1024,
        retainedMessages: Int = 10_000
    ) -> LocalEndpointConfiguration {
        var configuration = LocalEndpointConfiguration(
            port: 0,
            participants: [bot, alice, bob, carol],
            channels: [general, campaigns]
        )
        configuration.maxBodyBytes = maxBodyBytes
        configuration.retainedMessages = retainedMessages
        return configuration
    }
}
