import Testing
@testable import TandemLocal

@Suite("GET /updates query parsing")
struct UpdatesQueryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let items: [String: String]
        let after: Int?
        let timeout: Duration
        let limit: Int
    }

    static let cases = [
        Case(testDescription: "defaults", items: [:], after: nil, timeout: .seconds(25), limit: 100),
        Case(testDescription: "empty after", items: ["after": ""], after: nil, timeout: .seconds(25), limit: 100),
        Case(testDescription: "explicit", items: ["after": "7", "timeout": "3", "limit": "5"], after: 7, timeout: .seconds(3), limit: 5),
        Case(testDescription: "clamped high", items: ["timeout": "600", "limit": "5000"], after: nil, timeout: .seconds(60), limit: 1000),
        Case(testDescription: "clamped low", items: ["timeout": "-1", "limit": "0"], after: nil, timeout: .zero, limit: 1),
        Case(testDescription: "fractional timeout", items: ["timeout": "0.25"], after: nil, timeout: .milliseconds(250), limit: 100),
    ]

    @Test(arguments: cases)
    func parsesAndClamps(_ testCase: Case) throws {
        let query = try UpdatesQuery(testCase.items, maxTimeoutSeconds: 60)
        #expect(query.after == testCase.after)
        #expect(query.timeout == testCase.timeout)
        #expect(query.limit == testCase.limit)
    }

    @Test(arguments: [["after": "abc"], ["after": "-1"], ["timeout": "soon"], ["limit": "many"]])
    func refusesNonNumbers(_ items: [String: String]) {
        #expect(throws: RequestFailure.self) {
            try UpdatesQuery(items, maxTimeoutSeconds: 60)
        }
    }
}
