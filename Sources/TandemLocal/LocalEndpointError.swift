import Glibc
import NIOCore

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

extension LocalEndpointError {
    /// A failure to listen said the way an admin can act on it, instead of NIO's `bind(descriptor:ptr:bytes:)`.
    /// Other errors are returned as they are.
    package static func listening(_ error: any Error, host: String, port: Int) -> any Error {
        guard let code = (error as? IOError)?.errnoCode else { return error }
        let address = "\(host):\(port)"
        return switch code {
        case EADDRINUSE:
            LocalEndpointError(
                "cannot listen on \(address): the address is already in use (another Tandem, or another server?); "
                    + "stop it, or choose another port with --port or transport.port")
        case EACCES:
            LocalEndpointError("cannot listen on \(address): permission denied (ports below 1024 need root); choose a port above 1023")
        case EADDRNOTAVAIL:
            LocalEndpointError("cannot listen on \(address): this machine has no such address; use 127.0.0.1 or 0.0.0.0")
        default:
            error
        }
    }
}
