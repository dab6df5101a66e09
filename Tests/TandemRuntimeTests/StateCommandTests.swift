import Foundation
import TandemRuntimeTesting
import Testing

/// `tandem state verify | export | compact` as an admin runs them.
@Suite(.timeLimit(.minutes(3)))
struct StateCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-cli-\(UUID().uuidString)").path

    @Test func verifyNamesTheProblemAndExits1() async throws {
        let missing = try await TandemProcess.run(["state", "verify", "--state", folder])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("problem: opening the state folder \(folder) failed"))

        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("{\"version\":1,\"sequence\":1,\"events\":[],\"outbox\":[],\"sent\":[]}\nnot json\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/journal.jsonl"))
        let corrupt = try await TandemProcess.run(["state", "verify", "--state", folder])
        #expect(corrupt.status == 1)
        #expect(corrupt.errors.contains("journal.jsonl at line 2"))
    }

    @Test func compactIsRefusedWhileTheBotRunsAndWorksAfter() async throws {
        let bot = try await TandemProcess(stateFolder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let refused = try await TandemProcess.run(["state", "compact", "--state", folder])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("in use by another Tandem (PID \(bot.process.processIdentifier))"))
        let verify = try await TandemProcess.run(["state", "verify", "--state", folder])
        #expect(verify.status == 0)
        #expect(verify.output.contains("campaigns: 5\n"))
        #expect(await bot.terminate() == 0)

        let compact = try await TandemProcess.run(["state", "compact", "--state", folder])
        #expect(compact.status == 0, "\(compact.errors)")
        let export = try await TandemProcess.run(["state", "export", "--state", folder])
        let snapshot = try #require(try JSONSerialization.jsonObject(with: Data(export.output.utf8)) as? [String: Any])
        #expect(snapshot["version"] as? Int == 1)
        // The same document: compact on disk with one campaign, handoff, meeting … per line, pretty for people.
        let file = try #require(FileManager.default.contents(atPath: folder + "/snapshot.json"))
        let lines = String(decoding: file, as: UTF8.self).split(separator: "\n")
        #expect(lines.count > 5, "the five campaigns at least start lines of their own")
        #expect(lines.filter { $0.hasPrefix("{\"") }.count >= 5)
        #expect(!lines.contains { $0.hasPrefix(" ") })
        #expect(export.output.split(separator: "\n").count > 10)
        let stored = try JSONSerialization.jsonObject(with: file)
        func canonical(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }
        #expect(try canonical(stored) == canonical(snapshot))
    }
}
