import ArgumentParser
import Support
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

/// `pachca-profile validate FILE|DIR...`: checks files only, no network. Exit 0 when every file
/// is valid (warnings do not fail), 1 otherwise, 64 for usage errors.
struct Validate: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        abstract: "Check desired-state files without touching the network.")

    @OptionGroup var output: JSONOption
    @OptionGroup var color: ColorOption
    var jsonOutput: Bool { output.json }

    @Argument(help: "Desired-state files and directories (every *.yaml/*.yml below, dot-files skipped).", completion: .file())
    var files: [String]

    func run() async throws {
        let now = Date()
        // Directories stand for the *.yaml/*.yml below them; two files for one person are an error (docs/teams.md).
        let reports = ProfileSet.load(files, now: now).reports.map { FileDiagnostics(file: $0.file, diagnostics: $0.diagnostics) }
        if output.json {
            // stdout carries exactly one JSON document; nothing else is printed.
            Output.stdout(try DiagnosticPrinter.json(reports), terminator: "")
        } else {
            let all = reports.flatMap(\.diagnostics)
            let text = Output.diagnosticsText(all, noColorFlag: color.noColor)
            if !text.isEmpty { Output.stderr(text, terminator: "") }
            if Output.isGitHubActions { Output.workflowCommands(DiagnosticPrinter.githubCommands(all)) }
            for report in reports { Output.stdout(Self.summary(report)) }
        }
        if reports.contains(where: { !$0.valid }) { throw ExitCode.failure }
    }

    /// `profiles/me.yaml: valid` / `profiles/me.yaml: invalid (2 errors, 1 warning)`.
    static func summary(_ report: FileDiagnostics) -> String {
        let errors = report.diagnostics.filter { $0.severity == .error }.count
        let warnings = report.diagnostics.count - errors
        var counts: [String] = []
        if errors > 0 { counts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { counts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        let verdict = report.valid ? "valid" : "invalid"
        let file = InertText.line(report.file)  // a file name is shown on one line, whatever it holds
        return counts.isEmpty ? "\(file): \(verdict)" : "\(file): \(verdict) (\(counts.joined(separator: ", ")))"
    }
}
