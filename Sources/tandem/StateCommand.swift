import ArgumentParser
import Foundation
import TandemRuntime

struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Check, export or compact a state folder.",
        subcommands: [Verify.self, Export.self, Compact.self]
    )

    struct Folder: ParsableArguments {
        @Option(help: "The state folder: journal, snapshots and lock.")
        var state = "tandem-state"
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the whole state without taking it over and print what it holds.",
            discussion: "Safe while the bot runs. Exits 1, naming the file and line, if anything cannot be read."
        )
        @OptionGroup var folder: Folder

        func run() throws {
            let (summary, warnings) = try failing { try StateTools.verify(path: folder.state) }
            for line in summary { print(line) }
            for warning in warnings { print("warning: \(warning)") }
            print("OK")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the whole state as one JSON document (the format of snapshot.json).",
            discussion: "Safe while the bot runs: it reads only."
        )
        @OptionGroup var folder: Folder

        func run() throws {
            let data = try failing { try StateTools.export(path: folder.state) }
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new snapshot and empty the journal; the previous snapshots are kept as backups.",
            discussion: "Takes the folder's lock: refuses while the bot runs (the bot compacts by itself)."
        )
        @OptionGroup var folder: Folder

        func run() async throws {
            do {
                print(try await StateTools.compact(path: folder.state))
            } catch {
                fail(error)
            }
        }
    }
}

/// Runs `body`; a failure is printed to standard error as the problem and exits 1.
private func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        fail(error)
    }
}

private func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("problem: \(error)\n".utf8))
    StateCommand.exit(withError: ExitCode.failure)
}
