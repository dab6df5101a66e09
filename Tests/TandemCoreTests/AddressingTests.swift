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

    /// Typed or pasted invisible characters are gone before anything reads the command: U+202E would reverse what
    /// follows it in every reply that echoes a name; U+200B and U+2060 would make two look-alike names differ.
    @Test(arguments: [
        ("@tandem campaign add \"Spring\u{202E}Sale\"", "campaign add \"SpringSale\""),
        ("\u{200B}@tandem campaign spring\u{2060}-launch", "campaign spring-launch"),
        ("@tandem\u{FEFF} help", "help"),
        ("!campaign note x \u{2066}quoted\u{2069} \u{00AD}", "campaign note x quoted"),
        ("!campaign note x kudos 👩\u{200D}💻 team", "campaign note x kudos 👩\u{200D}💻 team"),
        ("!campaign note x A\u{200D}B", "campaign note x AB"),
    ])
    func invisibleCharactersAreDropped(text: String, expected: String) {
        let message = ChatMessage(id: "1", channel: "c", userID: "u", userName: "U", text: text)
        #expect(addressing.command(in: message) == expected)
    }
}
