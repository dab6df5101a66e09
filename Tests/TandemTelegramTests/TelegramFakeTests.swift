import Foundation
import TandemChat
import TandemTelegramTesting
import Testing

/// The fake itself: it must refuse what Telegram refuses, or the renderer's tests prove nothing.
@Suite(.timeLimit(.minutes(3)))
struct TelegramFakeTests {
    @Test(arguments: [
        ("<b>open", "Can't find end tag corresponding to start tag \"b\""),
        ("<p>para</p>", "Unsupported start tag \"p\" at byte offset 0"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>a<i>b</b></i>", "Unexpected end tag at byte offset 8"),
        ("<code><b>x</b></code>", "Can't nest \"b\" inside \"code\" at byte offset 6"),
        ("<b><code>x</code></b>", "Can't nest \"code\" inside \"b\" at byte offset 3"),
        ("<a>no href</a>", "Can't find href attribute of tag \"a\" at byte offset 0"),
        ("1 < 2", "Unclosed start tag at byte offset 2"),
    ])
    func refusesHTMLTelegramRefuses(_ html: String, _ reason: String) {
        #expect(throws: TelegramHTML.ParseError(reason)) { try TelegramHTML.parse(html).get() }
    }

    @Test func acceptsEntitiesAndNestingTelegramAccepts() throws {
        let parsed = try TelegramHTML.parse("<b>a &lt;&amp;&gt; &quot;<a href=\"tg://user?id=1\">S&#252;&#x1F600;</a></b> &nbsp;").get()
        #expect(parsed.text == "a <&> \"Sü😀 &nbsp;")
        #expect(parsed.entities.map(\.tag) == ["a", "b"])
        #expect(parsed.entities[0].offset == 7 && parsed.entities[0].length == 4, "UTF-16 offsets, as Telegram counts")
    }

    @Test func checksTheTokenAndTheMessagesItTakes() async throws {
        let team = TelegramTeam()
        try await team.run { baseURL in
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            func call(_ path: String, _ json: String) async throws -> (Int, String) {
                let response = try await http.send(
                    HTTPClientRequest(method: "POST", url: baseURL + path, headers: [HTTPField("Content-Type", "application/json")], body: Data(json.utf8)))
                return (response.status, String(decoding: response.body, as: UTF8.self))
            }
            let bot = "/bot" + TelegramTeam.token
            #expect(try await call("/bot123:wrong/getMe", "{}").0 == 401)
            #expect(try await call("/botnotatoken/getMe", "{}").0 == 404)
            #expect(try await call(bot + "/GETME", "{}").1.contains("\"username\":\"TandemTestBot\""), "method names are case-insensitive")
            let tooLong = String(repeating: "😀", count: 4097)
            #expect(try await call(bot + "/sendMessage", #"{"chat_id":\#(team.joint),"text":"\#(tooLong)"}"#).1.contains("message is too long"))
            let atLimit = String(repeating: "😀", count: 4096)
            #expect(try await call(bot + "/sendMessage", #"{"chat_id":\#(team.joint),"text":"\#(atLimit)"}"#).0 == 200)
            #expect(try await call(bot + "/sendMessage", #"{"chat_id":\#(team.joint),"text":"<p>","parse_mode":"HTML"}"#).1.contains("can't parse entities"))
            #expect(try await call(bot + "/sendMessage", #"{"chat_id":42,"text":"hi"}"#).1.contains("chat not found"))
            #expect(try await call(bot + "/sendMessage", #"{"chat_id":\#(team.joint),"text":"hi","reply_parameters":{"message_id":999}}"#).1.contains("message to be replied not found"))
            // Offsets: a positive one confirms what is before it, a negative one keeps the last updates only.
            for n in 0..<3 { await team.state.post("/campaign \(n)", in: team.joint, from: team.mia) }
            let ids = await team.state.pendingUpdateIDs
            _ = try await call(bot + "/getUpdates", #"{"offset":\#(ids[1])}"#)
            #expect(await team.state.pendingUpdateIDs == Array(ids[1...]))
            _ = try await call(bot + "/getUpdates", #"{"offset":-1}"#)
            #expect(await team.state.pendingUpdateIDs == [ids[2]])
            await team.state.post("chatter", in: team.joint, from: team.mia)
            #expect(await team.state.pendingUpdateIDs == [ids[2]], "privacy mode: plain group chatter never reaches the bot")
        }
    }
}
