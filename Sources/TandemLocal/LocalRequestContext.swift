import Hummingbird
import Logging
import NIOCore

/// The request context of the local endpoint: Hummingbird's basic one plus the connection,
/// so a handler can have the connection closed once its answer is written.
package struct LocalRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// Whether the client is on this machine (127.0.0.0/8, ::1, or an IPv4-mapped loopback address).
    package var peerIsLoopback: Bool {
        guard let address = channel.remoteAddress else { return false }
        if case .unixDomainSocket = address { return true }
        guard let ip = address.ipAddress?.lowercased() else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Closes the connection right after the answer to this request, without reading what the
    /// client still sends. Hummingbird's own quiesce event does it: it is what graceful shutdown
    /// sends every connection, and it is handled before the answer, which is written after it.
    package func closeConnectionAfterResponse() {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
