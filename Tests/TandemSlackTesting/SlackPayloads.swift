import Foundation

/// The bodies Slack sends, built in the documented field order (PLATFORMS-WEBHOOKS.md 1.1, 1.4, 1.5, 2.1).
///
/// Pure functions of their inputs, so a test can compare them with the documented examples byte for byte.
enum SlackPayloads {
    /// The deprecated verification token every body still carries (the value from Slack's url_verification example).
    static let legacyToken = "Jhj5dZrVaK7ZwHHjRyZWjbDl"

    /// Slack's `url_verification` body; with the documented challenge it is the derived JSON vector of 1.2.
    static func urlVerification(challenge: String, token: String = legacyToken) -> [UInt8] {
        OrderedJSON.object([("token", .string(token)), ("challenge", .string(challenge)), ("type", "url_verification")])
            .bytes
    }

    /// The `event_callback` envelope of 1.4 around `event`.
    static func eventCallback(
        event: OrderedJSON, eventID: String, eventTime: Int, teamID: String, apiAppID: String, botUserID: String
    ) -> [UInt8] {
        OrderedJSON.object([
            ("type", "event_callback"),
            ("token", .string(legacyToken)),
            ("team_id", .string(teamID)),
            ("api_app_id", .string(apiAppID)),
            ("event", event),
            ("event_context", .string("EC0" + eventID.dropFirst(2))),
            ("event_id", .string(eventID)),
            ("event_time", .int(eventTime)),
            (
                "authorizations",
                .array([
                    .object([
                        ("enterprise_id", .null), ("team_id", .string(teamID)), ("user_id", .string(botUserID)),
                        ("is_bot", .bool(true)), ("is_enterprise_install", .bool(false)),
                    ])
                ])
            ),
            ("is_ext_shared_channel", .bool(false)),
            ("context_team_id", .string(teamID)),
            ("context_enterprise_id", .null),
        ]).bytes
    }

    /// A slash command's form body in the field order of 2.1 (the enterprise fields left out, as for a workspace
    /// that is not an Enterprise org). With the official vector's values and no `apiAppID` it is that vector's body.
    static func slashCommand(_ fields: KeyValuePairs<String, String?>) -> [UInt8] {
        Array(
            fields.compactMap { name, value in value.map { "\(name)=\(formEncoded($0))" } }.joined(separator: "&").utf8)
    }

    /// `application/x-www-form-urlencoded`: unreserved characters as is, space as `+`, every other byte as `%XX`
    /// (upper-case), as the official vector shows (`%2F`, `%3A`). [unconfirmed] that Slack encodes a space as `+`
    /// rather than `%20`; a relay must decode both.
    static func formEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
