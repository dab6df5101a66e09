import Foundation

/// How a handoff reads in chat: the announcement to Sales, confirmations, a list line, the full record.
struct HandoffText {
    let handoff: Handoff
    let team: Team
    let state: TeamState

    private func name(_ id: String?) -> String {
        guard let id else { return "queue" }
        return team.member(id: id)?.name ?? id
    }

    private func mentionAssignee(_ language: Language) -> Inline {
        guard let id = handoff.assignee else { return .text(language.pick("the sales queue", "die Vertriebs-Warteschlange")) }
        return .mention(id: id, name: team.member(id: id)?.name ?? id)
    }

    /// "Tue 1 Dec, 11:00" in the reader's zone.
    static func time(_ date: Date, for reader: Member) -> String {
        // Zone offset plus arithmetic (`WallTime`), not `Calendar.dateComponents`, which on Linux cost as much as
        // the rest of a list line.
        let wall = WallTime(date, in: reader.zone)
        let en = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], de = ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"]
        let weekday = wall.day.weekdayNumber % 7  // ISO Monday = 1 … Sunday = 7 → Sunday = 0
        let date = DateText.day(wall.day, reader.language)
        // Not String(format:): on Linux it goes through CFString and costs as much as the rest of a list line.
        func twoDigits(_ n: Int) -> String { n < 10 && n >= 0 ? "0\(n)" : "\(n)" }
        return (reader.language == .de ? de[weekday] : en[weekday]) + " " + date + ", " + twoDigits(wall.hour) + ":"
            + twoDigits(wall.minute)
    }

    /// "Berlin" for Europe/Berlin: enough to tell readers in other zones which clock is meant.
    static func zoneName(_ identifier: String) -> String {
        "(" + (identifier.split(separator: "/").last.map(String.init) ?? identifier).replacingOccurrences(of: "_", with: " ") + ")"
    }

    private var who: String {
        var parts = [handoff.contact.name]
        if let title = handoff.contact.title { parts.append(title) }
        if let company = handoff.company.name { parts.append(company) }
        return parts.joined(separator: ", ")
    }

    private func priority(_ language: Language) -> String {
        switch handoff.priority {
        case .hot: language.pick("hot", "heiß")
        case .warm: "warm"
        case .cool: language.pick("cool", "kühl")
        }
    }

    private func status(_ language: Language) -> String { Self.status(handoff.status, language) }

    static func status(_ status: Handoff.Status, _ language: Language) -> String {
        switch status {
        case .pending: language.pick("pending", "offen")
        case .accepted: language.pick("accepted", "angenommen")
        case .rejected: language.pick("rejected", "abgelehnt")
        case .won: language.pick("won", "gewonnen")
        case .lost: language.pick("lost", "verloren")
        case .recycled: language.pick("back with Marketing", "zurück beim Marketing")
        }
    }

    /// Posted in the sales channel: the rep is mentioned and sees what to do next. Everyone in the channel reads
    /// it, so times are in the team's zone, named.
    func announcement(for assignee: Member) -> RichText {
        var reader = assignee
        reader.timeZone = team.timeZone
        let l = reader.language
        var text = RichText.paragraph(
            .text(l.pick("New lead for ", "Neuer Lead für ")), mentionAssignee(l), .text(": "), .bold([.text(who)]),
            .text(" "), .code(handoff.id))
        var facts: [[Inline]] = [
            [.text(l.pick("Priority: ", "Priorität: ") + priority(l))],
            [.text(l.pick("First touch due: ", "Erster Kontakt bis: ") + Self.time(handoff.firstTouchDue, for: reader) + " " + Self.zoneName(team.timeZone))],
        ]
        if let campaign = handoff.campaign.flatMap({ state.campaign(id: $0) }) {
            facts.append([.text(l.pick("Campaign: ", "Kampagne: ")), .text(campaign.name + " "), .code(campaign.id)])
        }
        if let score = handoff.score { facts.append([.text("Score: \(score)")]) }
        if let email = handoff.contact.email { facts.append([.text("E-Mail: " + email)]) }
        if let phone = handoff.contact.phone { facts.append([.text(l.pick("Phone: ", "Telefon: ") + phone)]) }
        if let note = handoff.note { facts.append([.text(l.pick("Context: ", "Kontext: ")), .text(note)]) }
        facts.append([.text(l.pick("From: ", "Von: ") + name(handoff.from))])
        text.add(.bullets(facts))
        text.add(
            .code(l.pick("handoff accept \(handoff.id)", "übergabe annehmen \(handoff.id)")), .text(l.pick(" or ", " oder ")),
            .code(l.pick("handoff reject \(handoff.id) <reason>", "übergabe ablehnen \(handoff.id) <Grund>")))
        return text
    }

    /// To the marketer who handed it off.
    func confirmation(for reader: Member, now: Date) -> RichText {
        let l = reader.language
        var text = RichText.paragraph(
            .text(l.pick("Handed off ", "Übergeben: ")), .code(handoff.id), .text(" "), .bold([.text(who)]),
            .text(l.pick(" to ", " an ")), mentionAssignee(l),
            .text(l.pick(". First touch due ", ". Erster Kontakt bis ") + Self.time(handoff.firstTouchDue, for: reader) + "."))
        if team.salesChannel == nil {
            text.add(.text(l.pick("No sales channel is configured, so nobody was notified.", "Es ist kein Vertriebskanal eingestellt; niemand wurde benachrichtigt.")))
        }
        return text
    }

    func stepConfirmation(_ action: HandoffAction, actor: Member, reader: Member, now: Date) -> RichText {
        let l = reader.language
        let verb: String =
            switch action {
            case .accept: l.pick("accepted", "hat angenommen:")
            case .reject: l.pick("rejected", "hat abgelehnt:")
            case .won: l.pick("won", "hat gewonnen:")
            case .lost: l.pick("lost", "hat verloren:")
            case .recycle: l.pick("sent back to Marketing", "hat ans Marketing zurückgegeben:")
            }
        var text = RichText.paragraph(
            .text(actor.id == reader.id ? l.pick("You ", "Du ") : actor.name + " "), .text(verb + " "), .code(handoff.id), .text(" "),
            .bold([.text(who)]))
        if let last = handoff.history.last {
            if let reason = last.reason { text.add(.text(l.pick("Reason: ", "Grund: ")), .code(reason)) }
            if let note = last.note { text.add(.text(l.pick("Note: ", "Notiz: ")), .text(note)) }
        }
        if let revisit = handoff.revisit { text.add(.text(l.pick("Revisit on ", "Wiedervorlage am ") + DateText.day(revisit, l))) }
        return text
    }

    func line(for reader: Member, now: Date) -> [Inline] {
        let l = reader.language
        var inlines: [Inline] = [.code(handoff.id), .text(" "), .bold([.text(who)]), .text(" — " + status(l) + ", " + priority(l))]
        inlines.append(.text(", " + name(handoff.assignee)))
        if handoff.isOverdue(at: now) {
            inlines.append(.text(l.pick(", OVERDUE since ", ", ÜBERFÄLLIG seit ") + Self.time(handoff.firstTouchDue, for: reader)))
        } else if handoff.status == .pending {
            inlines.append(.text(l.pick(", due ", ", fällig ") + Self.time(handoff.firstTouchDue, for: reader)))
        }
        return inlines
    }

    func details(for reader: Member, now: Date) -> RichText {
        let l = reader.language
        var text = RichText.paragraph(.code(handoff.id), .text(" "), .bold([.text(who)]), .text(" — " + status(l)))
        var facts: [[Inline]] = [
            [.text(l.pick("Assigned to: ", "Zugewiesen an: ") + name(handoff.assignee))],
            [.text(l.pick("Priority: ", "Priorität: ") + priority(l))],
            [.text(l.pick("First touch due: ", "Erster Kontakt bis: ") + Self.time(handoff.firstTouchDue, for: reader))],
        ]
        if let campaign = handoff.campaign { facts.append([.text(l.pick("Campaign: ", "Kampagne: ")), .code(campaign)]) }
        if let email = handoff.contact.email { facts.append([.text("E-Mail: " + email)]) }
        if let phone = handoff.contact.phone { facts.append([.text(l.pick("Phone: ", "Telefon: ") + phone)]) }
        if let note = handoff.note { facts.append([.text(l.pick("Context: ", "Kontext: ")), .text(note)]) }
        text.add(.bullets(facts))
        text.add(.bold([.text(l.pick("History", "Verlauf") + ":")]))
        text.add(.bullets(handoff.history.map { step in
            var inlines: [Inline] = [.text(Self.time(step.at, for: reader) + " " + name(step.actor) + ": " + Self.status(step.status, l))]
            if let reason = step.reason { inlines.append(.text(" (\(reason))")) }
            if let note = step.note { inlines += [.text(" — "), .text(note)] }
            return inlines
        }))
        return text
    }

    func notYours(_ l: Language) -> RichText {
        RichText.paragraph(
            .code(handoff.id), .text(l.pick(" is assigned to ", " ist zugewiesen an ") + name(handoff.assignee)),
            .text(l.pick(". Only they or the sales lead can act on it.", ". Nur diese Person oder die Vertriebsleitung kann das tun.")))
    }

    func illegal(_ action: HandoffAction, _ l: Language) -> RichText {
        RichText.paragraph(
            .code(handoff.id), .text(l.pick(" is ", " ist ") + status(l)),
            .text(l.pick(", so it cannot be ", ", daher kann man es jetzt nicht ") + Self.verb(action, l) + l.pick(" now.", ".")))
    }

    static func verb(_ action: HandoffAction, _ l: Language) -> String {
        switch action {
        case .accept: l.pick("accepted", "annehmen")
        case .reject: l.pick("rejected", "ablehnen")
        case .won: l.pick("marked won", "als gewonnen markieren")
        case .lost: l.pick("marked lost", "als verloren markieren")
        case .recycle: l.pick("sent back to Marketing", "ans Marketing zurückgeben")
        }
    }

    func illegalReassign(_ l: Language) -> RichText {
        RichText.paragraph(.code(handoff.id), .text(l.pick(" is ", " ist ") + status(l) + l.pick("; only open leads can be reassigned.", "; nur offene Leads lassen sich neu zuweisen.")))
    }
}
