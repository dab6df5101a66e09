import TandemProtocol
import Testing

@Suite("Routes and the updates query")
struct UpdatesRequestTests {
    @Test(arguments: zip(
        [nil, "3", "a&b=c d+/"],
        ["timeout=25&limit=100", "timeout=25&limit=100&after=3", "timeout=25&limit=100&after=a%26b%3Dc%20d%2B%2F"]
    ))
    func queryCarriesTheCursorPercentEncodedWhole(after: String?, expected: String) {
        #expect(UpdatesRequest(after: after).query == expected)
    }

    @Test func queryCarriesTheChosenTimeoutAndLimit() {
        #expect(UpdatesRequest(after: "9", timeout: 0, limit: 5).query == "timeout=0&limit=5&after=9")
    }

    @Test(arguments: zip(Route.allCases, [("/updates", "GET"), ("/messages", "POST"), ("/channels", "GET")]))
    func eachRouteHasOnePathAndMethod(route: Route, expected: (path: String, method: String)) {
        #expect(route.path == expected.path)
        #expect(route.method == expected.method)
    }
}
