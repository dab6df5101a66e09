/// Why the local chat endpoint cannot start: a configuration it cannot serve.
///
/// Thrown by ``LocalChatEndpoint/run()`` and ``LocalChatEndpoint/waitUntilListening()``.
/// The message names the offending value so the admin can fix the config file.
public struct LocalEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sentence saying what is wrong, e.g. `duplicate participant id "alice"`.
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { "local chat endpoint: \(message)" }
}
