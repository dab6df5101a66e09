import Foundation
import Hummingbird
import Testing
@testable import TandemLocal

/// The request path's hand-written checks against the Foundation code they replace: the same answers.
@Suite("Blank text and bearer tokens without Foundation")
struct HotPathEquivalenceTests {
    /// Every scalar of the Basic Multilingual Plane (all of Unicode's white space lies there) and one beyond, alone
    /// and inside text.
    @Test func blankTextIsWhatFoundationsTrimLeavesEmpty() {
        let scalars = (Array(0...0xFFFF) + [0x1_F680]).compactMap { Unicode.Scalar(UInt32($0)) }
        var disagreements: [UInt32] = []
        for scalar in scalars {
            for text in [String(scalar), " \(scalar)\n", "\(scalar)\(scalar)"] {
                if text.isBlank != text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    disagreements.append(scalar.value)
                }
            }
        }
        #expect(disagreements.isEmpty)
        #expect("".isBlank)
        #expect(!" a ".isBlank)
    }

    @Test(arguments: [
        "Bearer token-alice", "bearer token-alice", "BEARER token-alice", "Bearer  token-alice", "Bearer token-alice ",
        " Bearer token-alice", "Bearer\ttoken-alice", "Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b",
        "Bearer tøken", "Bearer \u{A0}token", "", "Bearer x",
    ])
    func bearerTokenEqualsTheGeneralParse(value: String) {
        #expect(Request.bearerToken(in: value) == Request.generalBearerToken(in: value))
    }
}
