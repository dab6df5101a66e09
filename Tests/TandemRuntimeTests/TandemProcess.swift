import Foundation
import TandemChat
import TandemCore
import TandemProtocol

/// A sample member talking to the endpoint through the same protocol and libcurl client as the bot.
struct ChatUser {
    let transport: WebhookTransport
    let token: String
    let baseURL: String
    let http: any HTTPClient
    /// Everything this user has been shown, from the start of the chat.
    var cursor: String? = "0"

    init(_ id: String, baseURL: String, http: any HTTPClient) {
        token = "local-\(id)"
        self.baseURL = baseURL
        self.http = http
        transport = WebhookTransport(configuration: .init(baseURL: baseURL, token: token, pollTimeout: 10), http: http)
    }

    /// Posts text as typed (no formatting applied), as a person in the web page does.
    func say(_ text: String, in channel: String = "marketing-sales") async throws {
        let request = try HTTPClientRequest.json(
            url: baseURL + Route.messages.path,
            body: NewMessage(channel: channel, text: text, idempotencyKey: UUID().uuidString),
            headers: [HTTPField("Authorization", "Bearer " + token)])
        let response = try await http.send(request)
        precondition(response.status == 200, "post failed: \(response.status)")
    }

    /// Long-polls until a message from `author` arrives; returns every such message of that poll.
    mutating func next(from author: String = "tandem", within attempts: Int = 3) async throws -> [ChatMessage] {
        for _ in 0..<attempts {
            let batch = try await transport.poll(after: cursor)
            cursor = batch.cursor
            let mine = batch.messages.filter { $0.userID == author && !Self.isScheduledNotice($0) }
            if !mine.isEmpty { return mine }
        }
        return []
    }

    /// Whatever arrives within a short poll: for checking that nothing more came.
    mutating func drain() async throws -> [ChatMessage] {
        let quick = WebhookTransport(configuration: .init(baseURL: baseURL, token: token, pollTimeout: 1), http: http)
        let batch = try await quick.poll(after: cursor)
        cursor = batch.cursor
        return batch.messages.filter { !Self.isScheduledNotice($0) }
    }

    /// What the bot posts by the clock, not in answer to anyone: the weekly report (Mondays 09:00 Berlin in the
    /// sample config), meeting reminders and overdue-handoff escalations can fall into any test run.
    static func isScheduledNotice(_ message: ChatMessage) -> Bool {
        ["Standard report", "Standardbericht", "Reminder: ", "Erinnerung: ", "is past its first-touch deadline",
         "hat die Frist für den ersten Kontakt"].contains { message.text.contains($0) }
    }
}
