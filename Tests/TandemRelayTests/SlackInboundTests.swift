import Foundation
import TandemProtocol
import Testing

@testable import TandemRelay

/// Slack's events and markup as the bot reads them.
struct SlackInboundTests {
    static let bot = "U0TANDEM"

    @Test(arguments: [
        ("<@U0TANDEM> campaign spring", true, "@tandem campaign spring"),
        ("<@U0TANDEM|tandem> campaign spring", true, "@tandem campaign spring"),
        ("hey <@U0TANDEM> campaign spring", true, "@tandem hey  campaign spring"),
        ("handoff \"Anna\" to <@U0SAM> priority=hot", false, "handoff \"Anna\" to @U0SAM priority=hot"),
        ("see <#C0SALES|sales> and <https://example.com/x?a=1&amp;b=2|the brief>", false, "see #sales and https://example.com/x?a=1&b=2"),
        ("a &lt;b&gt; &amp;amp; c", false, "a <b> &amp; c"),
        ("<!here> please", false, "@here please"),
        ("<!subteam^S123> please", false, "@subteam please"),
        ("unclosed < bracket", false, "unclosed < bracket"),
    ])
    func markupReadsAsPlainText(text: String, addressed: Bool, expected: String) {
        #expect(SlackText.inbound(text, botUserID: Self.bot, botName: "tandem", addressed: addressed) == expected)
    }

    static func event(_ json: String) throws -> SlackEvent {
        try JSONDecoder().decode(SlackEvent.self, from: Data(json.utf8))
    }

    @Test func aMentionAndADirectMessageReachTheBot() throws {
        let mention = try Self.event(
            #"{"type":"app_mention","user":"U0MIA","text":"<@U0TANDEM> help","ts":"1.000100","channel":"C0JOINT","thread_ts":"0.5"}"#)
        let update = try #require(mention.update(botUserID: Self.bot, botName: "tandem"))
        #expect(update == Update(id: "slack:C0JOINT:1.000100", channel: "C0JOINT", user: User(id: "U0MIA", name: "U0MIA"), text: "@tandem help", timestamp: nil, thread: "0.5"))
        let direct = try Self.event(#"{"type":"message","channel_type":"im","user":"U0MIA","text":"help","ts":"2.0","channel":"D0MIA"}"#)
        #expect(direct.update(botUserID: Self.bot, botName: "tandem")?.text == "help")
    }

    @Test(arguments: [
        ("the bot's own echo", #"{"type":"message","channel_type":"im","bot_id":"B0TANDEM","text":"hi","ts":"1.0","channel":"D0MIA"}"#),
        ("its own user", #"{"type":"message","channel_type":"im","user":"U0TANDEM","text":"hi","ts":"1.0","channel":"D0MIA"}"#),
        ("an edit", #"{"type":"message","subtype":"message_changed","channel_type":"im","user":"U0MIA","text":"hi","ts":"1.0","channel":"D0MIA"}"#),
        ("a channel message (its mention comes as app_mention)", #"{"type":"message","channel_type":"channel","user":"U0MIA","text":"<@U0TANDEM> hi","ts":"1.0","channel":"C0JOINT"}"#),
        ("no text", #"{"type":"app_mention","user":"U0MIA","ts":"1.0","channel":"C0JOINT"}"#),
    ])
    func whatTheBotMustNotSee(_ what: String, json: String) throws {
        #expect(try Self.event(json).update(botUserID: Self.bot, botName: "tandem") == nil, "\(what)")
    }

    /// Before auth.test has answered, an app_mention's first mention is taken as the bot's.
    @Test func aMentionBeforeTheBotKnowsItsIDIsStillAddressed() throws {
        let mention = try Self.event(#"{"type":"app_mention","user":"U0MIA","text":"<@U0TANDEM> handoff accept H-1 <@U0SAM>","ts":"1.0","channel":"C0JOINT"}"#)
        #expect(mention.update(botUserID: nil, botName: "tandem")?.text == "@tandem handoff accept H-1 @U0SAM")
        #expect(SlackText.firstMention(in: "hi <@U1|sam> and <@U2>") == "U1")
        #expect(SlackText.firstMention(in: "no mention") == nil)
    }

    @Test func aSlashCommandIsAddressed() throws {
        let body = Array("command=%2Ftandem&text=campaign+spring+%26+more&user_id=U0MIA&channel_id=C0JOINT&trigger_id=13.37&response_url=https%3A%2F%2Fx".utf8)
        let command = try #require(SlackCommand(form: body))
        let update = command.update(botUserID: Self.bot, botName: "tandem")
        #expect(update.text == "@tandem campaign spring & more")
        #expect(update.channel == "C0JOINT" && update.user.id == "U0MIA")
        #expect(SlackCommand(form: Array("text=x".utf8)) == nil)
    }
}
