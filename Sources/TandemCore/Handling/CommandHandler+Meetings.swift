import Foundation

extension CommandHandler {
    func meetingAdd(words: [String], options: [String: String], state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let zone = context.sender.zone
        let usage = { Outcome.reply(self.usage(of: self.spec("meeting add"), language, lead: language.pick("Usage:", "So geht's:"))) }
        // Title: everything before the first words that read as a date or time.
        guard let start = (1..<words.count).first(where: { WhenParser.parse(Array(words[$0...]), now: context.now, zone: zone) != nil }),
            let when = WhenParser.parse(Array(words[start...]), now: context.now, zone: zone)
        else { return usage() }
        let title = words[..<start].joined(separator: " ")
        var rest = Array(words[(start + when.consumed)...])
        let first = when.wallTime(defaultTime: TimeOfDay(hour: 10))
        var recurrence = Recurrence.once
        if let (parsed, used) = RecurrenceParser.parse(rest, firstStart: first.day) {
            recurrence = parsed
            rest.removeFirst(used)
        }
        var channel = team.jointChannel ?? context.channel
        if rest.count == 2, TextFolding.word(rest[0], isOneOf: ["in", "im"]) {
            channel = rest[1].hasPrefix("#") ? String(rest[1].dropFirst()) : rest[1]
            rest.removeAll()
        }
        guard rest.isEmpty else {
            return .reply(RichText.paragraph(
                .text(language.pick("I did not understand ", "Das habe ich nicht verstanden: ")), .code(rest.joined(separator: " ")),
                .text(". "), .text(language.pick("Usage: ", "So geht's: ")), .code(spec("meeting add").usage(language))))
        }
        var reminders = [1440, 15]
        if let raw = options["remind"] ?? options["erinnern"] {
            let parsed = raw.split(separator: ",").map { WhenParser.parseOffset(String($0)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else { return .reply(usageLine("remind=1d,15m", language)) }
            reminders = parsed.compactMap { $0.map { Int($0.components.seconds / 60) } }
        }
        var duration = 30
        if let raw = options["duration"] ?? options["dauer"] {
            guard let minutes = WhenParser.parseOffset(raw).map({ Int($0.components.seconds / 60) }) ?? Int(raw), minutes > 0, minutes <= 1440
            else { return .reply(usageLine("duration=45", language)) }
            duration = minutes
        }
        let schedule = MeetingSchedule(
            firstStart: first, timeZone: zone.identifier, durationMinutes: duration, recurrence: recurrence, skipped: [], until: nil)
        let meeting = Meeting(
            id: state.nextMeetingID, title: title, channel: channel, organizer: context.sender.id, schedule: schedule,
            reminderMinutes: reminders)
        guard let next = meeting.nextStart(atOrAfter: context.now) else {
            return .reply(RichText(stringLiteral: language.pick("That time is in the past.", "Dieser Zeitpunkt liegt in der Vergangenheit.")))
        }
        var text = RichText.paragraph(
            .text(language.pick("Scheduled ", "Geplant: ")), .code(meeting.id), .text(" "), .bold([.text(title)]),
            .text(" — " + MeetingText.recurrence(meeting, language) + ". "),
            .text(language.pick("Next: ", "Nächster Termin: ") + HandoffText.time(next, for: context.sender) + "."))
        text.add(.text(MeetingText.reminders(meeting, language) + " #" + channel + "."))
        text.add(.text(language.pick("Collect topics with ", "Themen sammeln mit ")), .code(language.pick("agenda add \(meeting.id) <topic>", "agenda neu \(meeting.id) <Thema>")))
        return Outcome(events: [.meetingScheduled(meeting)], replies: [Reply(body: text)])
    }

    func meetingList(state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let upcoming = state.meetings.compactMap { m in m.nextStart(atOrAfter: context.now).map { (m, $0) } }.sorted { $0.1 < $1.1 }
        guard !upcoming.isEmpty else {
            return .reply(RichText.paragraph(
                .text(language.pick("No meetings planned. Plan one with ", "Keine Meetings geplant. Eins planen mit ")),
                .code(spec("meeting add").example(language))))
        }
        var text = RichText.paragraph(.bold([.text(language.pick("Upcoming meetings", "Nächste Meetings"))]))
        text.add(.bullets(upcoming.prefix(30).map { meeting, next in
            [.code(meeting.id), .text(" "), .bold([.text(meeting.title)]),
             .text(" — " + HandoffText.time(next, for: context.sender) + ", " + MeetingText.recurrence(meeting, language))]
        }))
        return .reply(text)
    }

    func meetingShow(id: String, state: TeamState, context: RequestContext) -> Outcome {
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        return .reply(MeetingText.details(meeting, reader: context.sender, now: context.now, team: team))
    }

    func meetingSkip(id: String, when: [String], state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        guard let parsed = WhenParser.parse(when, now: context.now, zone: meeting.schedule.zone), parsed.consumed == when.count
        else { return .reply(usageLine(language.pick("meeting skip \(meeting.id) 2026-12-28", "meeting aussetzen \(meeting.id) 28.12.2026"), language)) }
        guard meeting.schedule.occurs(on: parsed.day), !meeting.cancelled else {
            return .reply(RichText.paragraph(
                .code(meeting.id), .text(language.pick(" does not meet on ", " findet nicht statt am ") + DateText.day(parsed.day, language) + ".")))
        }
        let change = MeetingChange(meeting: meeting.id, by: context.sender.id, at: context.now, day: parsed.day)
        return Outcome(
            events: [.meetingSkipped(change)],
            replies: [Reply(body: RichText.paragraph(
                .text(language.pick("Skipped ", "Fällt aus: ")), .bold([.text(meeting.title)]),
                .text(language.pick(" on ", " am ") + DateText.day(parsed.day, language) + language.pick(". No reminders for it.", ". Keine Erinnerungen dafür."))))])
    }

    func meetingCancel(id: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        guard !meeting.cancelled else {
            return .reply(RichText.paragraph(.code(meeting.id), .text(language.pick(" is cancelled already.", " ist schon abgesagt."))))
        }
        return Outcome(
            events: [.meetingCancelled(MeetingChange(meeting: meeting.id, by: context.sender.id, at: context.now))],
            replies: [Reply(body: RichText.paragraph(.text(language.pick("Cancelled ", "Abgesagt: ")), .bold([.text(meeting.title)]), .text(".")))])
    }

    func meetingCalendar(id: String, state: TeamState, context: RequestContext) -> Outcome {
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        let ics = ICalendar.document([MeetingText.calendarEvent(meeting)], dtstamp: context.now)
        var text = RichText.paragraph(.text(context.language.pick(
            "Save this as meeting.ics and open it in your calendar app:", "Als meeting.ics speichern und im Kalender öffnen:")))
        text.add(.code(ics.replacingOccurrences(of: "\r\n", with: "\n")))
        return .reply(text)
    }

    func agendaAdd(meeting id: String, text: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        let change = MeetingChange(meeting: meeting.id, by: context.sender.id, at: context.now, text: text)
        return Outcome(
            events: [.agendaItemAdded(change)],
            replies: [Reply(body: RichText.paragraph(
                .text(language.pick("Added to the agenda of ", "Auf der Agenda von ")), .bold([.text(meeting.title)]),
                .text(language.pick(" as item \(meeting.agenda.count + 1).", " als Punkt \(meeting.agenda.count + 1)."))))])
    }

    func agendaShow(meeting id: String, state: TeamState, context: RequestContext) -> Outcome {
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        return .reply(MeetingText.agenda(meeting, reader: context.sender, team: team))
    }

    func agendaDone(meeting id: String, number: Int, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let meeting = state.meeting(id: id) else { return noSuchMeeting(id, context) }
        guard meeting.agenda.indices.contains(number - 1), !meeting.agenda[number - 1].done else {
            return .reply(RichText.paragraph(.text(language.pick("There is no open item \(number) on ", "Es gibt keinen offenen Punkt \(number) bei ")), .code(meeting.id), .text(".")))
        }
        let change = MeetingChange(meeting: meeting.id, by: context.sender.id, at: context.now, number: number)
        return Outcome(
            events: [.agendaItemDone(change)],
            replies: [Reply(body: RichText.paragraph(.text(language.pick("Done: ", "Erledigt: ")), .text(meeting.agenda[number - 1].text)))])
    }

    func noSuchMeeting(_ id: String, _ context: RequestContext) -> Outcome {
        let language = context.language
        return .reply(RichText.paragraph(
            .text(language.pick("There is no meeting ", "Es gibt kein Meeting ")), .code(id),
            .text(language.pick(". See them with ", ". Alle siehst du mit ")), .code(language.pick("meeting list", "meeting liste")), .text(".")))
    }

    func spec(_ name: String) -> CommandSpec {
        parser.table.first { $0.name == name } ?? parser.table[0]
    }
}
