import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

struct ApplyCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make exactly the planned changes, then re-read and verify them.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Desired-state files and directories (or use --plan); see docs/teams.md.", completion: .file()) var files: [String] = []
    var file: String? { files.first }

    @Option(name: .customLong("target"), help: "Apply only to this person (email, nickname or id); repeatable; one that matches no file is an error.")
    var target: [String] = []

    @Option(name: .customLong("plan"), help: "Apply a plan saved by `plan --out`; refused when stale.", completion: .file())
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.") var autoApprove = false

    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }
    private var json: Bool { output.json }

    @Option(name: .customLong("state"), help: "The state record of a run of one file (default: the person's record in --state-dir).", completion: .file())
    var state: String?

    @OptionGroup var stateDir: StateDirOption
    @OptionGroup var large: LargeRunOptions

    @Option(name: .customLong("at"), help: "Evaluate the schedule at this instant instead of now (for rehearsals against the emulator).",
            transform: PlanInstant.parse)
    var at: PlanInstant?

    func validate() throws {
        _ = try RunFiles.targets(target)
        switch (file, planFile) {
        case (nil, nil): throw ValidationError("give desired-state FILEs or directories, or --plan PLANFILE")
        case (.some, .some): throw ValidationError("give either FILE or --plan PLANFILE, not both")
        default: break
        }
        if planFile != nil && !target.isEmpty { throw ValidationError("--target applies to files, not to --plan") }
        // Never hang in CI waiting for an answer nobody can give.
        if planFile == nil && !autoApprove && !Output.isTerminal(fd: 0) {
            throw ValidationError("no terminal to confirm on: pass --auto-approve to apply without asking")
        }
        if json && planFile == nil && !autoApprove {
            throw ValidationError("--json needs --auto-approve (or --plan): there is no prompt in JSON mode")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let now = at?.date ?? Date()
            let locking = try ApplyRun.Locking.fromEnvironment()
            let applyRun: ApplyRun
            var run: RunPlan
            if let planFile {
                let client = try global.makeClient(json: json)
                (applyRun, run) = try await ApplyRun.savedPlan(planFile, client: client,
                                                               state: stateDir.location(client, override: state), now: now,
                                                               locking: locking)
                // The saved plan's own setting, unless this apply gives one.
                if let setting = try large.setting() { run.maxChanges = setting }
            } else {
                let set = try RunFiles.load(files, now: now, noColor: global.noColor)
                if state != nil, set.desired.count > 1 { throw ValidationError("--state applies to a run with one file") }
                let client = try global.makeClient(json: json)
                (applyRun, run) = try await ApplyRun.planned(set.desired, targets: try RunFiles.targets(target), client: client,
                                                             state: stateDir.location(client, override: state),
                                                             prefetchScopes: autoApprove, now: now, locking: locking)
                run.maxChanges = try large.setting() ?? .automatic
            }
            let color = global.colorEnabledOnStdout
            if !json { Output.stdout(PlanText.render(run, color: color, expand: large.expand), terminator: "") }
            RunFiles.reportFailures(run)
            // The blast-radius guard, before any write and before asking.
            if run.blastRadius.exceeded {
                throw CLIError(kind: .tooManyChanges, description: "refusing to apply: \(run.blastRadius.message); nothing was written")
            }
            guard run.hasChanges else {
                if json { Output.stdout(try ApplyJSON.render(run, result: nil)) }
                if !run.failures.isEmpty { throw ExitCode.failure }
                return
            }
            if planFile == nil && !autoApprove && !confirm() {
                throw CLIError(kind: .cancelled, description: "apply cancelled; nothing was written")
            }
            // Verification judges expiry on the same clock the plan used (`--at` rehearsals).
            let fixed = at?.date
            let result = try await applyRun.execute(run, now: { fixed ?? Date() })
            Output.stdout(json ? try ApplyJSON.render(run, result: result) : ApplyText.render(result, color: color),
                          terminator: json ? "\n" : "")
            Output.appendToStepSummary(ApplyMarkdown.render(result))
            // A write refused for the token's rights exits 3, as on a read.
            if result.authorizationFailed { throw ExitCode.authentication }
            if !result.succeeded { throw ExitCode.failure }
        }
    }

    private func confirm() -> Bool {
        Output.stdout("\nDo you want to apply these changes? Only 'yes' will be accepted: ", terminator: "")
        return readLine(strippingNewline: true)?.trimmingWhitespace() == "yes"
    }
}
