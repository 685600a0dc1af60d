import Support
import ProfileCore

/// One file's findings, as `validate --json` reports them.
public struct FileDiagnostics: Sendable, Equatable {
    public var file: String
    public var diagnostics: [Diagnostic]
    public init(file: String, diagnostics: [Diagnostic]) { self.file = file; self.diagnostics = diagnostics }
    public var valid: Bool { !diagnostics.hasErrors }
}

/// One finding in JSON (`validate --json`, and the error document of an invalid file).
public struct DiagnosticJSON: Encodable, Sendable {
    public var file: String, severity: String, line: Int, column: Int, path: String, message: String, notes: [String]
    public init(_ d: Diagnostic) {
        file = d.file; severity = d.severity.rawValue; line = d.line; column = d.column; path = d.path
        message = d.message; notes = d.notes
    }
}

/// Renders findings; pure functions of their inputs. Color and source display are decided by
/// the caller (terminal, `NO_COLOR`, `--no-color`), never here.
public enum DiagnosticPrinter {
    /// `path:line:col: error: message`, then `  note: …` lines; with `showSource` and the
    /// file's bytes in `sources`, the source line and a caret under the column.
    public static func text(_ diagnostics: [Diagnostic], sources: [String: [UInt8]] = [:], showSource: Bool = false,
                            useColor: Bool = false) -> String {
        var out = ""
        let paint = Paint(enabled: useColor)
        for d in diagnostics {
            let location = d.line > 0 ? "\(d.file):\(d.line):\(d.column):" : "\(d.file):"
            let label = d.severity == .error ? paint.boldRed("error:") : paint.boldMagenta("warning:")
            let subject = d.path.isEmpty ? d.message : "\(d.path): \(d.message)"
            out += "\(paint.bold(location)) \(label) \(paint.bold(subject))\n"
            if showSource, d.line > 0, let bytes = sources[d.file], let line = sourceLine(d.line, in: bytes) {
                out += "  \(line)\n"
                out += "  \(caretPadding(line, column: d.column))\(paint.boldGreen("^"))\n"
            }
            for note in d.notes { out += "  \(paint.boldCyan("note:")) \(note)\n" }
        }
        return out
    }

    /// The `validate --json` document (`docs/schemas/validate.schema.json`), one JSON policy:
    /// `{"format_version","files":[{"diagnostics":[{"column","line","message","notes","path","severity"}],"file","valid"}]}`.
    public static func json(_ files: [FileDiagnostics]) throws -> String {
        struct File: Encodable { var file: String, valid: Bool, diagnostics: [DiagnosticJSON] }
        struct Document: Encodable { var formatVersion = JSONDocument.formatVersion; var files: [File] }
        let document = Document(files: files.map { f in
            File(file: f.file, valid: f.valid, diagnostics: f.diagnostics.map(DiagnosticJSON.init))
        })
        return try JSONDocument.encode(document) + "\n"
    }

    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`), so findings land
    /// on the pull request's diff. Notes follow the message on their own lines.
    public static func githubCommands(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            var properties = ["file=\(escapeProperty(d.file))"]
            if d.line > 0 { properties += ["line=\(d.line)", "col=\(d.column)"] }
            var message = d.path.isEmpty ? d.message : "\(d.path): \(d.message)"
            for note in d.notes { message += "\nnote: \(note)" }
            out += "::\(d.severity.rawValue) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    static func escapeData(_ s: String) -> String {
        s.replacingScalars("%", with: "%25")
            .replacingScalars("\r", with: "%0D")
            .replacingScalars("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingScalars(":", with: "%3A").replacingScalars(",", with: "%2C")
    }

    /// The 1-based `line` of the file without its line break (LF, CRLF or a lone CR, as libyaml counts).
    public static func sourceLine(_ line: Int, in bytes: [UInt8]) -> String? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var current = 1
        var start = body.startIndex
        var i = body.startIndex
        while i < body.endIndex {
            let b = body[i]
            if b == 0x0A || b == 0x0D {
                if current == line { break }
                if b == 0x0D, i + 1 < body.endIndex, body[i + 1] == 0x0A { i += 1 }
                current += 1
                start = i + 1
            }
            i += 1
        }
        guard current == line else { return nil }
        return String(decoding: body[start..<i], as: UTF8.self)
    }

    /// Blanks up to the column, keeping tabs so the caret lines up. The column counts code points
    /// (as printed); the blanks count terminal cells: an East Asian wide character or an emoji
    /// presentation sequence (👨‍👩‍👧 is five scalars) takes two cells, a combining mark none.
    static func caretPadding(_ line: String, column: Int) -> String {
        let prefix = String(String.UnicodeScalarView(line.unicodeScalars.prefix(max(0, column - 1))))
        var padding = ""
        for character in prefix {
            if character == "\t" { padding += "\t"; continue }
            padding += String(repeating: " ", count: TerminalWidth.cells(of: character))
        }
        return padding
    }
}

/// How many terminal cells a character takes (the usual `wcwidth` rules, for the cases a
/// desired-state file meets: ASCII, Cyrillic, CJK, emoji).
public enum TerminalWidth {
    public static func cells(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation requested
        if first.properties.isEmojiPresentation { return 2 }
        if scalars.count > 1, scalars.contains(where: { $0.value == 0x200D }), first.properties.isEmoji { return 2 }
        if isEastAsianWide(first) { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: return 1
        }
    }

    /// East Asian Width W/F ranges (Unicode 15, abridged to whole blocks).
    static func isEastAsianWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
