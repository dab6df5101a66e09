import Foundation

/// Python's `icalendar` and `recurring-ical-events`, run by `Python/ics_occurrences.py`: what calendar
/// software makes of an .ics file, to hold Tandem's export against.
///
/// The packages live in `.venv-test/` at the package root, which `Deploy/setup.sh` makes. Without it the
/// tests fail (and say so) rather than skip: CI runs setup first, so a missing venv is a broken setup, and
/// a skipped check would look like a passed one.
enum PythonICS {
    /// Occurrence starts per UID, as UTC instants like `2026-03-30T07:00:00Z`.
    struct Reading: Decodable, Sendable {
        /// TZIDs resolved from the system's zone database, as most calendar apps do.
        var zoneinfo: [String: [String]]
        /// Zones built from the file's own VTIMEZONE components.
        var vtimezone: [String: [String]]
    }

    enum Failure: Error, CustomStringConvertible {
        case setupMissing(String)
        case scriptFailed(status: Int32, stderr: String)
        case unreadableOutput(String)

        var description: String {
            switch self {
            case .setupMissing(let what):
                "\(what). Run Deploy/setup.sh --test from the package root: it creates .venv-test/ with the Python "
                    + "packages these tests read iCalendar files with"
            case .scriptFailed(let status, let stderr):
                "ics_occurrences.py exited with status \(status): \(stderr)"
            case .unreadableOutput(let text):
                "ics_occurrences.py printed something other than its JSON: \(text.prefix(500))"
            }
        }
    }

    static let python = ChildProcess.packageRoot.appendingPathComponent(".venv-test/bin/python")
    static let pythonFolder = ChildProcess.packageRoot.appendingPathComponent("Tests/TandemInteropTests/Python")
    static let script = pythonFolder.appendingPathComponent("ics_occurrences.py")

    /// Fails unless the venv exists and was made from the current pins (setup copies them into it last).
    static func checkSetup() throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure.setupMissing("\(python.path) is missing")
        }
        let pins = try Data(contentsOf: pythonFolder.appendingPathComponent("requirements.txt"))
        let installed = try? Data(contentsOf: ChildProcess.packageRoot.appendingPathComponent(".venv-test/requirements.txt"))
        guard installed == pins else {
            throw Failure.setupMissing(".venv-test/ was made from other package versions than \(pythonFolder.path)/requirements.txt")
        }
    }

    /// Reads the .ics file at `file` and returns the occurrences starting in [from, to).
    static func occurrences(inFile file: URL, from: Date, to: Date) async throws -> Reading {
        try checkSetup()
        let output = try await ChildProcess.run(python, [script.path, file.path, instant(from), instant(to)])
        guard output.status == 0 else { throw Failure.scriptFailed(status: output.status, stderr: output.stderr) }
        do {
            return try JSONDecoder().decode(Reading.self, from: output.stdout)
        } catch {
            throw Failure.unreadableOutput(output.stdoutText)
        }
    }

    /// Writes `text` to a temporary file, reads it, and removes the file.
    static func occurrences(of text: String, from: Date, to: Date) async throws -> Reading {
        let scratch = try ScratchFolder("ics")
        defer { scratch.remove() }
        let file = scratch.file("calendar.ics")
        try Data(text.utf8).write(to: file)
        return try await occurrences(inFile: file, from: from, to: to)
    }

    /// `2026-03-30T07:00:00Z`: the script's form of an instant.
    static func instant(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
