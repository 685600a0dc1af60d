import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make exactly the planned changes, then re-read and verify them.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The desired-state file (or use --plan).") var file: String?

    @Option(name: .customLong("plan"), help: "Apply a plan saved by `plan --out`; refused when stale.")
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.") var autoApprove = false

    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false

    @Option(name: .customLong("state"), help: "The state record (default: .<profile-name>.state.json beside the file).")
    var state: String?

    @Option(name: .customLong("at"), help: "Evaluate the schedule at this instant instead of now (for rehearsals against the emulator).")
    var at: PlanInstant?

    func validate() throws {
        switch (file, planFile) {
        case (nil, nil): throw ValidationError("give a desired-state FILE or --plan PLANFILE")
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
            let client = try global.makeClient(json: json)
            // With no prompt in between, the scope check overlaps the live reads: one round trip
            // fewer. It is still awaited before the first write.
            let tokenInfo = (autoApprove || planFile != nil)
                ? Task { try await client.tokenInfo().info } : nil
            let plan: Plan
            let profilePath: String
            let lock: StateLock
            if let planFile {
                // Lock before re-reading live state, so a concurrent apply's writes make this plan stale.
                var held: StateLock?
                if let early = try? PlanFile.decode(SavedPlanReading.read(planFile)) {
                    held = try await StateLocking.acquire(StateStore(profilePath: early.file, override: state))
                }
                plan = try await loadCurrentSavedPlan(planFile, client: client, now: now)
                profilePath = plan.file
                if held == nil { held = try await StateLocking.acquire(StateStore(profilePath: profilePath, override: state)) }
                lock = held!
            } else {
                let path = file!
                let desired = try DesiredStateLoading.load(path, now: now, noColor: global.noColor)
                // One apply per profile at a time: the next one plans from what this one wrote.
                lock = try await StateLocking.acquire(StateStore(profilePath: path, override: state))
                plan = try await Planner(client: client).plan(
                    desired: desired, stateStore: StateStore(profilePath: path, override: state), now: now)
                profilePath = path
            }
            let color = global.colorEnabledOnStdout

            if !plan.hasChanges {
                if json { Output.stdout(ApplyJSON.render(plan: plan, report: nil)) }
                else { Output.stdout(PlanText.render(plan, color: color), terminator: "") }
                return
            }
            if !json { Output.stdout(PlanText.render(plan, color: color), terminator: "") }
            if planFile == nil && !autoApprove && !confirm() {
                Output.stderr("Apply cancelled; nothing was written.")
                throw ExitStatus.failure
            }

            let executor = Executor(client: client, stateStore: StateStore(profilePath: profilePath, override: state))
            try await executor.preflight(plan, prefetched: tokenInfo)
            // Verification judges expiry on the same clock the plan used (`--at` rehearsals).
            let fixed = at?.date
            let clock: @Sendable () -> Date = { fixed ?? Date() }
            let report = await executor.apply(plan, now: clock)

            if json {
                Output.stdout(ApplyJSON.render(plan: plan, report: report))
            } else {
                Output.stdout(ApplyText.render(report, plan: plan, color: color), terminator: "")
            }
            withExtendedLifetime(lock) {}
            if !report.succeeded { throw ExitStatus.failure }
        }
    }

    /// Re-reads live state and refuses a plan computed against a state that has changed since.
    private func loadCurrentSavedPlan(_ path: String, client: PachcaClient, now: Date) async throws -> Plan {
        let plan: Plan
        do {
            plan = try PlanFile.decode(try SavedPlanReading.read(path))
        } catch {
            throw CLIError.failure("cannot read plan file \(path): \(error)")
        }
        let live = try await LiveReader(client: client, subject: plan.subject).read()
        var avatarSHA: String?
        if case .value(let avatar) = plan.desired.avatar {
            avatarSHA = (try? LocalFileSystem().currentBytes(of: avatar)).map(SHA256.hex)
        }
        let changed = PlanFile.staleness(of: plan, live: live, now: now, avatarFileSHA256: avatarSHA)
        if !changed.isEmpty {
            throw CLIError.failure("stale plan \(path): changed since it was computed: \(changed.joined(separator: ", ")); run plan again")
        }
        return plan
    }

    private func confirm() -> Bool {
        Output.stdout("\nDo you want to apply these changes? Only 'yes' will be accepted: ", terminator: "")
        return readLine(strippingNewline: true)?.trimmingWhitespace() == "yes"
    }
}

/// The human report of an apply: what was applied, what was not, what did not converge.
enum ApplyText {
    static func render(_ report: ApplyReport, plan: Plan, color: Bool) -> String {
        var lines: [String] = [""]
        for change in report.applied {
            lines.append("Applied: \(change.resource.rawValue) (\(change.action.rawValue)).")
        }
        for (change, message) in report.failed {
            lines.append("Not applied: \(change.resource.rawValue) (\(change.action.rawValue)): \(InertText.line(message))")
        }
        for problem in report.convergenceProblems {
            lines.append("Did not converge: \(InertText.line(problem.message))")
        }
        if let error = report.verificationError { lines.append("Not verified: \(InertText.line(error))") }
        if report.succeeded {
            lines.append("Apply complete! Verified: profile matches \(InertText.line(plan.file)).")
        } else if !report.failed.isEmpty && !report.applied.isEmpty {
            lines.append("Apply incomplete: run apply again to finish the job.")
        } else if !report.convergenceProblems.isEmpty {
            lines.append("Apply did not converge: the API changed what was sent in a way this tool does not know.")
        } else {
            lines.append("Apply failed: nothing was changed.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum ApplyJSON {
    struct Document: Encodable {
        var format_version = "1"
        var file: String
        var has_changes: Bool
        var applied: [Item]
        var failed: [Item]
        var did_not_converge: [Problem]
        var verification_error: String?
        var success: Bool
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(format_version, forKey: .format_version)
            try c.encode(file, forKey: .file)
            try c.encode(has_changes, forKey: .has_changes)
            try c.encode(applied, forKey: .applied)
            try c.encode(failed, forKey: .failed)
            try c.encode(did_not_converge, forKey: .did_not_converge)
            try c.encode(verification_error, forKey: .verification_error)
            try c.encode(success, forKey: .success)
        }
        enum Keys: String, CodingKey { case format_version, file, has_changes, applied, failed, did_not_converge, verification_error, success }
    }
    struct Item: Encodable { var resource: String; var action: String; var error: String? }
    struct Problem: Encodable { var field: String; var sent: String; var received: String }

    static func render(plan: Plan, report: ApplyReport?) -> String {
        let doc = Document(
            file: plan.file, has_changes: plan.hasChanges,
            applied: report?.applied.map { Item(resource: $0.resource.rawValue, action: $0.action.rawValue) } ?? [],
            failed: report?.failed.map { Item(resource: $0.0.resource.rawValue, action: $0.0.action.rawValue, error: $0.1) } ?? [],
            did_not_converge: report?.convergenceProblems.map { Problem(field: $0.field, sent: $0.sent, received: $0.received) } ?? [],
            verification_error: report?.verificationError,
            success: report?.succeeded ?? true)
        return PlanJSON.encode(doc)
    }
}
