/// Characters that change how text looks without being seen: typed into a campaign name they make two names that
/// look alike differ, or reverse what is shown after them (U+202E). Commands are read without them.
public enum InvisibleCharacters {
    /// `text` without format characters (Unicode category Cf: bidirectional controls, zero-width spaces and
    /// joiners, word joiners, the byte-order mark, the soft hyphen …). A zero-width joiner between two emoji is
    /// kept: it is what makes 👩‍💻 one picture.
    public static func removed(from text: String) -> String {
        guard text.unicodeScalars.contains(where: isFormat) else { return text }
        var kept = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if isFormat(scalar) {
                let joinsEmoji = scalar == "\u{200D}" && index > 0 && index + 1 < scalars.count
                    && isEmojiPart(scalars[index - 1]) && scalars[index + 1].properties.isEmojiPresentation
                if !joinsEmoji { continue }
            }
            kept.append(scalar)
        }
        return String(kept)
    }

    private static func isFormat(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format
    }

    /// An emoji, or the variation selector or skin tone that ends one.
    private static func isEmojiPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isEmojiPresentation || scalar == "\u{FE0F}" || scalar.properties.isEmojiModifier
    }
}
