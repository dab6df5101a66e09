import Foundation

/// Meetings as calendar events: one definition, shared by `meeting ics <id>` in chat and by
/// `tandem export meetings`, so a meeting imported either way is the same event to a calendar app.
extension ICalendar.Event {
    /// The meeting's calendar event.
    ///
    /// The UID comes from the meeting's id alone (`m-3@tandem`), so importing it again, or re-reading a
    /// subscribed export, updates the event instead of adding a copy. The agenda (done items too) is the
    /// description, one item a line: it is what people prepare from.
    public init(_ meeting: Meeting) {
        self.init(
            uid: "\(meeting.id.lowercased())@tandem", title: meeting.title,
            description: meeting.agenda.isEmpty ? nil : meeting.agenda.map(\.text).joined(separator: "\n"),
            schedule: meeting.schedule, cancelled: meeting.cancelled)
    }
}
