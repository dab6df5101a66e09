import Foundation

/// What the bot tells a sender when the disk refused to record their message.
package enum SaveFailureText {
    /// Nothing changed yet, and the bot retries the same messages by itself: the text must not ask people to
    /// send them again, or the command would run twice.
    package static func nothingChanged(_ language: Language) -> RichText {
        RichText(stringLiteral: language.pick(
            "Sorry, I could not save that — nothing changed yet. I will try again by myself; no need to repeat it.",
            "Das konnte ich nicht speichern — noch hat sich nichts geändert. Ich versuche es selbst noch einmal; du musst nichts wiederholen."))
    }
}
