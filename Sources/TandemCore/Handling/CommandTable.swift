import Foundation

/// The one table of commands: routing, role checks and help are all read from it.
public enum CommandTable {
    public static let all: [CommandSpec] = [
        CommandSpec(
            ["help"], german: ["hilfe"], aliases: [["?"]],
            arguments: Localized("[command]", "[Befehl]"),
            summary: Localized("What I can do, or how to use one command", "Was ich kann, oder wie ein Befehl geht"),
            example: Localized("help campaign", "hilfe kampagne"),
            parse: { input in .help(topic: input.words.isEmpty ? nil : input.words.joined(separator: " ")) }
        ),
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
            ["campaign"], german: ["kampagne"],
            arguments: Localized("<name or keyword>", "<Name oder Stichwort>"),
            summary: Localized("Find a campaign and see what it offers", "Eine Kampagne finden und sehen, was sie bietet"),
            example: Localized("campaign spring", "kampagne frühling"),
            parse: { input in input.words.isEmpty ? nil : .campaignSearch(query: input.words.joined(separator: " ")) }
        ),
    ]
}
