import ArgumentParser
import Foundation
import TandemRuntime

/// `tandem export …`: data out of a state folder in formats other tools read.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write data of a state folder in a standard format.",
        subcommands: [ExportMeetings.self]
    )
}

/// The formats `tandem export meetings` writes. Only iCalendar so far; the option is there so the command
/// line keeps its meaning when a second one comes.
enum MeetingExportFormat: String, ExpressibleByArgument, CaseIterable {
    case ics
}

/// `tandem export meetings --format ics [--state DIR] [--output FILE]`.
struct ExportMeetings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetings",
        abstract: "Write all meetings as one calendar file (iCalendar, RFC 5545).",
        discussion: """
            Reads the state folder without locking or changing it, so it can run while Tandem runs. \
            Cancelled meetings are included with STATUS:CANCELLED, so subscribed calendars remove them.
            """
    )

    @Option(help: "The file format.")
    var format: MeetingExportFormat = .ics

    @Option(help: "The state folder to read.")
    var state = "tandem-state"

    @Option(help: "Write to this file (replaced atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let export: MeetingExport.Result
        do {
            switch format {
            case .ics: export = try MeetingExport.ics(statePath: state, now: Date())
            }
        } catch {
            Self.printError("tandem: \(error)")
            throw ExitCode.failure
        }
        let data = Data(export.text.utf8)
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            // Atomically: a calendar server publishing the file never serves half of it.
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Self.printError("tandem: cannot write \(output): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        Self.printError("tandem: wrote \(export.meetings) meeting(s) to \(output)")
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
