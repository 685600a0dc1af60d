import ArgumentParser
import PortableFoundation
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender

struct PlanCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes apply would make to the live profile (reads only).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }

    @Argument(help: "Desired-state files and directories (every *.yaml/*.yml below; §9 teams).", completion: .file()) var files: [String]

    @Option(name: .customLong("target"), help: "Plan only this person (email, nickname or id); repeatable.")
    var target: [String] = []

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when none.")
    var detailedExitcode = false

    @Option(name: .customLong("out"), help: "Save the plan for `apply --plan` (bound to this API, token owner and person).", completion: .file())
    var out: String?

    @Option(name: .customLong("state"), help: "The state record (default: .<profile-name>.state.json beside the file).", completion: .file())
    var state: String?

    @Option(name: .customLong("at"), help: "Plan for this instant instead of now (ISO-8601 with offset); reads only.")
    var at: PlanInstant?

    func validate() throws { _ = try TeamRun.targets(target) }

    func run() async throws {
        try await reportingErrors {
            let now = at?.date ?? Date()
            let set = try TeamRun.load(files, now: now, noColor: global.noColor)
            if TeamRun.isTeam(set) || !target.isEmpty { return try await planTeam(set, now: now) }
            let file = set.desired[0].file
            let desired = try DesiredStateLoading.load(file, now: now, noColor: global.noColor)
            let client = try global.makeClient(json: output.json)
            // The token owner binds a saved plan; read alongside the live state.
            let tokenInfo = out == nil ? nil : Task { try await client.tokenInfo().info }
            let plan = try await Planner(client: client).plan(
                desired: desired, stateStore: StateStore(profilePath: file, override: state), now: now)
            if let out {
                try SavedPlan.save(plan, binding: try await SavedPlan.binding(client: client, plan: plan, tokenInfo: tokenInfo),
                                   to: out)
            }
            if output.json {
                Output.stdout(try PlanJSON.render(plan))
            } else {
                Output.stdout(PlanText.render(plan, color: global.colorEnabledOnStdout), terminator: "")
            }
            Output.appendToStepSummary(PlanMarkdown.render(plan))
            if detailedExitcode && plan.hasChanges { throw ExitCode.changesPresent }
        }
    }

    func planTeam(_ set: ProfileSet, now: Date) async throws {
        let targets = try TeamRun.targets(target)
        if state != nil, set.desired.count > 1 { throw ValidationError("--state applies to a run with one file") }
        let client = try global.makeClient(json: output.json)
        let team = try await TeamRun.plan(set, client: client, targets: targets, state: state, now: now, noColor: global.noColor)
        if let out, set.desired.count != 1 {
            // Several files: one artifact bound to the API, the token owner and every subject (§9).
            try await SavedTeamPlan.save(team, client: client, to: out)
        } else if let out, let plan = team.profiles.first?.plan {
            // One file about someone else: the plan names its person by id (`subject`) and keeps
            // the `user:` value, so `apply --plan` can refuse it if that value now names another.
            try SavedPlan.save(plan, binding: try await SavedPlan.binding(client: client, plan: plan), to: out)
        }
        Output.stdout(output.json ? try TeamPlanJSON.render(team, runFile: set.desired.count == 1 ? set.desired[0].file : nil)
                           : TeamPlanText.render(team, color: global.colorEnabledOnStdout), terminator: output.json ? "\n" : "")
        if detailedExitcode && team.hasChanges { throw ExitStatus.changesPresent }
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
        // A desired status already expired is a warning of the plan itself ("treated as no
        // status"): printed there, once, not here as well.
        let shown = diagnostics.hasErrors ? diagnostics
            : diagnostics.filter { !($0.severity == .warning && $0.path == "status.expires_at") }
        if !shown.isEmpty {
            Output.stderr(Output.diagnosticsText(shown, noColorFlag: noColor), terminator: "")
        }
        guard let desired = result.desired, !diagnostics.hasErrors else {
            let count = diagnostics.filter { $0.severity == .error }.count
            throw CLIError(kind: .invalidFile,
                           description: "\(path) is not valid (\(count) error\(count == 1 ? "" : "s")); nothing was read or written",
                           diagnostics: diagnostics)
        }
        return desired
    }
}
