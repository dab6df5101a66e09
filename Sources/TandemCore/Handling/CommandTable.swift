import Foundation

/// The one table of commands: routing, role checks and help are all read from it.
public enum CommandTable {
    static let marketing: Set<Role> = [.marketing, .marketingLead, .admin]
    static let sales: Set<Role> = [.sales, .salesLead, .admin]

    public static let all: [CommandSpec] = [
        CommandSpec(
            ["help"], german: ["hilfe"], aliases: [["?"]],
            arguments: Localized("[command]", "[Befehl]"),
            summary: Localized("What I can do, or how to use one command", "Was ich kann, oder wie ein Befehl geht"),
            example: Localized("help handoff", "hilfe übergabe"),
            parse: { input in .help(topic: input.words.isEmpty ? nil : input.words.joined(separator: " ")) }
        )
    ] + campaignCommands + handoffCommands + meetingCommands + reportCommands

    static let campaignCommands: [CommandSpec] = [
        CommandSpec(
            ["campaign", "list"], german: ["kampagne", "liste"], aliases: [["campaigns"], ["kampagnen"]],
            arguments: Localized("[planned|live|ended|all]", "[geplant|laufend|beendet|alle]"),
            summary: Localized("List campaigns, by default the live and planned ones",
                "Kampagnen auflisten, ohne Angabe die laufenden und geplanten"),
            example: Localized("campaign list live", "kampagne liste laufend"),
            parse: { input in
                switch input.words.count {
                case 0: .campaignList(.current)
                case 1: CampaignListFilter(word: input.words[0]).map { .campaignList($0) }
                default: nil
                }
            }
        ),
        CommandSpec(
            ["campaign", "show"], german: ["kampagne", "zeige"], aliases: [["kampagne", "zeigen"]],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("The full brief of one campaign", "Das ganze Briefing einer Kampagne"),
            example: Localized("campaign show spring-launch", "kampagne zeige spring-launch"),
            parse: { input in input.words.count == 1 ? .campaignShow(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["campaign", "add"], german: ["kampagne", "neu"], aliases: [["kampagne", "anlegen"]],
            arguments: Localized("<name> [field=value …]", "<Name> [feld=wert …]"),
            summary: Localized("Create a campaign brief", "Ein Kampagnen-Briefing anlegen"),
            example: Localized(
                "campaign add \"Winter Webinar\" start=2027-01-12 end=2027-02-28 owner=Leo",
                "kampagne neu \"Winter-Webinar\" start=2027-01-12 end=2027-02-28 owner=Leo"),
            roles: marketing,
            parse: { input in
                input.words.isEmpty ? nil : .campaignAdd(name: input.words.joined(separator: " "), fields: input.options)
            }
        ),
        CommandSpec(
            ["campaign", "set"], german: ["kampagne", "setze"], aliases: [["kampagne", "ändern"]],
            arguments: Localized("<id> field=value …", "<ID> feld=wert …"),
            summary: Localized("Change fields of a brief (lists take ; between items)",
                "Felder eines Briefings ändern (Listen mit ; trennen)"),
            example: Localized("campaign set spring-launch promo=SPRING27 end=2027-05-15", "kampagne setze spring-launch promo=SPRING27"),
            roles: marketing,
            parse: { input in
                input.words.count == 1 && !input.options.isEmpty ? .campaignSet(id: input.words[0], fields: input.options) : nil
            }
        ),
        CommandSpec(
            ["campaign", "note"], german: ["kampagne", "notiz"],
            arguments: Localized("<id> <text>", "<ID> <Text>"),
            summary: Localized("Add a sales note: objections heard, lead quality", "Eine Notiz aus dem Vertrieb anfügen"),
            example: Localized("campaign note spring-launch \"Two prospects asked for SAP connectors\"",
                "kampagne notiz spring-launch \"Zwei Interessenten fragten nach SAP\""),
            parse: { input in
                input.words.count >= 2
                    ? .campaignNote(id: input.words[0], text: input.words.dropFirst().joined(separator: " ")) : nil
            }
        ),
        CommandSpec(
            ["campaign", "archive"], german: ["kampagne", "archivieren"],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("Archive a campaign", "Eine Kampagne archivieren"),
            example: Localized("campaign archive summer-retail", "kampagne archivieren summer-retail"),
            roles: marketing,
            parse: { input in input.words.count == 1 ? .campaignArchive(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["campaign"], german: ["kampagne"],
            arguments: Localized("<name or keyword>", "<Name oder Stichwort>"),
            summary: Localized("Find a campaign and see what it offers", "Eine Kampagne finden und sehen, was sie bietet"),
            example: Localized("campaign spring", "kampagne frühling"),
            parse: { input in input.words.isEmpty ? nil : .campaignSearch(query: input.words.joined(separator: " ")) }
        ),
    ]

    static let leads: Set<Role> = [.marketingLead, .salesLead, .admin]
    static let members: Set<Role> = Set(Role.allCases)

    static let meetingCommands: [CommandSpec] = [
        CommandSpec(
            ["meeting", "add"], german: ["meeting", "neu"], aliases: [["termin", "neu"], ["treffen", "neu"]],
            arguments: Localized(
                "<title> <when> [every …] [remind=1d,15m] [duration=45] [in #channel]",
                "<Titel> <wann> [jeden …] [remind=1d,15m] [duration=45] [in #kanal]"),
            summary: Localized("Schedule a (recurring) joint meeting with reminders", "Ein (wiederkehrendes) gemeinsames Meeting mit Erinnerungen planen"),
            example: Localized(
                "meeting add \"Pipeline sync\" monday 09:00 every monday remind=1d,15m",
                "meeting neu \"Pipeline-Abgleich\" montag 9:00 jeden montag remind=1d,15m"),
            roles: leads,
            parse: { input in input.words.count >= 2 ? .meetingAdd(words: input.words, options: input.options) : nil }
        ),
        CommandSpec(
            ["meeting", "list"], german: ["meeting", "liste"], aliases: [["meetings"], ["termine"]],
            summary: Localized("Upcoming joint meetings", "Die nächsten gemeinsamen Meetings"),
            example: Localized("meeting list", "meeting liste"),
            parse: { input in input.words.isEmpty ? .meetingList : nil }
        ),
        CommandSpec(
            ["meeting", "show"], german: ["meeting", "zeige"],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("One meeting: next dates, reminders, agenda", "Ein Meeting: nächste Termine, Erinnerungen, Agenda"),
            example: Localized("meeting show M-1", "meeting zeige M-1"),
            parse: { input in input.words.count == 1 ? .meetingShow(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["meeting", "skip"], german: ["meeting", "aussetzen"], aliases: [["meeting", "ausfallen"]],
            arguments: Localized("<id> <date>", "<ID> <Datum>"),
            summary: Localized("Skip one occurrence (holidays)", "Einen Termin ausfallen lassen (Feiertage)"),
            example: Localized("meeting skip M-1 2026-12-28", "meeting aussetzen M-1 28.12.2026"),
            roles: leads,
            parse: { input in input.words.count >= 2 ? .meetingSkip(id: input.words[0], when: Array(input.words.dropFirst())) : nil }
        ),
        CommandSpec(
            ["meeting", "cancel"], german: ["meeting", "absagen"],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("Cancel a meeting series", "Eine Meeting-Reihe absagen"),
            example: Localized("meeting cancel M-1", "meeting absagen M-1"),
            roles: leads,
            parse: { input in input.words.count == 1 ? .meetingCancel(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["meeting", "ics"], german: ["meeting", "kalender"],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("The meeting as an iCalendar file for your calendar app", "Das Meeting als iCalendar-Datei für den Kalender"),
            example: Localized("meeting ics M-1", "meeting kalender M-1"),
            parse: { input in input.words.count == 1 ? .meetingCalendar(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["agenda", "add"], german: ["agenda", "neu"], aliases: [["agenda", "plus"]],
            arguments: Localized("<meeting> <text>", "<Meeting> <Text>"),
            summary: Localized("Put a topic on a meeting's agenda", "Ein Thema auf die Agenda setzen"),
            example: Localized("agenda add M-1 \"Lead quality from the webinar\"", "agenda neu M-1 \"Lead-Qualität aus dem Webinar\""),
            roles: members,
            parse: { input in
                input.words.count >= 2 ? .agendaAdd(meeting: input.words[0], text: input.words.dropFirst().joined(separator: " ")) : nil
            }
        ),
        CommandSpec(
            ["agenda", "done"], german: ["agenda", "erledigt"],
            arguments: Localized("<meeting> <n>", "<Meeting> <Nr>"),
            summary: Localized("Tick off agenda item n", "Agendapunkt n abhaken"),
            example: Localized("agenda done M-1 2", "agenda erledigt M-1 2"),
            roles: members,
            parse: { input in
                input.words.count == 2 ? Int(input.words[1]).map { .agendaDone(meeting: input.words[0], number: $0) } : nil
            }
        ),
        CommandSpec(
            ["agenda"], german: ["tagesordnung"],
            arguments: Localized("<meeting>", "<Meeting>"),
            summary: Localized("The agenda of a meeting", "Die Agenda eines Meetings"),
            example: Localized("agenda M-1", "agenda M-1"),
            parse: { input in input.words.count == 1 ? .agendaShow(meeting: input.words[0]) : nil }
        ),
    ]

    /// The report reads campaigns and handoffs alike, so it belongs to no other section; last in help.
    static let reportCommands: [CommandSpec] = [
        CommandSpec(
            ["report"], german: ["bericht"],
            arguments: Localized("[week|month]", "[woche|monat]"),
            summary: Localized("The standard report: campaigns, handoffs, reasons, SLA", "Der Standardbericht: Kampagnen, Übergaben, Gründe, SLA"),
            example: Localized("report week", "bericht woche"),
            parse: { input in
                switch input.words.map(TextFolding.fold) {
                case []: .report(.week)
                case ["week"], ["woche"]: .report(.week)
                case ["month"], ["monat"]: .report(.month)
                default: nil
                }
            }
        ),
    ]

    static func step(_ action: HandoffAction) -> @Sendable (TokenizedInput) -> Command? {
        { input in
            guard let id = input.words.first else { return nil }
            let reason = input.words.dropFirst().joined(separator: " ")
            return .handoffStep(action, id: id, reason: reason.isEmpty ? nil : reason, options: input.options)
        }
    }

    static let handoffCommands: [CommandSpec] = [
        CommandSpec(
            ["handoff", "accept"], german: ["übergabe", "annehmen"], aliases: [["accept"], ["annehmen"]],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("Take a handed-off lead", "Einen übergebenen Lead annehmen"),
            example: Localized("handoff accept H-12", "übergabe annehmen H-12"),
            roles: sales, parse: step(.accept)
        ),
        CommandSpec(
            ["handoff", "reject"], german: ["übergabe", "ablehnen"], aliases: [["reject"], ["ablehnen"]],
            arguments: Localized("<id> <reason> [note]", "<ID> <Grund> [Notiz]"),
            summary: Localized("Reject a lead with a reason code", "Einen Lead mit Grund ablehnen"),
            example: Localized("handoff reject H-12 no-budget \"frozen until Q3\"", "übergabe ablehnen H-12 no-budget"),
            roles: sales, parse: step(.reject)
        ),
        CommandSpec(
            ["handoff", "won"], german: ["übergabe", "gewonnen"], aliases: [["won"], ["gewonnen"]],
            arguments: Localized("<id> [note]", "<ID> [Notiz]"),
            summary: Localized("The lead became a customer", "Der Lead wurde Kunde"),
            example: Localized("handoff won H-12", "übergabe gewonnen H-12"),
            roles: sales, parse: step(.won)
        ),
        CommandSpec(
            ["handoff", "lost"], german: ["übergabe", "verloren"], aliases: [["lost"], ["verloren"]],
            arguments: Localized("<id> <reason> [note]", "<ID> <Grund> [Notiz]"),
            summary: Localized("The lead was lost, with a reason code", "Der Lead ging verloren, mit Grund"),
            example: Localized("handoff lost H-12 competitor", "übergabe verloren H-12 competitor"),
            roles: sales, parse: step(.lost)
        ),
        CommandSpec(
            ["handoff", "recycle"], german: ["übergabe", "zurück"], aliases: [["recycle"], ["übergabe", "recyceln"]],
            arguments: Localized("<id> [reason] [revisit=date]", "<ID> [Grund] [revisit=Datum]"),
            summary: Localized("Send a rejected or lost lead back to Marketing's nurture",
                "Einen abgelehnten oder verlorenen Lead ans Marketing zurückgeben"),
            example: Localized("handoff recycle H-12 bad-timing revisit=2027-03-01", "übergabe zurück H-12 bad-timing revisit=2027-03-01"),
            roles: sales.union(marketing), parse: step(.recycle)
        ),
        CommandSpec(
            ["handoff", "reassign"], german: ["übergabe", "zuweisen"], aliases: [["reassign"]],
            arguments: Localized("<id> to @rep|queue", "<ID> an @rep|queue"),
            summary: Localized("Give a lead to another rep", "Einen Lead jemand anderem geben"),
            example: Localized("handoff reassign H-12 to @jonas", "übergabe zuweisen H-12 an @jonas"),
            roles: [.salesLead, .admin],
            parse: { input in
                let words = input.words.filter { !TextFolding.word($0, isOneOf: ["to", "an", "zu"]) }
                return words.count == 2 ? .handoffReassign(id: words[0], to: words[1]) : nil
            }
        ),
        CommandSpec(
            ["handoff", "show"], german: ["übergabe", "zeige"], aliases: [["übergabe", "zeigen"]],
            arguments: Localized("<id>", "<ID>"),
            summary: Localized("One handoff with its history", "Eine Übergabe mit Verlauf"),
            example: Localized("handoff show H-12", "übergabe zeige H-12"),
            parse: { input in input.words.count == 1 ? .handoffShow(id: input.words[0]) : nil }
        ),
        CommandSpec(
            ["handoffs"], german: ["übergaben"], aliases: [["leads"]],
            arguments: Localized("[mine|open|overdue|campaign <id>|@rep]", "[meine|offen|überfällig|kampagne <ID>|@rep]"),
            summary: Localized("List handoffs, by default your open ones", "Übergaben auflisten, ohne Angabe deine offenen"),
            example: Localized("handoffs overdue", "übergaben überfällig"),
            parse: { input in
                let words = input.words.map(TextFolding.fold)
                switch words.count {
                case 0: return .handoffList(.mine)
                case 1:
                    switch words[0] {
                    case "mine", "meine", "my": return .handoffList(.mine)
                    case "open", "offen", "offene": return .handoffList(.open)
                    case "overdue", "ueberfaellig", "uberfallig", "late": return .handoffList(.overdue)
                    default: return .handoffList(.member(input.words[0]))
                    }
                case 2 where TextFolding.word(words[0], isOneOf: ["campaign", "kampagne"]): return .handoffList(.campaign(input.words[1]))
                default: return nil
                }
            }
        ),
        CommandSpec(
            ["handoff"], german: ["übergabe"], aliases: [["uebergabe"]],
            arguments: Localized(
                "<lead name> to @rep|queue [company=… email=… phone=… campaign=… score=… priority=hot|warm|cool consent=yes] [note]",
                "<Lead-Name> an @rep|queue [company=… email=… phone=… campaign=… score=… priority=hot|warm|cool consent=yes] [Notiz]"),
            summary: Localized("Hand a qualified lead to a sales rep or the sales queue",
                "Einen qualifizierten Lead an den Vertrieb übergeben"),
            example: Localized(
                "handoff \"Anna Schmidt\" to @sam company=\"Kessler GmbH\" campaign=spring-launch priority=hot \"asked for a demo\"",
                "übergabe \"Anna Schmidt\" an @jonas company=\"Kessler GmbH\" campaign=spring-launch \"möchte eine Demo\""),
            roles: marketing,
            parse: { input in
                guard let toIndex = input.words.firstIndex(where: { TextFolding.word($0, isOneOf: ["to", "an"]) }),
                    toIndex > 0, toIndex + 1 < input.words.count
                else { return nil }
                let note = input.words[(toIndex + 2)...].joined(separator: " ")
                return .handoffCreate(
                    HandoffRequest(
                        leadName: input.words[..<toIndex].joined(separator: " "), to: input.words[toIndex + 1],
                        options: input.options, note: note.isEmpty ? nil : note))
            }
        ),
    ]
}
