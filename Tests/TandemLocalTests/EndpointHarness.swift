import Foundation
@testable import TandemLocal

/// Runs a ``LocalChatEndpoint`` on a free loopback port for the duration of `body`, then
/// cancels it and checks that `run()` returned normally, even if `body` throws.
func withRunningEndpoint<T>(
    _ configuration: LocalEndpointConfiguration = Fixtures.configuration(),
    now: @escaping @Sendable () -> Date = { Fixtures.fixedDate },
    _ body: (LocalChatEndpoint, TestClient) async throws -> T
) async throws -> T {
    let endpoint = LocalChatEndpoint(configuration: configuration, now: now)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await endpoint.run() }
        let result: Result<T, any Error>
        do {
            let port = try await endpoint.waitUntilListening()
            result = .success(try await body(endpoint, TestClient(port: port)))
        } catch {
            result = .failure(error)
        }
        group.cancelAll()
        try await group.waitForAll()
        return try result.get()
    }
}
