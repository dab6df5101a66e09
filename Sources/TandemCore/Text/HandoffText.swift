import Foundation

/// How a handoff reads in chat: the announcement to Sales, confirmations, a list line, the full record.
struct HandoffText {
    let handoff: Handoff
    let team: Team
    let state: TeamState

    private func name(_ id: String?) -> String { Self.name(id, in: team) }

    private static func name(_ id: String?, in team: Team) -> String {
        guard let id else { return "queue" }
        return team.member(id: id)?.name ?? id
    }

    private func mentionAssignee(_ language: Language) -> Inline {
        guard let id = handoff.assignee else { return .text(language.pick("the sales queue", "die Vertriebs-Warteschlange")) }
        return .mention(id: id, name: team.member(id: id)?.name ?? id)
    }

    /// "Mon 30 Nov 2026, 09:05" in the reader's zone and language.
    static func time(_ date: Date, for reader: Member) -> String {
        var text = ""
        appendTime(date, for: reader, to: &text)
        return text
    }

    /// Weekday abbreviations from Sunday and month names, as the UTF-8 `appendTime` writes.
    private static let weekdayBytes = (
        en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) },
        de: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"].map { Array($0.utf8) }
    )
    private static let monthBytes = (en: DateText.monthsEN.map { Array($0.utf8) }, de: DateText.monthsDE.map { Array($0.utf8) })

    /// `time(_:for:)` appended to `text`. Written as bytes into one new string: a list shows 30 times, and a
    /// dozen appends of small strings each cost more than the rest of its line.
    static func appendTime(_ date: Date, for reader: Member, to text: inout String) {
        // Zone offset plus arithmetic (`WallTime`), not `Calendar.dateComponents`, which on Linux cost as much as
        // the rest of a list line; no `String(format:)`, which goes through CFString.
        let wall = WallTime(date, in: reader.zone)
        let day = wall.day
        let de = reader.language == .de
        text += String(unsafeUninitializedCapacity: 48) { out in
            var n = 0
            func put(_ bytes: [UInt8]) {
                for byte in bytes {
                    out[n] = byte
                    n += 1
                }
            }
            func put(_ byte: UInt8) {
                out[n] = byte
                n += 1
            }
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    out[n] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    n += 1
                    divisor /= 10
                }
            }
            put((de ? weekdayBytes.de : weekdayBytes.en)[day.weekdayNumber % 7])  // ISO Monday = 1 … Sunday = 7
            put(UInt8(ascii: " "))
            put(day.day, digits: day.day < 10 ? 1 : 2)
            if de { put(UInt8(ascii: ".")) }
            put(UInt8(ascii: " "))
            put((de ? monthBytes.de : monthBytes.en)[day.month - 1])
            put(UInt8(ascii: " "))
            if (0...9999).contains(day.year) {
                put(day.year, digits: day.year < 10 ? 1 : day.year < 100 ? 2 : day.year < 1_000 ? 3 : 4)
            } else {
                put(Array(String(day.year).utf8))  // a date no one types, but one a file may hold
            }
            put(UInt8(ascii: ","))
            put(UInt8(ascii: " "))
            put(wall.hour, digits: 2)
            put(UInt8(ascii: ":"))
            put(wall.minute, digits: 2)
            return n
        }
    }

    /// "Berlin" for Europe/Berlin: enough to tell readers in other zones which clock is meant.
    static func zoneName(_ identifier: String) -> String {
        "(" + (identifier.split(separator: "/").last.map(String.init) ?? identifier).replacingOccurrences(of: "_", with: " ") + ")"
    }

    private var who: String { Self.who(handoff) }

    private static func who(_ handoff: borrowing Handoff) -> String {
        var text = handoff.contact.name
        if let title = handoff.contact.title { text += ", " + title }
        if let company = handoff.company.name { text += ", " + company }
        return text
    }

    private func priority(_ language: Language) -> String { Self.priority(handoff.priority, language) }

    private static func priority(_ priority: Handoff.Priority, _ language: Language) -> String {
        switch priority {
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
        let you = actor.id == reader.id
        // "Du hast …", "Sam hat …": the German verb agrees with who did it.
        let has = you ? "hast" : "hat"
        let verb: String =
            switch action {
            case .accept: l.pick("accepted", "\(has) angenommen:")
            case .reject: l.pick("rejected", "\(has) abgelehnt:")
            case .won: l.pick("won", "\(has) gewonnen:")
            case .lost: l.pick("lost", "\(has) verloren:")
            case .recycle: l.pick("sent back to Marketing", "\(has) ans Marketing zurückgegeben:")
            }
        var text = RichText.paragraph(
            .text(you ? l.pick("You ", "Du ") : actor.name + " "), .text(verb + " "), .code(handoff.id), .text(" "),
            .bold([.text(who)]))
        if let last = handoff.history.last {
            if let reason = last.reason { text.add(.text(l.pick("Reason: ", "Grund: ")), .code(reason)) }
            if let note = last.note { text.add(.text(l.pick("Note: ", "Notiz: ")), .text(note)) }
        }
        if let revisit = handoff.revisit { text.add(.text(l.pick("Revisit on ", "Wiedervorlage am ") + DateText.day(revisit, l))) }
        return text
    }

    /// One line of a list. Static, on a borrowed handoff: a list renders 30 lines, and a `HandoffText` for each
    /// copied the handoff and the state (retaining every string in them).
    static func line(_ handoff: borrowing Handoff, team: Team, for reader: Member, now: Date) -> [Inline] {
        let l = reader.language
        var rest = " — "
        rest.reserveCapacity(96)
        rest += Self.status(handoff.status, l)
        rest += ", "
        rest += Self.priority(handoff.priority, l)
        rest += ", "
        rest += Self.name(handoff.assignee, in: team)
        if handoff.isOverdue(at: now) {
            rest += l.pick(", OVERDUE since ", ", ÜBERFÄLLIG seit ")
            Self.appendTime(handoff.firstTouchDue, for: reader, to: &rest)
        } else if handoff.status == .pending {
            rest += l.pick(", due ", ", fällig ")
            Self.appendTime(handoff.firstTouchDue, for: reader, to: &rest)
        }
        return [.code(handoff.id), .text(" "), .bold([.text(Self.who(handoff))]), .text(rest)]
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
