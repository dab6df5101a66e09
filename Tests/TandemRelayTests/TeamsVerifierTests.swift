import Foundation
import Testing

@testable import TandemRelay

/// Teams outgoing webhooks' HMAC, checked with Microsoft's documented key and header over the documentation's
/// example message (1,891 bytes, byte-exact).
struct TeamsVerifierTests {
    static let body: [UInt8] = Array(Data(base64Encoded: [
        "ewogICAgInR5cGUiOiAibWVzc2FnZSIsCiAgICAiaWQiOiAiMTQ4NTk4MzQwODUxMSIsCiAgICAidGltZXN0YW1wIjogIjIwMTct",
        "MDItMDFUMjE6MTA6MDcuNDM3WiIsCiAgICAibG9jYWxUaW1lc3RhbXAiOiAiMjAxNy0wMi0wMVQxNDoxMDowNy40MzctMDc6MDAi",
        "LAogICAgInNlcnZpY2VVcmwiOiAiaHR0cHM6Ly9zbWJhLnRyYWZmaWNtYW5hZ2VyLm5ldC9hbWVyLWNsaWVudC1zcy5tc2cvIiwK",
        "ICAgICJjaGFubmVsSWQiOiAibXN0ZWFtcyIsCiAgICAiZnJvbSI6IHsKICAgICAgICAiaWQiOiAiMjk6MVhKS0pNdmM1R0J0YzJK",
        "d1pxMG9qOHRIWm16clFnRm1CMzlBVGlRV0E4NWdRdEhpZVZrSGlsQlo5WEhvcTlqN1phcXQ3Q1otTkpXaTdtZTJrSFRMM0J3IiwK",
        "ICAgICAgICAibmFtZSI6ICJUaW0gSm9uZXMiCiAgICB9LAogICAgImNvbnZlcnNhdGlvbiI6IHsKICAgICAgICAiaWQiOiAiMTk6",
        "MjUzYjFmMzQxNjcwNDA4ZmI2ZmU1MTA1MGI2ZTVjZWJAdGhyZWFkLnNreXBlO21lc3NhZ2VpZD0xNDg1OTgzMTk0ODM5IgogICAg",
        "fSwKICAgICJyZWNpcGllbnQiOiB7CiAgICAgICAgImlkIjogIm51bGwiLAogICAgICAgICJuYW1lIjogIm51bGwiCiAgICB9LAog",
        "ICAgInRleHRGb3JtYXQiOiAicGxhaW4iLAogICAgInRleHQiOiAiPGF0Pk15Q3VzdG9tQm90PC9hdD4gSGVsbG8gPGF0PkxhcnJ5",
        "IEJyb3duPC9hdD4iLAogICAgImF0dGFjaG1lbnRzIjogW3sKICAgICAgICAiY29udGVudFR5cGUiOiAidGV4dC9odG1sIiwKICAg",
        "ICAgICAiY29udGVudCI6ICI8ZGl2PjxzcGFuIGNvbnRlbnRlZGl0YWJsZT1cImZhbHNlXCIgaXRlbXNjb3BlPVwiXCIgaXRlbXR5",
        "cGU9XCJodHRwOi8vc2NoZW1hLnNreXBlLmNvbS9NZW50aW9uXCIgaXRlbWlkPVwiMFwiPk15V2ViSG9vayA8L3NwYW4+IEhlbGxv",
        "IDxzcGFuIGNvbnRlbnRlZGl0YWJsZT1cImZhbHNlXCIgaXRlbXNjb3BlPVwiXCIgaXRlbXR5cGU9XCJodHRwOi8vc2NoZW1hLnNr",
        "eXBlLmNvbS9NZW50aW9uXCIgaXRlbWlkPVwiMVwiPkxhcnJ5IEJyb3duIDwvc3Bhbj48L2Rpdj4iCiAgICB9XSwKICAgICJlbnRp",
        "dGllcyI6IFsKICAgICAgewogICAgICAgICJ0eXBlIjogIm1lbnRpb24iLAogICAgICAgICJtZW50aW9uZWQiOiB7CiAgICAgICAg",
        "ICAgICJpZCI6ICIyODpjOWU4YzA0Ny0yYTc0LTQwYTItYjI4YS1iMTYyZDVmNTMyN2MiLCAKICAgICAgICAgICAgIm5hbWUiOiAi",
        "TXlXZWJIb29rIgogICAgICAgIH0sCiAgICAgICAgInRleHQiOiAiPGF0Pk15V2ViSG9vazwvYXQ+IgogICAgICB9LAogICAgICB7",
        "CiAgICAgICAgInR5cGUiOiAibWVudGlvbiIsCiAgICAgICAgIm1lbnRpb25lZCI6IHsKICAgICAgICAgICAgImlkIjogIjI5OjFq",
        "bkZiWllzMHFYTUxILU80Uzktc0RMTmMzTlZFSU1XTW5DLXEwdFZkRWEtOEJSb3Nmb2pJMzVRZE5vQi15VzhpdXRXTEp6SFVtX21x",
        "RVpTU1U4c2kwUSIsCiAgICAgICAgICAgICJuYW1lIjogIkxhcnJ5IEJyb3duIgogICAgICAgIH0sCiAgICAgICAgInRleHQiOiAi",
        "PGF0PkxhcnJ5IEJyb3duPC9hdD4iCiAgICAgIH0sCiAgICAgIHsgCiAgICAgICAgImxvY2FsZSI6ICJlbi1VUyIsCiAgICAgICAg",
        "ImNvdW50cnkiOiAiVVMiLAogICAgICAgICJwbGF0Zm9ybSI6ICJXaW5kb3dzIiwKICAgICAgICAidGltZXpvbmUiOiAiQW1lcmlj",
        "YS9Mb3NfQW5nZWxlcyIsCiAgICAgICAgInR5cGUiOiAiY2xpZW50SW5mbyIKICAgICAgfQogICAgXSwKICAgICJjaGFubmVsRGF0",
        "YSI6IHsKICAgICAgICAidGVhbXNDaGFubmVsSWQiOiAiMTk6MjUzYjFmMzQxNjcwNDA4ZmI2ZmU1MTA1MGI2ZTVjZWJAdGhyZWFk",
        "LnNreXBlIiwKICAgICAgICAidGVhbXNUZWFtSWQiOiAiMTk6NzEyYzYxZDBlZjM4NGU1ZmE2ODFiYTkwY2E5NDMzOThAdGhyZWFk",
        "LnNreXBlIgogICAgfSAKfQ=="
    ].joined())!)
    static let contoso = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="
    static let fabrikam = "QgyNSToQjf4p6+YzDpjKks1/tXeJQ7FhVHqRwTnugVI="

