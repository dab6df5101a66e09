import Foundation

/// Turns a line addressed to the bot into an outcome. Pure: the same state, text and context give the same
/// outcome, and no input makes it throw or crash.
public struct CommandHandler: Sendable {
    public let team: Team
    public let parser: CommandParser

    public init(team: Team, table: [CommandSpec] = CommandTable.all) {
        self.team = team
        self.parser = CommandParser(table: table)
    }

    /// Handles `text` (the address already stripped) sent by `context.sender`.
    public func handle(_ text: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard text.count <= InputLimits.commandCharacters else { return .reply(InputLimits.tooLong(text.count, language)) }
        switch parser.parse(text) {
        case .empty:
            return help(topic: nil, context: context)
        case .malformed(let spec):
            return .reply(usage(of: spec, language, lead: language.pick("Usage:", "So geht's:")))
        case .unknown(let word, let closest):
            // Not a command: people ask about campaigns in plain words, so try it as a question first.
            let today = today(context)
            if let understanding = QuestionAnswerer.understand(text, state: state, today: today) {
                return .reply(QuestionAnswerer.answer(understanding, state: state, context: context, today: today))
            }
            return unknown(word: word, closest: closest, context: context)
        case .command(let command, let spec):
            guard spec.allows(context.sender) else { return .reply(refusal(spec, language)) }
            return run(command, state: state, context: context)
        }
    }

    func run(_ command: Command, state: TeamState, context: RequestContext) -> Outcome {
        switch command {
        case .help(let topic): help(topic: topic, context: context)
        case .campaignSearch(let query): campaignSearch(query, state: state, context: context)
        case .campaignList(let filter): campaignList(filter, state: state, context: context)
        case .campaignShow(let id): campaignShow(id, state: state, context: context)
        case .campaignAdd(let name, let fields): campaignAdd(name: name, fields: fields, state: state, context: context)
        case .campaignSet(let id, let fields): campaignSet(id: id, fields: fields, state: state, context: context)
        case .campaignNote(let id, let text): campaignNote(id: id, text: text, state: state, context: context)
        case .campaignArchive(let id): campaignArchive(id: id, state: state, context: context)
        case .handoffCreate(let request): handoffCreate(request, state: state, context: context)
        case .handoffStep(let action, let id, let reason, let options):
            handoffStep(action, id: id, reason: reason, options: options, state: state, context: context)
        case .handoffReassign(let id, let to): handoffReassign(id: id, to: to, state: state, context: context)
        case .handoffShow(let id): handoffShow(id: id, state: state, context: context)
        case .handoffList(let filter): handoffList(filter, state: state, context: context)
        case .meetingAdd(let words, let options): meetingAdd(words: words, options: options, state: state, context: context)
        case .meetingList: meetingList(state: state, context: context)
        case .meetingShow(let id): meetingShow(id: id, state: state, context: context)
        case .meetingSkip(let id, let when): meetingSkip(id: id, when: when, state: state, context: context)
        case .meetingCancel(let id): meetingCancel(id: id, state: state, context: context)
        case .meetingCalendar(let id): meetingCalendar(id: id, state: state, context: context)
        case .agendaAdd(let meeting, let text): agendaAdd(meeting: meeting, text: text, state: state, context: context)
        case .agendaShow(let meeting): agendaShow(meeting: meeting, state: state, context: context)
        case .agendaDone(let meeting, let number): agendaDone(meeting: meeting, number: number, state: state, context: context)
        case .report(let period): .reply(StandardReport(state: state, team: team, now: context.now, days: period.days).render(for: context.sender))
        }
    }

    // MARK: - Answers shared by every command

    func usage(of spec: CommandSpec, _ language: Language, lead: String) -> RichText {
        RichText.paragraph(
            .text(lead + " "), .code(spec.usage(language)), .text(" — " + language.pick("for example ", "zum Beispiel ")),
            .code(spec.example(language)))
    }

    func refusal(_ spec: CommandSpec, _ language: Language) -> RichText {
        let roles = (spec.roles ?? []).map { RoleText.name($0, language) }.sorted().joined(separator: ", ")
        return RichText.paragraph(
            .text(language.pick("Sorry, only ", "Das dürfen nur ")), .bold([.text(roles)]),
            .text(language.pick(" may run ", " ausführen: ")), .code(spec.usage(language)), .text("."))
    }

    func unknown(word: String, closest: [CommandSpec], context: RequestContext) -> Outcome {
        let language = context.language
        var text = RichText.paragraph(
            .text(language.pick("I don't know the command ", "Den Befehl ")), .code(word),
            .text(language.pick(".", " kenne ich nicht.")))
        let visible = closest.filter { $0.allows(context.sender) }.prefix(3)
        if visible.isEmpty {
            text.add(.text(language.pick("Type ", "Schreib ")), .code(language.pick("help", "hilfe")),
                .text(language.pick(" to see what I can do.", ", um zu sehen, was ich kann.")))
        } else {
            text.add(.text(language.pick("Did you mean:", "Meintest du:")))
            text.add(.bullets(visible.map { [.code($0.usage(language)), .text(" — " + $0.summary(language))] }))
        }
        return .reply(text)
    }
}

/// Role names as people say them.
public enum RoleText {
    public static func name(_ role: Role, _ language: Language) -> String {
        switch role {
        case .marketing: "Marketing"
        case .marketingLead: language.pick("the marketing lead", "die Marketing-Leitung")
        case .sales: language.pick("Sales", "Vertrieb")
        case .salesLead: language.pick("the sales lead", "die Vertriebsleitung")
        case .admin: language.pick("admins", "Admins")
        }
    }
}
