/// How much one command may hold. A script or a paste must not fill the state with 5,000-character names, or make
/// the bot echo 60 KB back into a channel; a person never comes near these.
public enum InputLimits {
    /// A whole command, after the bot's address.
    public static let commandCharacters = 4_000
    /// A campaign's name: it is shown in every list and announcement.
    public static let nameCharacters = 120
    /// What a reply repeats of what someone typed (a search term): longer is cut with "…".
    public static let echoedCharacters = 80

    /// The refusal of a command over `commandCharacters`, in the sender's language.
    static func tooLong(_ count: Int, _ language: Language) -> RichText {
        RichText(stringLiteral: language.pick(
            "That message is too long for me (\(count) characters; at most \(commandCharacters)). "
                + "Link a document for long texts.",
            "Diese Nachricht ist mir zu lang (\(count) Zeichen; höchstens \(commandCharacters)). "
                + "Verlinke für lange Texte ein Dokument."))
    }

    /// `text` as a reply repeats it: at most `echoedCharacters`.
    static func echoed(_ text: String) -> String {
        text.count <= echoedCharacters ? text : String(text.prefix(echoedCharacters - 1)) + "…"
    }
}