    @Test func theExampleBodyIsTheDocumentedOne() {
        #expect(Self.body.count == 1891)
    }

    @Test(arguments: [
        (contoso, "HMAC 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U="),
        (fabrikam, "HMAC 9tS+rmvX4AepZgRNOM3wnmm6tBYC7eGByzuPGqmm/N4="),
    ])
    func theDocumentedSignaturesVerify(token: String, header: String) throws {
        let verifier = try #require(TeamsVerifier(securityToken: token))
        #expect(verifier.refusal(authorization: header, body: Self.body) == nil)
        #expect(verifier.refusal(authorization: "hmac " + header.dropFirst(5), body: Self.body) == nil)
    }

    @Test func theDerivedCompactVectorVerifies() throws {
        let verifier = try #require(TeamsVerifier(securityToken: Self.contoso))
        let body = Array(#"{"type":"message","text":"<at>Relay</at> hi"}"#.utf8)
        #expect(verifier.refusal(authorization: "HMAC WHhIhm0Fu3pjaX7x3PkBdMfUsqwUJIviK9TL89slaQM=", body: body) == nil)
    }

    @Test(arguments: [
        (nil, body, TeamsVerifier.Refusal.missingHeader),
        ("Bearer 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U=", body, .missingHeader),
        ("HMAC 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U=", [], .emptyBody),
        ("HMAC 9tS+rmvX4AepZgRNOM3wnmm6tBYC7eGByzuPGqmm/N4=", body, .badSignature),
        ("HMAC not-base64!", body, .badSignature),
        ("HMAC 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U=", Array(body.dropLast()), .badSignature),
    ] as [(String?, [UInt8], TeamsVerifier.Refusal)])
    func whatIsRefused(header: String?, body: [UInt8], refusal: TeamsVerifier.Refusal) throws {
        let verifier = try #require(TeamsVerifier(securityToken: Self.contoso))
        #expect(verifier.refusal(authorization: header, body: body) == refusal)
    }

    @Test func aTokenThatIsNotBase64IsRejectedAtConfiguration() {
        #expect(TeamsVerifier(securityToken: "not base64 at all!") == nil)
    }
}
