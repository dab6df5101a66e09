import Foundation
import TandemProtocol
import Testing

@testable import TandemRelay

/// Teams activities as the bot reads them, and the hand-over of an answer to the webhook waiting for it.
struct TeamsInboundTests {
    @Test(arguments: [
        ("<at>Tandem</at> campaign spring", "@tandem campaign spring"),
        ("<at>Tandem</at>&nbsp;handoff accept H-1", "@tandem handoff accept H-1"),
        ("<at>Tandem</at> handoff \"Anna\" to <at>Sam Carter</at> a &amp; b", "@tandem handoff \"Anna\" to @Sam Carter a & b"),
        ("<at>Tandem</at> <p>help</p>", "@tandem help"),
    ])
    func markupReadsAsPlainText(text: String, expected: String) {
        #expect(TeamsText.inbound(text, botName: "tandem") == expected)
    }

    @Test func anActivityBecomesAnUpdateInItsChannelAndThread() throws {
        let json = #"""
            {"type":"message","id":"1485983408511","from":{"id":"29:1XJ","name":"Tim Jones","aadObjectId":"6a1b2c3d-0000-4000-8000-000000000001"},
             "conversation":{"id":"19:253b@thread.skype;messageid=1485983194839"},"text":"<at>Tandem</at> help",
             "channelData":{"teamsChannelId":"19:253b@thread.skype","teamsTeamId":"19:712c@thread.skype"}}
            """#
        let activity = try JSONDecoder().decode(TeamsActivity.self, from: Data(json.utf8))
        let update = try #require(activity.update(botName: "tandem"))
        #expect(update.id == "teams:1485983408511")
        #expect(update.channel == "19:253b@thread.skype")
        #expect(update.thread == "1485983194839")
        #expect(update.user == User(id: "6a1b2c3d-0000-4000-8000-000000000001", name: "Tim Jones"))
        #expect(update.text == "@tandem help")
    }

    @Test func anAnswerBeforeTheWaitAndDuringItBothReachTheWebhook() async {
        let pending = PendingReplies()
        pending.expect("teams:1")
        #expect(pending.answer("teams:1", with: "early"))
        #expect(await pending.wait(for: "teams:1", timeout: .seconds(30)) == "early")

        pending.expect("teams:2")
        async let waited = pending.wait(for: "teams:2", timeout: .seconds(30))
        // The answer may come before or after the wait registers: both are handed over.
        while !pending.answer("teams:2", with: "late") { await Task.yield() }
        #expect(await waited == "late")
        #expect(!pending.answer("teams:2", with: "again"), "one answer per webhook")
    }

    @Test func anAnswerAfterTheTimeoutIsNotTaken() async {
        let pending = PendingReplies()
        pending.expect("teams:3")
        #expect(await pending.wait(for: "teams:3", timeout: .milliseconds(1)) == nil)
        #expect(!pending.answer("teams:3", with: "too late"))
        #expect(!pending.answer("teams:never", with: "no slot"))
    }
}
