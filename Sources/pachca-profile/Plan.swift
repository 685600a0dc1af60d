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

    @Argument(help: "Desired-state files and directories (every *.yaml/*.yml below; §9 teams).") var files: [String]

    @Option(name: .customLong("target"), help: "Plan only this person (email, nickname or id); repeatable.")
    var target: [String] = []

    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when none.")
    var detailedExitcode = false

    @Option(name: .customLong("out"), help: "Save the plan for `apply --plan`.") var out: String?

    @Option(name: .customLong("state"), help: "The state record (default: .<profile-name>.state.json beside the file).")
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

    func planTeam(_ set: ProfileSet, now: Date) async throws {
        let targets = try TeamRun.targets(target)
        if out != nil, set.desired.count != 1 { throw CLIError.failure("--out with several files is not supported yet: save one file's plan at a time") }
        if state != nil, set.desired.count > 1 { throw ValidationError("--state applies to a run with one file") }
        let client = try global.makeClient(json: json)
        let team = try await TeamRun.plan(set, client: client, targets: targets, state: state, now: now, noColor: global.noColor)
        if let out, let plan = team.profiles.first?.plan {
            // One file about someone else: the plan names its person by id (`subject`) and keeps
            // the `user:` value, so `apply --plan` can refuse it if that value now names another.
            do { try SafeFile.write(text: String(decoding: PlanFile.encode(plan), as: UTF8.self), to: out) } catch {
                throw CLIError.failure("cannot write plan file \(out): \(error)")
            }
        }
        Output.stdout(json ? TeamPlanJSON.render(team, runFile: set.desired.count == 1 ? set.desired[0].file : nil)
                           : TeamPlanText.render(team, color: global.colorEnabledOnStdout), terminator: json ? "\n" : "")
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
