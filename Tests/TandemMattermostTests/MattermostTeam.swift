import Foundation
import Logging
import TandemChat
import TandemCore
import TandemMattermostTesting

/// A team on the fake server: the bot and three people in two channels, as a deployment would have them.
///
/// - `joint`: Mia (marketing lead, English), Sam (sales, English), Jonas (sales, German) and the bot.
/// - `sales`: the same people; the team's sales channel, where handoffs are announced.
struct MattermostTeam: Sendable {
    let fake: MattermostFake
    let mia: MattermostFakeUser
    let sam: MattermostFakeUser
    let jonas: MattermostFakeUser
    let joint: String
    let sales: String
    var bot: MattermostFakeUser { fake.bot }

    static func make(on fake: MattermostFake) -> MattermostTeam {
        let mia = fake.addUser("mia")
        let sam = fake.addUser("sam")
        let jonas = fake.addUser("jonas")
        let everyone = [mia, sam, jonas, fake.bot]
        return MattermostTeam(
            fake: fake, mia: mia, sam: sam, jonas: jonas, joint: fake.addChannel("marketing-sales", members: everyone),
            sales: fake.addChannel("sales", members: everyone))
    }

    /// The team as the config file would describe it: members by username.
    var team: Team {
        Team(
            members: [
                Member(id: "mia", name: "Mia Wagner", roles: [.marketingLead], language: .en, timeZone: "Europe/Berlin"),
                Member(id: "sam", name: "Sam Carter", roles: [.sales], language: .en, timeZone: "Europe/Berlin"),
                Member(id: "jonas", name: "Jonas Becker", roles: [.sales], language: .de, timeZone: "Europe/Berlin"),
            ],
            timeZone: "Europe/Berlin", salesChannel: sales, jointChannel: joint)
    }

    /// The bot's transport with its token; polls every 20 ms and waits at most `window` for news.
    func transport(
        http: any HTTPClient, token: String? = nil, window: Duration = .milliseconds(300), partLimit: Int? = nil,
        requestTimeout: Duration = .seconds(20), logger: Logger = Logger(label: "mattermost-test")
    ) -> MattermostTransport {
        var configuration = MattermostTransport.Configuration(serverURL: fake.baseURL, token: token ?? fake.bot.token)
        configuration.pollInterval = .milliseconds(20)
        configuration.pollWindow = window
        configuration.partLimit = partLimit ?? configuration.partLimit
        configuration.requestTimeout = requestTimeout
        return MattermostTransport(configuration: configuration, http: http, logger: logger)
    }
}

/// Runs `body` with a fresh fake, its team and a libcurl client, and shuts the client down afterwards.
/// - Parameter skew: how far (ms) the server's clock is from the test machine's, from the start.
func withTeam<T>(skew: Int64 = 0, _ body: (MattermostTeam, CurlHTTPClient) async throws -> T) async throws -> T {
    try await MattermostFake.withRunning { fake in
        fake.setSkew(milliseconds: skew)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        return try await body(MattermostTeam.make(on: fake), http)
    }
}

extension MattermostTransport {
    /// Polls until the messages polled so far satisfy `done` (each poll waits for news itself: no sleep here);
    /// returns them and the last cursor. Gives up after `polls` polls.
    func messages(
        after cursor: String, polls: Int = 20, until done: ([ChatMessage]) -> Bool
    ) async throws -> (messages: [ChatMessage], cursor: String) {
        var cursor = cursor
        var messages: [ChatMessage] = []
        for _ in 0..<polls where !done(messages) {
            let batch = try await poll(after: cursor)
            messages += batch.messages
            cursor = batch.cursor ?? cursor
        }
        return (messages, cursor)
    }
}
