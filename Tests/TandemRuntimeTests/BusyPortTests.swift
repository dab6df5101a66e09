import Foundation
import TandemRuntimeTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A port another program holds: `run` and `endpoint` say so plainly and exit 1 at once (they used to hang 30 s
/// ignoring SIGTERM, then say "Task timed out").
@Suite(.timeLimit(.minutes(3)))
struct BusyPortTests {
    /// A listening socket on a free loopback port, held until `close`.
    static func occupyPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test(arguments: ["run", "endpoint"])
    func aBusyPortIsNamedAndTheCommandExits(command: String) async throws {
        let (fd, port) = try Self.occupyPort()
        defer { close(fd) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-busy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let arguments = command == "run" ? ["run", "--port", "\(port)", "--state", state] : ["endpoint", "--config", "Config/local.json", "--port", "\(port)"]
        let result = try await TandemProcess.run(arguments)
        #expect(result.status == 1)
        #expect(result.errors.contains("cannot listen on 127.0.0.1:\(port): the address is already in use"), "\(result.errors)")
    }
}
