import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

struct PlanCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes apply would make to the live profile (reads only).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }

    @Argument(help: "Desired-state files and directories (every *.yaml/*.yml below; docs/teams.md).", completion: .file()) var files: [String]

    @Option(name: .customLong("target"), help: "Plan only this person (email, nickname or id); repeatable; one that matches no file is an error.")
    var target: [String] = []

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when none.")
    var detailedExitcode = false

    @Option(name: .customLong("out"), help: "Save the plan for `apply --plan` (bound to this API, token owner and person).", completion: .file())
    var out: String?

    @Option(name: .customLong("state"), help: "The state record of a run of one file (default: the person's record in --state-dir).", completion: .file())
    var state: String?

    @OptionGroup var stateDir: StateDirOption
    @OptionGroup var large: LargeRunOptions

    @Option(name: .customLong("at"), help: "Plan for this instant instead of now (ISO-8601 with offset); reads only.",
            transform: PlanInstant.parse)
    var at: PlanInstant?

    func validate() throws { _ = try RunFiles.targets(target) }

    func run() async throws {
        try await reportingErrors {
            let now = at?.date ?? Date()
            let set = try RunFiles.load(files, now: now, noColor: global.noColor)
            if state != nil, set.desired.count > 1 { throw ValidationError("--state applies to a run with one file") }
            let client = try global.makeClient(json: output.json)
            // The token owner binds a saved plan; read alongside the live state.
            let tokenInfo = out == nil ? nil : Task { try await client.tokenInfo().info }
            var run = try await Planner(client: client).plan(set.desired, targets: try RunFiles.targets(target),
                                                            state: stateDir.location(client, override: state), now: now)
            run.maxChanges = try large.setting() ?? .automatic
            if let out, run.failures.isEmpty {
                try await SavedPlan.save(run, client: client, tokenInfo: tokenInfo, maxChanges: try large.setting(), to: out)
                Output.stderr("Saved the plan to \(InertText.line(out)); apply exactly it with: pachca-profile apply --plan \(InertText.line(out))")
            } else if let out {
                // Never a partial artifact that a later apply --plan would take for the whole run.
                Output.stderr("Not saved to \(InertText.line(out)): \(run.failures.count) profile\(run.failures.count == 1 ? "" : "s") could not be planned")
            }
            Output.stdout(output.json ? try PlanJSON.render(run) : PlanText.render(run, color: global.colorEnabledOnStdout, expand: large.expand),
                          terminator: output.json ? "\n" : "")
            Output.appendToStepSummary(PlanMarkdown.render(run, expand: large.expand))
            if run.blastRadius.exceeded && !output.json {
                Output.stderr("warning: apply would refuse this run: \(run.blastRadius.message)")
            }
            RunFiles.reportFailures(run)
            if !run.failures.isEmpty { throw ExitCode.failure }
            if detailedExitcode && run.hasChanges { throw ExitCode.changesPresent }
        }
    }
}

/// `--at TIME`: an instant with a date, a time and an offset, parsed like the file's timestamps.
struct PlanInstant {
    let date: Date

    /// The option's parser: an instant needs a date, a time and an offset; what is missing is
    /// said (a local time without its zone is ambiguous), with an example.
    static func parse(_ text: String) throws -> PlanInstant {
        do { return PlanInstant(date: try Timestamp.parse(text)) } catch {
            let problem: String
            switch error {
            case .bareDate: problem = "a date alone is not an instant"
            case .missingOffset: problem = "a local time without an offset (Z or +03:00) is ambiguous"
            case .outOfRange(let field): problem = "\(field) is out of range"
            case .outsideYears: problem = "outside years 1 to 9999 (UTC)"
            case .malformed: problem = "not an ISO-8601 instant"
            }
            throw ValidationError("\(problem); write a date, a time and an offset, e.g. 2026-07-15T13:00:00+03:00")
        }
    }
}
