import Foundation

extension NoticePlanner {
    /// What to record and say for notices that are due now. A notice more than a minute after its time
    /// says that it is late.
    public func outcome(for notices: [DueNotice], state: TeamState, now: Date) -> Outcome {
        var outcome = Outcome()
        for notice in notices {
            let late = now.timeIntervalSince(notice.at) > 60
            guard let reply = reply(for: notice, state: state, late: late) else { continue }
            outcome.events.append(.noticeSent(NoticeSent(key: notice.key, at: now, late: late)))
            outcome.replies.append(reply)
        }
        return outcome
    }

    func reply(for notice: DueNotice, state: TeamState, late: Bool) -> Reply? {
        switch notice.kind {
        case .meetingReminder(let id, let occurrence, let minutes):
            guard let meeting = state.meeting(id: id) else { return nil }
            let organizer = team.member(id: meeting.organizer) ?? Member(id: "", name: "", roles: [], timeZone: team.timeZone)
            var reader = organizer
            reader.timeZone = meeting.schedule.timeZone
            let l = reader.language
            var text = RichText.paragraph(
                .text(l.pick("Reminder: ", "Erinnerung: ")), .bold([.text(meeting.title)]),
                .text(l.pick(" starts in ", " beginnt in ") + MeetingText.offset(minutes, l) + " ("
                    + HandoffText.time(occurrence, for: reader) + " " + HandoffText.zoneName(meeting.schedule.timeZone) + ")."))
            if late { text.add(.text(l.pick("(Sent late: Tandem was offline.)", "(Verspätet: Tandem war offline.)"))) }
            if let agenda = MeetingText.agendaBullets(meeting, team: team) {
                text.add(.bold([.text(l.pick("Agenda so far:", "Agenda bisher:"))]))
                text.add(agenda)
            }
            text.add(.text(l.pick("Add a topic: ", "Thema ergänzen: ")), .code(l.pick("agenda add \(meeting.id) <topic>", "agenda neu \(meeting.id) <Thema>")))
            return Reply(channel: meeting.channel, body: text)

        case .escalation(let id, let level):
            guard let handoff = state.handoff(id: id), handoff.status == .pending, let channel = team.salesChannel else { return nil }
            let leads = team.members.filter { $0.roles.contains(.salesLead) }
            let rep = handoff.assignee.flatMap(team.member(id:))
            let addressees = level == 1 ? (rep.map { [$0] } ?? leads) : leads
            let l = addressees.first?.language ?? team.channelLanguage
            var reader = addressees.first ?? Member(id: "", name: "", roles: [], language: l)
            reader.timeZone = team.timeZone
            var inlines: [Inline] = addressees.flatMap { [Inline.mention(id: $0.id, name: $0.name), .text(" ")] }
            inlines += [
                .code(handoff.id), .text(" "), .bold([.text(handoff.contact.name + (handoff.company.name.map { ", " + $0 } ?? ""))]),
                .text(l.pick(" is past its first-touch deadline (", " hat die Frist für den ersten Kontakt überschritten (")
                    + HandoffText.time(handoff.firstTouchDue, for: reader) + " " + HandoffText.zoneName(team.timeZone) + ")."),
            ]
            var text = RichText([.paragraph(inlines)])
            if level == 1 {
                text.add(.code(l.pick("handoff accept \(handoff.id)", "übergabe annehmen \(handoff.id)")), .text(l.pick(" or ", " oder ")),
                    .code(l.pick("handoff reject \(handoff.id) <reason>", "übergabe ablehnen \(handoff.id) <Grund>")))
            } else {
                text.add(.text(l.pick("Still untouched — please reassign: ", "Immer noch unbearbeitet — bitte neu zuweisen: ")),
                    .code(l.pick("handoff reassign \(handoff.id) to @rep", "übergabe zuweisen \(handoff.id) an @rep")))
            }
            return Reply(channel: channel, body: text)

        case .weeklyReport:
            // One message both teams read: in each language the team speaks, English first.
            guard let channel = team.jointChannel else { return nil }
            var text = RichText()
            for language in team.languages {
                let reader = Member(id: "", name: "", roles: [], language: language, timeZone: team.timeZone)
                text.add(contentsOf: StandardReport(state: state, team: team, now: notice.at, days: 7).render(for: reader))
                if late { text.add(.text(language.pick("(Sent late: Tandem was offline.)", "(Verspätet: Tandem war offline.)"))) }
            }
            return Reply(channel: channel, body: text)
        }
    }
}

extension Team {
    /// The languages members read, English first; English alone for a team without members.
    public var languages: [Language] {
        let used = Set(members.map(\.language))
        return used.isEmpty ? [.en] : Language.allCases.filter(used.contains)
    }

    /// The language most members read: used for posts to a shared channel.
    public var channelLanguage: Language {
        let german = members.filter { $0.language == .de }.count
        return german * 2 > members.count ? .de : .en
    }
}
