import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ProfileApply
import ProfileCore
import ProfileRender

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes apply would make to the live profile (reads only).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The desired-state file.") var file: String

    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when none.")
    var detailedExitcode = false

    @Option(name: .customLong("out"), help: "Save the plan for `apply --plan`.") var out: String?

    @Option(name: .customLong("state"), help: "The state record (default: .<profile-name>.state.json beside the file).")
    var state: String?

    @Option(name: .customLong("at"), help: "Plan for this instant instead of now (ISO-8601 with offset); reads only.")
    var at: PlanInstant?

    func run() async throws {
        try await reportingErrors {
            let now = at?.date ?? Date()
            let desired = try DesiredStateLoading.load(file, now: now, noColor: global.noColor)
            let client = try global.makeClient(json: json)
            let plan = try await Planner(client: client).plan(
                desired: desired, stateStore: StateStore(profilePath: file, override: state), now: now)
            if let out {
                do { try SafeFile.write(text: String(decoding: PlanFile.encode(plan), as: UTF8.self), to: out) } catch {
                    throw CLIError.failure("cannot write plan file \(out): \(error)")
                }
            }
            Output.stdout(json ? PlanJSON.render(plan) : PlanText.render(plan, color: global.colorEnabledOnStdout),
                          terminator: json ? "\n" : "")
            Output.appendToStepSummary(PlanMarkdown.render(plan))
            if detailedExitcode && plan.hasChanges { throw ExitStatus.changesPresent }
        }
    }
}

/// `--at TIME`: an instant with a date, a time and an offset, parsed like the file's timestamps.
struct PlanInstant: ExpressibleByArgument {
    let date: Date
    init?(argument: String) {
        guard let date = try? Timestamp.parse(argument) else { return nil }
        self.date = date
    }
    static var defaultValueDescription: String { "now" }
}

/// Loads a desired-state file for plan/apply: prints its diagnostics on stderr and fails on errors.
enum DesiredStateLoading {
    static func load(_ path: String, now: Date, noColor: Bool) throws -> DesiredState {
        let result = loadDesiredState(path: path, now: now)
        let diagnostics = result.diagnostics.sortedByPosition()
        if !diagnostics.isEmpty {
            Output.stderr(Output.diagnosticsText(diagnostics, noColorFlag: noColor), terminator: "")
        }
        guard let desired = result.desired, !diagnostics.hasErrors else {
            let count = diagnostics.filter { $0.severity == .error }.count
            throw CLIError.failure("\(path) is not valid (\(count) error\(count == 1 ? "" : "s")); nothing was read or written")
        }
        return desired
    }
}
