import Foundation
import Testing

@testable import TandemRelay

/// Slack's request signing, checked with Slack's own documented example and a derived JSON vector.
struct SlackVerifierTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    static let commandBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let commandSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    static let jsonBody =
        #"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#
    static let jsonSignature = "v0=f9bd80929259f3f6d5fe3a3186c453c89cd1ad4862815a15837584f31c993652"
    /// Within the replay window of the vectors' 2018 timestamp.
    static let then = Date(timeIntervalSince1970: 1_531_420_618 + 120)

    let verifier = SlackVerifier(signingSecret: secret)

    @Test(arguments: [(commandBody, commandSignature), (jsonBody, jsonSignature)])
    func theDocumentedExamplesVerify(body: String, signature: String) {
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: signature, body: Array(body.utf8), now: Self.then) == nil)
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: signature.uppercased().replacingOccurrences(of: "V0=", with: "v0="), body: Array(body.utf8), now: Self.then) == nil)
    }

    @Test func aChangedByteAWrongSecretAndAnotherTimestampAreRefused() {
        var body = Array(Self.commandBody.utf8)
        body[body.count / 2] ^= 1
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: body, now: Self.then) == .badSignature)
        let other = SlackVerifier(signingSecret: Self.secret + "x")
        #expect(other.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: Array(Self.commandBody.utf8), now: Self.then) == .badSignature)
        #expect(verifier.refusal(timestamp: "1531420619", signature: Self.commandSignature, body: Array(Self.commandBody.utf8), now: Self.then) == .badSignature)
    }

    @Test(arguments: [
        (nil, commandSignature, SlackVerifier.Refusal.missingHeaders),
        (timestamp, nil, .missingHeaders),
        ("yesterday", commandSignature, .badTimestamp),
        (timestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", .badSignature),
        (timestamp, "v0=a2114d57", .badSignature),
        (timestamp, "v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", .badSignature),
        (timestamp, "", .badSignature),
    ] as [(String?, String?, SlackVerifier.Refusal)])
    func malformedHeadersAreRefused(timestamp: String?, signature: String?, refusal: SlackVerifier.Refusal) {
        #expect(verifier.refusal(timestamp: timestamp, signature: signature, body: Array(Self.commandBody.utf8), now: Self.then) == refusal)
    }

    /// The documented example is from 2018: today it is a replay, and 301 s is one second too old.
    @Test func anOldTimestampIsAReplay() {
        let body = Array(Self.commandBody.utf8)
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: body, now: Date()) != nil)
        let edge = Date(timeIntervalSince1970: 1_531_420_618 + 300)
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: body, now: edge) == nil)
        let late = Date(timeIntervalSince1970: 1_531_420_618 + 301)
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: body, now: late) == .stale(seconds: 301))
        let early = Date(timeIntervalSince1970: 1_531_420_618 - 301)
        #expect(verifier.refusal(timestamp: Self.timestamp, signature: Self.commandSignature, body: body, now: early) == .stale(seconds: -301))
    }

    @Test func theComparisonNeedsEqualLengthsAndIsByteExact() {
        #expect(HMACSHA256.equal([1, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.equal([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.equal([1, 2, 3], [1, 2]))
        #expect(!HMACSHA256.equal([], []))
    }
}
