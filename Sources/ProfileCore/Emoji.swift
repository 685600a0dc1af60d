/// Decides whether a status emoji field holds one emoji (possibly a sequence: ZWJ families,
/// flags, keycaps, skin tones, presentation selectors) rather than text or a `:shortcode:`.
enum EmojiCheck {
    static func isSingleEmoji(_ text: String) -> Bool {
        guard text.count == 1 else { return false }
        let scalars = Array(text.unicodeScalars)
        var pictographic = false
        for (index, s) in scalars.enumerated() {
            switch s.value {
            case 0x200D, 0xFE0E, 0xFE0F, 0x20E3, 0xE0020...0xE007F:
                continue  // ZWJ, presentation selectors, keycap, tag characters (subdivision flags)
            case 0x1F1E6...0x1F1FF:
                pictographic = true  // regional indicators: a pair is a flag
            default:
                let p = s.properties
                guard p.isEmoji else { return false }
                // `1`, `#`, `*` are "emoji" only as keycaps or with VS16; © ® ‼ … are fine.
                if p.isEmojiPresentation || s.value > 0x7F { pictographic = true }
                else if index + 1 < scalars.count, scalars[index + 1].value == 0xFE0F || scalars[index + 1].value == 0x20E3 {
                    pictographic = true
                }
            }
        }
        return pictographic
    }
}
