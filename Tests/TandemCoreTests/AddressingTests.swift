import Testing
import TandemCore

struct AddressingTests {
    let addressing = Addressing(names: ["tandem"], prefixes: ["!"])

    @Test(arguments: [
        ("@tandem campaign spring", false, "campaign spring"),
        ("@Tandem: help", false, "help"),
        ("tandem, help", false, "help"),
        ("tandem: hilfe", false, "hilfe"),
        ("!campaign list", false, "campaign list"),
        ("@tandem", false, ""),
        ("campaign spring", true, "campaign spring"),
        ("  @tandem   help  ", false, "help"),
    ])
    func addressedMessagesYieldTheCommand(text: String, direct: Bool, expected: String) {
        let message = ChatMessage(id: "1", channel: "c", userID: "u", userName: "U", text: text, isDirect: direct)
        #expect(addressing.command(in: message) == expected)
    }

    @Test(arguments: ["campaign spring", "@tandemfan hello", "hello tandem", "! not a command", "!", "email me@tandem.io"])
    func otherMessagesAreIgnored(text: String) {
        let message = ChatMessage(id: "1", channel: "c", userID: "u", userName: "U", text: text)
        #expect(addressing.command(in: message) == nil)
    }
}
