import Foundation
import Logging
import TandemChat
import TandemCore
import TandemTelegramTesting

/// A team on the fake Bot API: the bot, three members, two supergroups and each member's private chat with the bot.
///
/// - `joint` (-1001000000001): Mia (marketing lead, English), Sam (sales, English), Jonas (sales, German).
/// - `sales` (-1001000000002): the team's sales channel, where handoffs are announced.
struct TelegramTeam: Sendable {
    typealias User = TelegramBotAPIFake.User

    static let token = "123456789:AAHtestTokenSecretPart_0123456789abcdef"
    let fake: TelegramBotAPIFake
    let bot = User(id: 123_456_789, firstName: "Tandem", username: "TandemTestBot", isBot: true)
    let mia = User(id: 1001, firstName: "Mia", username: "mia_w")
    let sam = User(id: 1002, firstName: "Sam", username: "samc")
    let jonas = User(id: 1003, firstName: "Jonas", username: "jonasb")
    let joint: Int64 = -1_001_000_000_001
    let sales: Int64 = -1_001_000_000_002

    init(canReadAllGroupMessages: Bool = false) {
        fake = TelegramBotAPIFake(token: Self.token, bot: bot, canReadAllGroupMessages: canReadAllGroupMessages)
    }

    var state: TelegramBotAPIState { fake.state }

    /// Serves the fake with the team's chats while `body` runs.
    func run<T>(_ body: (String) async throws -> T) async throws -> T {
        await state.addChat(.init(id: joint, type: "supergroup", title: "Marketing & Sales"))
        await state.addChat(.init(id: sales, type: "supergroup", title: "Sales"))
        for person in [mia, sam, jonas] { await state.addChat(.init(id: person.id, type: "private")) }
        return try await fake.run(body)
    }

    /// The team as the config file describes it, with Telegram ids.
    var team: Team {
        Team(
            members: [
                Member(id: String(mia.id), name: "Mia Wagner", roles: [.marketingLead], language: .en, timeZone: "Europe/Berlin"),
                Member(id: String(sam.id), name: "Sam Carter", roles: [.sales], language: .en, timeZone: "Europe/Berlin"),
                Member(id: String(jonas.id), name: "Jonas Becker", roles: [.sales], language: .de, timeZone: "Europe/Berlin"),
            ],
            timeZone: "Europe/Berlin", salesChannel: String(sales), jointChannel: String(joint))
    }

    func transport(baseURL: String, http: any HTTPClient, token: String = TelegramTeam.token, pollTimeout: Int = 2, logger: Logger = Logger(label: "telegram-test")) -> TelegramTransport {
        var configuration = TelegramTransport.Configuration(apiBaseURL: baseURL, token: token)
        configuration.pollTimeout = pollTimeout
        return TelegramTransport(configuration: configuration, http: http, logger: logger)
    }

    /// Says `text` in `chat` as `user`; returns the ChatMessage id the bot will see (`<chat>:<message id>`).
    @discardableResult
    func say(_ text: String, in chat: Int64, as user: User, replyingTo: Int64? = nil) async -> String {
        let id = await state.post(text, in: chat, from: user, replyingTo: replyingTo)
        return "\(chat):\(id)"
    }

    /// Waits until the bot has sent replies to all of `commands` (by `reply_parameters`), and returns all it sent.
    func replies(to commands: [String]) async -> [TelegramBotAPIState.Sent] {
        let wanted = commands
        return await state.until { state in
            wanted.allSatisfy { id in state.sent.contains { "\($0.chatID):\($0.replyTo ?? 0)" == id } } ? state.sent : nil
        }
    }

    /// Replies by the command (`<chat>:<message id>`) they answer.
    static func byCommand(_ sent: [TelegramBotAPIState.Sent]) -> [String: [TelegramBotAPIState.Sent]] {
        Dictionary(grouping: sent.filter { $0.replyTo != nil }) { "\($0.chatID):\($0.replyTo!)" }
    }
}
