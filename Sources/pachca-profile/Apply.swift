import ArgumentParser
import PortableFoundation
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

    @Argument(help: "Desired-state files and directories (or use --plan); §9 teams.", completion: .file()) var files: [String] = []
    var file: String? { files.first }

    @Option(name: .customLong("target"), help: "Apply only to this person (email, nickname or id); repeatable.")
    var target: [String] = []

    @Option(name: .customLong("plan"), help: "Apply a plan saved by `plan --out`; refused when stale.", completion: .file())
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.") var autoApprove = false

    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }
    private var json: Bool { output.json }

    @Option(name: .customLong("state"), help: "The state record (default: .<profile-name>.state.json beside the file).", completion: .file())
    var state: String?

    @Option(name: .customLong("at"), help: "Evaluate the schedule at this instant instead of now (for rehearsals against the emulator).")
    var at: PlanInstant?

    func validate() throws {
        _ = try TeamRun.targets(target)
        switch (file, planFile) {
        case (nil, nil): throw ValidationError("give desired-state FILEs or directories, or --plan PLANFILE")
        case (.some, .some): throw ValidationError("give either FILE or --plan PLANFILE, not both")
        default: break
        }
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
            if planFile == nil {
                let set = try TeamRun.load(files, now: now, noColor: global.noColor)
                if TeamRun.isTeam(set) || !target.isEmpty { return try await applyTeam(set, now: now) }
            }
            if let planFile, SavedTeamPlan.isTeamPlan(planFile) { return try await applySavedTeam(planFile, now: now) }
            let client = try global.makeClient(json: json)
            // One apply per profile at a time (the state record's lock, issue 10): taken before live
            // state is (re-)read, so a concurrent apply's writes make this plan stale or re-planned.
            let lock: @Sendable (StateStore) async throws -> StateLock = { try await StateLocking.acquire($0) }
            let (run, plan) = if let planFile {
                try await ApplyRun.savedPlan(planFile, client: client, stateOverride: state, now: now, lock: lock)
            } else {
                try await ApplyRun.planned(try DesiredStateLoading.load(file!, now: now, noColor: global.noColor),
                                           client: client, stateOverride: state, prefetchScopes: autoApprove, now: now,
                                           lock: lock)
            }
            let color = global.colorEnabledOnStdout
            if !plan.hasChanges {
                Output.stdout(json ? try ApplyJSON.render(plan: plan, report: nil) : PlanText.render(plan, color: color),
                              terminator: json ? "\n" : "")
                return
            }
            if !json { Output.stdout(PlanText.render(plan, color: color), terminator: "") }
            if planFile == nil && !autoApprove && !confirm() {
                throw CLIError(kind: .cancelled, description: "apply cancelled; nothing was written")
            }
            // Verification judges expiry on the same clock the plan used (`--at` rehearsals).
            let fixed = at?.date
            let report = try await run.execute(plan, now: { fixed ?? Date() })
            Output.stdout(json ? try ApplyJSON.render(plan: plan, report: report) : ApplyText.render(report, plan: plan, color: color),
                          terminator: json ? "\n" : "")
            Output.appendToStepSummary(ApplyMarkdown.render(report, plan: plan))
            withExtendedLifetime(run) {}  // the lock is held until everything is written
            // A write refused for the token's rights exits 3, as on a read (SPEC §4).
            if report.authorizationFailed { throw ExitCode.authentication }
            if !report.succeeded { throw ExitCode.failure }
        }
    }

    func applyTeam(_ set: ProfileSet, now: Date) async throws {
        if state != nil, set.desired.count > 1 { throw ValidationError("--state applies to a run with one file") }
        let targets = try TeamRun.targets(target)
        let client = try global.makeClient(json: json)
        let team = try await TeamRun.plan(set, client: client, targets: targets, state: state, now: now, noColor: global.noColor)
        let runFile = set.desired.count == 1 ? set.desired[0].file : nil
        if !json { Output.stdout(TeamPlanText.render(team, color: global.colorEnabledOnStdout), terminator: "") }
        guard team.hasChanges else {
            if json { Output.stdout(try TeamApplyJSON.render(team, results: [], runFile: runFile)) }
            return
        }
        if !autoApprove && !confirm() {
            Output.stderr("Apply cancelled; nothing was written.")
            throw ExitStatus.failure
        }
        // One apply per file at a time, as for a single profile (locks taken in file order: no deadlock).
        var locks: [StateLock] = []
        for p in team.profiles where p.hasChanges {
            locks.append(try await StateLocking.acquire(StateStore(profilePath: p.file, override: set.desired.count == 1 ? state : nil)))
        }
        try await writeTeam(team, client: client, runFile: runFile, single: set.desired.count == 1)
        withExtendedLifetime(locks) {}
    }

    /// A team plan saved by `plan --out` over several files: refused (exit 1, before any write)
    /// for another API, token owner or person, or when any subject is stale.
    func applySavedTeam(_ path: String, now: Date) async throws {
        if state != nil { throw ValidationError("--state applies to a run with one file") }
        let client = try global.makeClient(json: json)
        let loaded = try SavedTeamPlan.load(path)
        // Locks first (file order), so that a concurrent apply's writes make this plan stale.
        var locks: [StateLock] = []
        for plan in loaded.plans where plan.hasChanges {
            locks.append(try await StateLocking.acquire(StateStore(profilePath: plan.file, override: nil)))
        }
        let plans = try await SavedTeamPlan.checkCurrent(loaded, path: path, client: client, now: now)
        let team = TeamPlan(profiles: plans.map { plan in
            ProfilePlan(file: plan.file, person: SubjectPerson(id: plan.owner.id, nickname: plan.owner.nickname, email: nil,
                                                               isSelf: plan.subject == .me),
                        plan: plan, skipped: nil)
        }, warnings: [], reads: 0)
        if !json { Output.stdout(TeamPlanText.render(team, color: global.colorEnabledOnStdout), terminator: "") }
        guard team.hasChanges else {
            if json { Output.stdout(try TeamApplyJSON.render(team, results: [], runFile: nil)) }
            return
        }
        try await writeTeam(team, client: client, runFile: nil, single: false)
        withExtendedLifetime(locks) {}
    }

    /// Scope preflight, then every changing profile written independently; the report; exit 1 on any failure.
    private func writeTeam(_ team: TeamPlan, client: PachcaClient, runFile: String?, single: Bool) async throws {
        try await TeamRun.preflight(team, client: client)
        let results = await TeamRun.apply(team, client: client, state: state, single: single)
        Output.stdout(json ? try TeamApplyJSON.render(team, results: results, runFile: runFile) + "\n"
                           : TeamRun.report(results, team: team), terminator: "")
        if results.contains(where: { !$0.1.succeeded }) { throw ExitStatus.failure }
    }

    private func confirm() -> Bool {
        Output.stdout("\nDo you want to apply these changes? Only 'yes' will be accepted: ", terminator: "")
        return readLine(strippingNewline: true)?.trimmingWhitespace() == "yes"
    }
}

