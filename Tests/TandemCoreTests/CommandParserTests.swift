import Testing
import TandemCore

struct CommandParserTests {
    let parser = CommandParser(table: CommandTable.all)

    @Test(arguments: [
        ("help", Command.help(topic: nil)),
        ("HILFE campaign", .help(topic: "campaign")),
        ("campaign spring", .campaignSearch(query: "spring")),
        ("Kampagne Frühling", .campaignSearch(query: "Frühling")),
        ("campaign list", .campaignList(.current)),
        ("campaigns", .campaignList(.current)),
        ("kampagne liste alle", .campaignList(.all)),
        ("campaign list ended", .campaignList(.ended)),
        ("campaign show spring-launch", .campaignShow(id: "spring-launch")),
        ("kampagne zeige spring-launch", .campaignShow(id: "spring-launch")),
    ])
    func parsesCommandsInEnglishAndGerman(input: String, expected: Command) {
        guard case .command(let command, _) = parser.parse(input) else {
            Issue.record("not parsed: \(input)")
            return
        }
        #expect(command == expected)
    }

    @Test(arguments: ["campaign show", "campaign show a b", "campaign list sometimes", "campaign"])
    func malformedArgumentsGiveUsage(input: String) {
        guard case .malformed = parser.parse(input) else {
            Issue.record("expected malformed: \(input)")
            return
        }
    }

    @Test func unknownCommandsSuggestTheClosest() {
        guard case .unknown(let word, let closest) = parser.parse("campain list") else {
            Issue.record("expected unknown")
            return
        }
        #expect(word == "campain")
        #expect(closest.first?.english.first == "campaign")
    }

    /// Each row's example, in both languages, parses to that row: help never shows an example that fails, and a
    /// new row is checked by this test without one of its own.
    @Test(arguments: CommandTable.all.map(\.name), Language.allCases)
    func everyExampleParsesToItsOwnRow(_ name: String, _ language: Language) throws {
        let spec = try #require(CommandTable.all.first { $0.name == name })
        guard case .command(_, let parsed) = parser.parse(spec.example(language)) else {
            Issue.record("\(spec.example(language)) does not parse")
            return
        }
        #expect(parsed.name == name)
    }
}
