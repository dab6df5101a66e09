import Foundation
import TandemCore
import TandemStore
import Testing

/// `tandem export meetings --format ics`, run as the built binary against a state folder written by the real
/// `JournalStore`, and its output read back by Python's icalendar.
@Suite("tandem export meetings", .serialized, .timeLimit(.minutes(5)))
struct ExportCommandTests {
    static let lea = "lea"
    static let at = ScheduleCase.instant("2026-01-02T09:00:00Z")

    /// Two meetings, one occurrence skipped, one meeting cancelled: what the export must carry over.
    static let pipeline = Meeting(
        id: "M-1", title: "Pipeline sync; \"Q1\", part 2", channel: "marketing-sales", organizer: lea,
        schedule: ScheduleCase.schedule("2026-01-05 09:00", "Europe/Berlin", .weekly(interval: 1, weekdays: [1])),
        agenda: [.init(author: lea, text: "Numbers first")])
    static let review = Meeting(
        id: "M-2", title: "Campaign review", channel: "marketing-sales", organizer: lea,
        schedule: ScheduleCase.schedule("2026-01-30 15:00", "America/New_York", .monthlyOnWeekday(interval: 1, ordinal: -1, weekday: 5)))
    static let offsite = Meeting(
        id: "M-3", title: "Offsite", channel: "marketing-sales", organizer: lea,
        schedule: ScheduleCase.schedule("2026-05-04 10:00", "Europe/Berlin", .none))
    static let skippedDay = ScheduleCase.day("2026-03-30")

    /// A state folder as the bot leaves it: created, loaded and appended to by `JournalStore`, whose lock is
    /// held until `body` returns, as if the bot were running.
    func withState(_ body: (String) async throws -> Void) async throws {
        let scratch = try ScratchFolder("export")
        defer { scratch.remove() }
        let path = scratch.file("state").path
        let folder = try StateFolder(path: path)
        let store = JournalStore(folder: folder)
        _ = try await store.load()
        try await store.append(JournalRecord(events: [.meetingScheduled(Self.pipeline), .meetingScheduled(Self.review)]))
        try await store.append(
            JournalRecord(events: [
                .meetingSkipped(MeetingChange(meeting: "M-1", by: Self.lea, at: Self.at, day: Self.skippedDay)),
                .meetingScheduled(Self.offsite),
                .meetingCancelled(MeetingChange(meeting: "M-3", by: Self.lea, at: Self.at)),
            ]))
        try await body(path)
        withExtendedLifetime(folder) {}
    }

    /// Every file in the folder with its bytes, to show the export changed nothing.
    func contents(of folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        return result
    }

    @Test func writesEveryMeetingToStandardOutputWhileTheBotHoldsTheFolder() async throws {
        try await withState { state in
            let before = try contents(of: state)
            let run = try await ChildProcess.run(ChildProcess.tandem, ["export", "meetings", "--format", "ics", "--state", state])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try contents(of: state) == before, "the export must not write to the state folder")

            let text = run.stdoutText
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 3)
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("SUMMARY:Pipeline sync\\; \"Q1\"\\, part 2\r\n"))
            #expect(unfolded.contains("EXDATE;TZID=Europe/Berlin:20260330T090000\r\n"))
            #expect(unfolded.contains("STATUS:CANCELLED\r\n"))

            let reading = try await PythonICS.occurrences(of: text, from: ScheduleCase.from, to: ScheduleCase.to)
            var pipeline = Self.pipeline.schedule
            pipeline.skipped.insert(Self.skippedDay)
            for (uid, schedule) in [("m-1@tandem", pipeline), ("m-2@tandem", Self.review.schedule), ("m-3@tandem", Self.offsite.schedule)] {
                let expected = ICalendarPythonTests.expected(schedule)
                #expect(!expected.isEmpty)
                #expect(reading.zoneinfo[uid, default: []] == expected, "\(uid)")
                #expect(reading.vtimezone[uid, default: []] == expected, "\(uid)")
            }
        }
    }

    @Test func writesTheSameCalendarToAFile() async throws {
        try await withState { state in
            let scratch = try ScratchFolder("export-out")
            defer { scratch.remove() }
            let file = scratch.file("meetings.ics")
            let run = try await ChildProcess.run(
                ChildProcess.tandem, ["export", "meetings", "--state", state, "--output", file.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("wrote 3 meeting(s) to \(file.path)"))
            let reading = try await PythonICS.occurrences(inFile: file, from: ScheduleCase.from, to: ScheduleCase.to)
            #expect(Set(reading.zoneinfo.keys) == ["m-1@tandem", "m-2@tandem", "m-3@tandem"])
            #expect(reading.zoneinfo == reading.vtimezone)
        }
    }

    @Test func failsOnAMissingStateFolderWithoutCreatingIt() async throws {
        let scratch = try ScratchFolder("export-missing")
        defer { scratch.remove() }
        let missing = scratch.file("no-such-state").path
        let run = try await ChildProcess.run(ChildProcess.tandem, ["export", "meetings", "--format", "ics", "--state", missing])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(missing))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func rejectsAnUnknownFormat() async throws {
        let run = try await ChildProcess.run(ChildProcess.tandem, ["export", "meetings", "--format", "csv"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("csv"))
    }
}
