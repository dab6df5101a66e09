@testable import TandemCore
import Testing

/// Every command for every role, as `help` documents it: `help <command>` shows it to whoever may run it and says
/// who may to everyone else, and running its own example is refused exactly when `help` says so.
struct RoleMatrixTests {
    static let cases: [(spec: String, member: String)] = CommandTable.all.flatMap { spec in
        Fixtures.everyone.map { (spec.name, $0.id) }
    }

    @Test(arguments: cases)
    func helpAndTheCommandAgreeOnWhoMay(spec name: String, member id: String) throws {
        let spec = try #require(CommandTable.all.first { $0.name == name })
        let member = try #require(Fixtures.everyone.first { $0.id == id })
        let handler = CommandHandler(team: Fixtures.team)
        let context = Fixtures.context(member)
        let language = context.language
        let refusal = language.pick("Sorry, only ", "Das dürfen nur ")

        let words = (language == .de ? spec.german : spec.english).joined(separator: " ")
        let help = handler.handle(language.pick("help ", "hilfe ") + words, state: Fixtures.state, context: context)
        let helpText = help.replies.map(\.body.plainText).joined()
        let run = handler.handle(spec.example(language), state: Fixtures.state, context: context)
        let runText = run.replies.map(\.body.plainText).joined()

        if spec.allows(member) {
            #expect(helpText.contains(spec.usage(language)), "help shows the command")
            #expect(!runText.contains(refusal), "\(spec.example(language)) refused for \(member.id): \(runText)")
        } else {
            // "help handoff" for a rep lists the handoff commands a rep may run; otherwise it says who may.
            let othersShown = CommandTable.all.contains { $0.allows(member) && helpText.contains($0.usage(language)) }
            let offered = !helpText.contains(refusal) && helpText.contains(spec.usage(language))
            #expect(helpText.contains(refusal) || othersShown, "help says who may: \(helpText)")
            #expect(!offered, "help offers what the member may not run: \(helpText)")
            #expect(runText.contains(refusal), "\(spec.example(language)) not refused for \(member.id): \(runText)")
            #expect(run.events.isEmpty)
        }
    }
}
