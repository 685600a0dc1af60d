/// Text from outside (a server, a file name) made inert for a terminal or a one-line slot:
/// C0 and C1 controls (ESC, CR, LF, TAB…), DEL, bidi overrides and isolates, line/paragraph
/// separators and other invisible format characters are shown as visible `\uXXXX` escapes —
/// the form JSON and YAML double-quoted strings read back as the same character, so the one
/// sink can pass human text, JSON documents and YAML alike.
/// Joiners and variation selectors stay (emoji need them). Lives beside the emitter, which
/// uses it for comments; the renderers and the CLI's output sink use it too.
public enum InertText {
    /// The longest excerpt of a user's text a message quotes, in characters.
    public static let excerptLength = 32

    /// At most `limit` characters of `text`, then `…`; made inert like `line`. What a message
    /// quotes of a value from a file: enough to find it, never a whole secret or paragraph.
    public static func excerpt(_ text: String, limit: Int = excerptLength) -> String {
        var kept = ""
        var count = 0
        for character in text {
            if count == limit { return line(kept) + "…" }
            kept.append(character)
            count += 1
        }
        return line(kept)
    }

    /// One line: nothing in `text` can end the line, move the cursor or reorder what follows.
    public static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isInert($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isInert(scalar) { out.unicodeScalars.append(scalar) } else { out += escape(scalar) }
        }
        return out
    }

    /// Like `line`, but keeps line feeds and tabs (for whole blocks of our own output).
    public static func block(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isInert($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isInert(scalar) || scalar == "\n" || scalar == "\t" { out.unicodeScalars.append(scalar) } else { out += escape(scalar) }
        }
        return out
    }

    public static func escape(_ scalar: Unicode.Scalar) -> String {
        func u(_ v: UInt32) -> String {
            let hex = String(v, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        guard scalar.value > 0xFFFF else { return u(scalar.value) }
        let v = scalar.value - 0x10000  // a UTF-16 surrogate pair, as JSON writes it
        return u(0xD800 + (v >> 10)) + u(0xDC00 + (v & 0x3FF))
    }

    /// True for characters that are safe to show as they are.
    public static func isInert(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20...0x7E: return true
        case 0...0x1F, 0x7F...0x9F: return false
        case 0x2028, 0x2029, 0xFEFF, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return false
        case 0x200D, 0xFE00...0xFE0F, 0xE0020...0xE007F: return true  // ZWJ, variation selectors, tag sequences (emoji)
        default: return s.properties.generalCategory != .format
        }
    }
}
