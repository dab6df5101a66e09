import ArgumentParser
import Foundation
import TandemRuntime

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and print what it sets up.",
        discussion: """
            Checks every key: types, unknown keys, missing secrets (environment variables and files), time zones, \
            members' ids in the chat's format. Names the file, the key and the problem, and exits 1 if anything is \
            wrong. With --probe it also logs in to the chat and lists the channels or rooms the bot can see.
            """
    )

    @Argument(help: "The configuration file.")
    var file = "Config/local.json"

    @Flag(help: "Also log in to the chat and list the channels or rooms the bot can see.")
    var probe = false

    func run() async throws {
        do {
            let configuration = try Configuration.load(from: file)
            for line in try ConfigCheck.summary(configuration) { print(line) }
            if probe {
                let lines = try await ConfigCheck.probe(configuration)
                for line in lines { print(line) }
                if lines.contains(where: { $0.hasPrefix("warning:") }) {
                    print("\(file): usable, with warnings")
                    return
                }
            }
            print("\(file): OK")
        } catch {
            FileHandle.standardError.write(Data("problem: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
