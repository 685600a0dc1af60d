import ProfileCore
import ProfileYAML
import Support

/// The pure half of the CLI's output sink: what any text must become before it
/// reaches a terminal or a CI log, whoever wrote it.
public enum TerminalText {
    /// Control and invisible characters as `\uXXXX`, except line feeds, tabs and — on a
    /// terminal — SGR color sequences (`ESC [ digits;… m`: color only, never a cursor move,
    /// a title or a hyperlink).
    public static func visibleControls(_ text: String, keepColor: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { !InertText.isInert($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if keepColor, s == "\u{1B}", let end = sgrEnd(scalars, i) {
                out.append(contentsOf: scalars[i..<end]); i = end; continue
            }
            if InertText.isInert(s) || s == "\n" || s == "\t" { out.append(s) } else { out.append(contentsOf: InertText.escape(s).unicodeScalars) }
            i += 1
        }
        return String(out)
    }

    static func sgrEnd(_ s: [Unicode.Scalar], _ p: Int) -> Int? {
        guard p + 2 < s.count, s[p + 1] == "[" else { return nil }
        var q = p + 2
        while q < s.count, q - p < 16, ("0"..."9").contains(s[q]) || s[q] == ";" { q += 1 }
        return q < s.count && s[q] == "m" ? q + 1 : nil
    }

    /// A line whose first non-blank characters are `::` or `##[` would be read by the GitHub
    /// Actions runner as a workflow command; its first character is escaped instead.
    public static func guardedLineStarts(_ text: String) -> String {
        guard text.containsScalars("::") || text.containsScalars("##[") else { return text }
        var lines = text.linesByScalars().map(String.init)
        for index in lines.indices {
            let line = lines[index]
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            if body.hasPrefix("::") || body.hasPrefix("##[") {
                let indent = line.prefix(line.count - body.count)
                lines[index] = indent + InertText.escape(body.unicodeScalars.first!) + String(body.dropFirst())
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The one terminal styling: ANSI color, decided once at the edge (terminal, `NO_COLOR`,
/// `--no-color`) and passed to every renderer that colors (plans, diagnostics).
struct Paint {
    let enabled: Bool
    func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { wrap("32", s) }
    func yellow(_ s: String) -> String { wrap("33", s) }
    func red(_ s: String) -> String { wrap("31", s) }
    func bold(_ s: String) -> String { wrap("1", s) }
    func boldRed(_ s: String) -> String { wrap("1;31", s) }
    func boldMagenta(_ s: String) -> String { wrap("1;35", s) }
    func boldGreen(_ s: String) -> String { wrap("1;32", s) }
    func boldCyan(_ s: String) -> String { wrap("1;36", s) }
    func action(_ action: Action, _ s: String) -> String {
        switch action { case .create: green(s); case .update: yellow(s); case .delete: red(s) }
    }
}
