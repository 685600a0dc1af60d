import Support

/// A finding about a desired-state file: where it is and what is wrong.
/// Findings are values collected by the loader and printed by a separate sink
/// (`ProfileRender.DiagnosticPrinter`); only the command decides the exit code.
public struct Diagnostic: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    /// The file as the user named it (not made absolute), e.g. `profiles/vacation.yaml`.
    public var file: String
    /// 1-based line and column; the column counts Unicode code points, as libyaml does.
    /// 0 when the finding concerns the whole file (e.g. the file cannot be read).
    public var line: Int
    public var column: Int
    /// Dotted field path such as `status.title`; empty when not about one field.
    public var path: String
    /// Lowercase, no final period: `at most 50 characters (got 63)`.
    public var message: String
    /// Extra lines such as `did you mean 'title'?`.
    public var notes: [String]

    public init(severity: Severity, file: String, line: Int, column: Int, path: String = "",
                message: String, notes: [String] = []) {
        self.severity = severity; self.file = file; self.line = line; self.column = column
        self.path = path; self.message = message; self.notes = notes
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    /// Deterministic order: by position, errors before warnings at the same place.
    public func sortedByPosition() -> [Diagnostic] {
        sorted { a, b in
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            if a.severity != b.severity { return a.severity == .error }
            if a.path != b.path { return a.path < b.path }
            return a.message < b.message
        }
    }
}
