import PachcaAPI
import ProfileYAML

/// The way out (issue 10): every byte the CLI prints passes here. It removes the token in any
/// form and URL userinfo (`SecretRedactor`), makes control characters visible (a terminal
/// keeps only the plain color sequences our renderers write), and stops any line from
/// starting a GitHub Actions workflow command — except the commands we emit on purpose.
enum OutputSink {
    static func forTerminal(_ text: String, isTerminal: Bool, workflowCommands: Bool = false) -> String {
        var text = SecretRedactor.shared.redact(text)
        text = visibleControls(text, keepColor: isTerminal)
        if !workflowCommands { text = guardedLineStarts(text) }
        return text
    }

    /// For files we write (state record, saved plan, export, step summary): redaction only;
    /// their formats escape control characters themselves.
    static func forFile(_ text: String) -> String { SecretRedactor.shared.redact(text) }

    /// Control characters as `\uXXXX`, except line feeds, tabs and (on a terminal) SGR color.
    static func visibleControls(_ text: String, keepColor: Bool) -> String {
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

    /// `ESC [ digits;… m` (Select Graphic Rendition: color only, no cursor moves or titles).
    static func sgrEnd(_ s: [Unicode.Scalar], _ p: Int) -> Int? {
        guard p + 2 < s.count, s[p + 1] == "[" else { return nil }
        var q = p + 2
        while q < s.count, q - p < 16, ("0"..."9").contains(s[q]) || s[q] == ";" { q += 1 }
        return q < s.count && s[q] == "m" ? q + 1 : nil
    }

    /// A line whose first non-blank characters are `::` or `##[` would be read by the GitHub
    /// Actions runner as a workflow command; its first character is escaped instead.
    static func guardedLineStarts(_ text: String) -> String {
        guard text.contains("::") || text.contains("##[") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
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
