import Foundation
import TandemCore
import TandemStore

/// `tandem export meetings`: the state folder's meetings as one calendar file, for an admin to hand out or
/// to publish as a feed that people subscribe to.
///
/// Reads the folder with ``JournalStore/inspect(path:fileSystem:backups:)``, without its lock, so the export runs beside the bot (from cron,
/// say) and never writes to the folder.
public enum MeetingExport {
    /// What an export produced.
    public struct Result: Sendable {
        /// The whole file.
        public var text: String
        /// How many meetings it holds, for a line on standard error.
        public var meetings: Int
    }

    /// Every meeting as one VCALENDAR (RFC 5545).
    ///
    /// Cancelled meetings stay in, marked STATUS:CANCELLED: a calendar subscribed to an earlier export then
    /// removes them, where a meeting that simply vanished from the feed may linger. `now` is the DTSTAMP.
    public static func ics(statePath: String, now: Date) throws -> Result {
        let meetings = try JournalStore.inspect(path: statePath).state.team.meetings
        let text = ICalendar.document(meetings.map(ICalendar.Event.init), dtstamp: now)
        return Result(text: text, meetings: meetings.count)
    }
}
