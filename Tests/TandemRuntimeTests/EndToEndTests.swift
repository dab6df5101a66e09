import Foundation
import TandemRuntimeTesting
import Testing
import TandemChat
import TandemCore

/// The real binary, the real local endpoint, libcurl over loopback: what a newcomer gets from the quick start.
@Suite(.timeLimit(.minutes(2)))
struct EndToEndTests {
    @Test func campaignQuestionGetsExactlyOneReplyAndSIGTERMExitsCleanly() async throws {
        let bot = try await TandemProcess()
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        var sam = ChatUser("sam", baseURL: bot.baseURL, http: http)

        try await sam.say("@tandem campaign spring")
        let replies = try await sam.next()
        #expect(replies.count == 1)
        #expect(replies.first?.text.contains("Spring Launch 2027") == true)
        #expect(replies.first?.channel == "marketing-sales")
        #expect(try await sam.drain().isEmpty)

        try await sam.say("@tandem help")
        #expect(try await sam.next().first?.text.contains("campaign list") == true)

        try await sam.say("@tandem frobnicate")
        let unknown = try await sam.next().first?.text ?? ""
        #expect(unknown.contains("frobnicate") && unknown.contains("help"))

        try await sam.say("chatter not addressed to the bot")
        #expect(try await sam.drain().allSatisfy { $0.userID != "tandem" })

        #expect(await bot.terminate() == 0)
    }

    @Test func marketingHandsALeadToSalesAndTheRepAcceptsIt() async throws {
        let bot = try await TandemProcess()
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        var leo = ChatUser("leo", baseURL: bot.baseURL, http: http)
        var priya = ChatUser("priya", baseURL: bot.baseURL, http: http)
        var sam = ChatUser("sam", baseURL: bot.baseURL, http: http)

        try await leo.say(
            "@tandem handoff \"Anna Schmidt\" to @sam company=\"Kessler GmbH\" consent=yes campaign=spring-launch priority=hot \"asked for a demo\"")
        let confirmation = try await leo.next()
        #expect(confirmation.first?.text.contains("H-1") == true)

        let announcement = try await priya.next().first { $0.channel == "sales" }
        #expect(announcement?.text.contains("New lead for @sam") == true)
        #expect(announcement?.text.contains("Anna Schmidt") == true)

        try await sam.say("@tandem handoff accept H-1", in: "sales")
        let accepted = try await sam.next().filter { $0.channel == "sales" }
        #expect(accepted.contains { $0.text.contains("H-1") })

        try await sam.say("@tandem handoffs mine", in: "sales")
        let mine = try await sam.next().last?.text ?? ""
        #expect(mine.contains("H-1") && mine.contains("accepted"))

        #expect(await bot.terminate() == 0)
    }

    @Test func aSecondInstanceOnTheSameStateIsRefused() async throws {
        let first = try await TandemProcess()
        let second = Process()
        second.executableURL = TandemProcess.binary
        second.arguments = ["run", "--port", "0", "--state", first.stateFolder]
        second.currentDirectoryURL = TandemProcess.packageRoot
        let errors = Pipe()
        second.standardError = errors
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        let output = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = errors.fileHandleForReading.readDataToEndOfFile()
                second.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        #expect(second.terminationStatus != 0)
        #expect(output.contains("in use by another Tandem (PID \(first.process.processIdentifier))"))
        #expect(await first.terminate() == 0)
    }
}
