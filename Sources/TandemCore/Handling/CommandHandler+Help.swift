import Foundation

extension CommandHandler {
    /// Help is generated from the command table and hides what the member may not run.
    func help(topic: String?, context: RequestContext) -> Outcome {
        let language = context.language
        let visible = parser.table.filter { $0.allows(context.sender) }
        if let topic {
            let folded = TextFolding.words(topic)
            func matches(_ spec: CommandSpec) -> Bool { spec.spellings.contains { Array($0.prefix(folded.count)) == folded } }
            let matching = visible.filter(matches)
            // A command this member may not run is not unknown: say who may.
            if matching.isEmpty, let spec = parser.table.first(where: matches) { return .reply(refusal(spec, language)) }
            guard !matching.isEmpty else {
                return unknown(word: topic, closest: parser.closest(to: folded.first ?? ""), context: context)
            }
            var text = RichText()
            for spec in matching {
                text.add(.bold([.code(spec.usage(language))]), .text(" — " + spec.summary(language)))
                text.add(.text(language.pick("Example: ", "Beispiel: ")), .code(spec.example(language)))
            }
            return .reply(text)
        }
        var text = RichText.paragraph(
            .text(language.pick("Hi ", "Hallo ")), .text(context.sender.name),
            .text(language.pick(", here is what I can do for you:", ", das kann ich für dich tun:")))
        text.add(.bullets(visible.map { [.code($0.usage(language)), .text(" — " + $0.summary(language))] }))
        text.add(
            .text(language.pick("Details: ", "Details: ")), .code(language.pick("help <command>", "hilfe <Befehl>")))
        text.add(
            .text(language.pick("You can also just ask, e.g. ", "Du kannst auch einfach fragen, z. B. ")),
            .code(language.pick("what's the offer of spring?", "was ist das Angebot im Frühling?")))
        return .reply(text)
    }
}
