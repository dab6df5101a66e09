import Foundation

/// How meetings read in chat: the rule in words, reminders, details, the agenda.
enum MeetingText {
    static let weekdaysEN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let weekdaysDE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]

    static func weekday(_ iso: Int, _ l: Language) -> String {
        let i = max(1, min(7, iso)) - 1
        return l == .de ? weekdaysDE[i] : weekdaysEN[i]
    }

    static func ordinal(_ n: Int, _ l: Language) -> String {
        if n == -1 { return l.pick("last", "letzten") }
        if n == -2 { return l.pick("second to last", "vorletzten") }
        if l == .de { return "\(n)." }
        return ["", "1st", "2nd", "3rd", "4th", "5th"][max(1, min(5, n))]
    }

    /// "every Monday at 09:00 (Berlin)", "jeden 2. Dienstag im Monat um 10:00 (Berlin)".
    static func recurrence(_ meeting: Meeting, _ l: Language) -> String {
        let time = meeting.schedule.firstStart.time.description + " " + HandoffText.zoneName(meeting.schedule.timeZone)
        let at = l.pick(" at ", " um ") + time
        switch meeting.schedule.recurrence.rule {
        case .none:
            return l.pick("once, ", "einmalig, ") + DateText.day(meeting.schedule.firstStart.day, l) + at
        case .weekly(let interval, let weekdays):
            let days = (weekdays.isEmpty ? [meeting.schedule.firstStart.day.isoWeekday] : weekdays).map { weekday($0, l) }
                .joined(separator: l.pick(" and ", " und "))
            return (interval <= 1 ? l.pick("every ", "jeden ") : l.pick("every \(interval) weeks on ", "alle \(interval) Wochen am ")) + days + at
        case .monthlyOnDay(let interval, let day):
            let every = interval <= 1 ? l.pick("monthly", "monatlich") : l.pick("every \(interval) months", "alle \(interval) Monate")
            return every + l.pick(" on day \(day)", " am \(day).") + at
        case .monthlyOnWeekday(let interval, let n, let wd):
            let every = interval <= 1 ? l.pick("monthly", "monatlich") : l.pick("every \(interval) months", "alle \(interval) Monate")
            return every + l.pick(" on the \(ordinal(n, l)) ", " am \(ordinal(n, l)) ") + weekday(wd, l) + at
        }
    }

    static func offset(_ minutes: Int, _ l: Language) -> String {
        if minutes % 1440 == 0 { return minutes == 1440 ? l.pick("1 day", "1 Tag") : l.pick("\(minutes / 1440) days", "\(minutes / 1440) Tage") }
        if minutes % 60 == 0 { return minutes == 60 ? l.pick("1 hour", "1 Stunde") : l.pick("\(minutes / 60) hours", "\(minutes / 60) Stunden") }
        return "\(minutes) min"
    }

    static func reminders(_ meeting: Meeting, _ l: Language) -> String {
        guard !meeting.reminderMinutes.isEmpty else { return l.pick("No reminders, in", "Keine Erinnerungen, in") }
        let list = meeting.reminderMinutes.map { offset($0, l) }.joined(separator: l.pick(" and ", " und "))
        return l.pick("Reminders \(list) before, in", "Erinnerungen \(list) vorher, in")
    }

    static func agendaBullets(_ meeting: Meeting, team: Team) -> Block? {
        let open = meeting.openAgenda
        guard !open.isEmpty else { return nil }
        return .bullets(open.map { n, item in [.text("\(n). "), .text(item.text), .text(" (" + (team.member(id: item.author)?.name ?? item.author) + ")")] })
    }

    static func agenda(_ meeting: Meeting, reader: Member, team: Team) -> RichText {
        let l = reader.language
        var text = RichText.paragraph(.bold([.text(l.pick("Agenda of ", "Agenda von ") + meeting.title)]), .text(" "), .code(meeting.id))
        if let bullets = agendaBullets(meeting, team: team) {
            text.add(bullets)
        } else {
            text.add(.text(l.pick("Nothing yet. Add a topic with ", "Noch leer. Ein Thema ergänzen mit ")),
                .code(l.pick("agenda add \(meeting.id) <topic>", "agenda neu \(meeting.id) <Thema>")))
        }
        return text
    }

    static func details(_ meeting: Meeting, reader: Member, now: Date, team: Team) -> RichText {
        let l = reader.language
        var text = RichText.paragraph(.code(meeting.id), .text(" "), .bold([.text(meeting.title)]))
        if meeting.cancelled { text.add(.bold([.text(l.pick("Cancelled.", "Abgesagt."))])) }
        text.add(.text(recurrence(meeting, l) + ", \(meeting.schedule.durationMinutes) min, #" + meeting.channel))
        let next = meeting.cancelled ? [] : meeting.schedule.occurrences(from: now, to: now.addingTimeInterval(400 * 86_400)).prefix(3)
        if !next.isEmpty {
            text.add(.text(l.pick("Next: ", "Nächste Termine: ") + next.map { HandoffText.time($0, for: reader) }.joined(separator: "; ")))
        }
        text.add(.text(reminders(meeting, l) + " #" + meeting.channel + "."))
        if !meeting.schedule.skipped.isEmpty {
            text.add(.text(l.pick("Skipped: ", "Fällt aus: ") + meeting.schedule.skipped.sorted().map { DateText.day($0, l) }.joined(separator: ", ")))
        }
        text.add(contentsOf: agenda(meeting, reader: reader, team: team))
        return text
    }

    static func calendarEvent(_ meeting: Meeting) -> ICalendar.Event {
        ICalendar.Event(meeting)
    }
}
