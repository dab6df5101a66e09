#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP port for a server a test starts (and may restart) on a port it must know beforehand.
///
/// Chosen below Linux's ephemeral range (32768–60999), so that no other test's `bind(port 0)` or outgoing
/// connection can be handed the port while the server is down between a kill and its restart: with the whole suite
/// running side by side, a port from the ephemeral range was taken that way, and the restarted server could not
/// listen.
public enum FreePort {
    public static func belowEphemeralRange() throws -> Int {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let port = Int.random(in: 20_000..<32_768, using: &random)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if bound == 0 { return port }
        }
        throw FreePortError.noneFound
    }

    public enum FreePortError: Error { case noneFound }
}
