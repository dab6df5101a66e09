import Testing

@testable import TandemSlackTesting

/// The signature against Slack's published vector: if this fails, every signed request the sender makes is wrong.
@Suite("Slack request signing")
struct SlackSigningTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    /// The slash-command body of Slack's own example (PLATFORMS-WEBHOOKS.md 1.2).
    static let officialBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"

    @Test func matchesSlacksOfficialVector() {
        #expect(
            SlackSigning.signature(secret: Self.secret, timestamp: Self.timestamp, body: Array(Self.officialBody.utf8))
                == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
    }

    @Test func matchesTheDerivedJSONVector() {
        let body = SlackPayloads.urlVerification(challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        #expect(
            SlackSigning.signature(secret: Self.secret, timestamp: Self.timestamp, body: body)
                == "v0=f9bd80929259f3f6d5fe3a3186c453c89cd1ad4862815a15837584f31c993652")
    }

    /// The sender's form builder, given the vector's values, reproduces the vector's body byte for byte: the field
    /// order and the percent-encoding are Slack's.
    @Test func slashCommandBodyIsTheOfficialExampleGivenItsValues() {
        let body = SlackPayloads.slashCommand([
            "token": "xyzz0WbapA4vBCDEFasx0q6G", "team_id": "T1DC2JH3J", "team_domain": "testteamnow",
            "channel_id": "G8PSS9T3V", "channel_name": "foobar", "user_id": "U2CERLKJA", "user_name": "roadrunner",
            "command": "/webhook-collect", "text": "",
            "response_url": "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
            "trigger_id": "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", "api_app_id": nil,
        ])
        #expect(String(decoding: body, as: UTF8.self) == Self.officialBody)
    }

    @Test func anyChangeToBodyTimestampOrSecretChangesTheSignature() {
        let body = Array(Self.officialBody.utf8)
        let reference = SlackSigning.signature(secret: Self.secret, timestamp: Self.timestamp, body: body)
        #expect(SlackSigning.signature(secret: Self.secret, timestamp: "1531420619", body: body) != reference)
        #expect(SlackSigning.signature(secret: Self.secret + "x", timestamp: Self.timestamp, body: body) != reference)
        #expect(
            SlackSigning.signature(secret: Self.secret, timestamp: Self.timestamp, body: SlackEventSender.mutated(body))
                != reference)
    }

    @Test func formEncodingKeepsUnreservedCharactersAndEscapesTheRest() {
        #expect(SlackPayloads.formEncoded("a-Z_0.9~") == "a-Z_0.9~")
        #expect(SlackPayloads.formEncoded("remind me & <@U1>") == "remind+me+%26+%3C%40U1%3E")
        #expect(SlackPayloads.formEncoded("é") == "%C3%A9")
    }
}
