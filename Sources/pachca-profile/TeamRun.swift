import ArgumentParser
import PortableFoundation
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

/// `plan`/`apply` over many files or other people's profiles (§9). A run with one file and
/// no `user:` keeps the single-profile path, its output unchanged.
enum TeamRun {
    /// The files of the run, every one valid, or a failure after printing every finding.
    static func load(_ arguments: [String], now: Date, noColor: Bool) throws -> ProfileSet {
        let set = ProfileSet.load(arguments, now: now)
        let findings = set.reports.flatMap(\.diagnostics)
        let shown = findings.hasErrors ? findings : findings.filter { $0.severity == .error }
        if !shown.isEmpty { Output.stderr(Output.diagnosticsText(shown, noColorFlag: noColor), terminator: "") }
        guard set.isValid else {
            if set.reports.count == 1, let only = set.reports.first {  // the single-file message, as before
                let count = only.diagnostics.filter { $0.severity == .error }.count
                throw CLIError.failure("\(only.file) is not valid (\(count) error\(count == 1 ? "" : "s")); nothing was read or written")
            }
            let bad = set.reports.filter { $0.diagnostics.hasErrors }.count
            throw CLIError.failure("\(bad) file\(bad == 1 ? " is" : "s are") not valid; nothing was read or written")
        }
        return set
    }

    /// Whether `set` needs the team path.
    static func isTeam(_ set: ProfileSet) -> Bool {
        set.desired.count != 1 || set.desired[0].user != nil
    }

    static func targets(_ values: [String]) throws -> [UserReference] {
        try values.map { value in
            switch UserReference.parse(value) {
            case .success(let ref): return ref
            case .failure(let failure): throw ValidationError("--target \(value): \(failure.message)")
            }
        }
    }

    static func plan(_ set: ProfileSet, client: PachcaClient, targets: [UserReference], state: String?, now: Date,
                     noColor: Bool) async throws -> TeamPlan {
        do {
            return try await TeamPlanner(client: client).plan(set.desired, targets: targets, stateOverride: state, now: now)
        } catch let failure as SubjectResolutionError {
            Output.stderr(Output.diagnosticsText(failure.diagnostics, noColorFlag: noColor), terminator: "")
            let n = failure.diagnostics.count
            throw CLIError.failure("\(n) user: value\(n == 1 ? "" : "s") could not be resolved; nothing was written")
        }
    }
}

extension TeamRun {
    /// The scopes a plan needs for its subject (§9: `user_*` for someone else, `profile_*` for oneself).
    static func requiredScopes(_ profile: ProfilePlan) -> [String] {
        profile.plan.map(Executor.requiredScopes) ?? []
    }

    /// One token check before any write: a missing scope fails the run (exit 3), naming the
    /// scope and the first file that needs it.
    static func preflight(_ team: TeamPlan, client: PachcaClient) async throws {
        let needs = team.profiles.flatMap { p in requiredScopes(p).map { (scope: $0, file: p.file) } }
        guard !needs.isEmpty else { return }
        let granted = try await client.tokenInfo().info.scopes
        var reported = Set<String>()
        let missing = needs.filter { !granted.contains($0.scope) && reported.insert($0.scope).inserted }
        if !missing.isEmpty {
            let text = missing.map { "\($0.scope) (first needed by \($0.file))" }.joined(separator: ", ")
            throw CLIError.authentication("the token lacks the scope\(missing.count == 1 ? "" : "s") \(text); nothing was written")
        }
    }

    /// Applies every changing profile independently: one person's failure never stops another's.
    static func apply(_ team: TeamPlan, client: PachcaClient, state: String?, single: Bool) async -> [(ProfilePlan, ApplyReport)] {
        let changing = team.profiles.enumerated().filter { $0.element.hasChanges }
        // Others are verified together through the read planner; the owner through /profile….
        let others = Set(changing.compactMap { $0.element.person.isSelf ? nil : $0.element.person.id })
        let rereader = TeamRereader(client: client, ids: others)
        let done = await withTaskGroup(of: (Int, ProfilePlan, ApplyReport).self) { group in
            for (index, profile) in changing {
                group.addTask {
                    let plan = profile.plan!
                    let store = StateStore(profilePath: profile.file, override: single ? state : nil)
                    var executor = Executor(client: client, subject: plan.subject, stateStore: store)
                    let id = profile.person.id
                    if !profile.person.isSelf { executor.rereadLive = { try await rereader.live(of: id) } }
                    let report = await executor.apply(plan)
                    if !profile.person.isSelf { await rereader.finished(id) }
                    return (index, profile, report)
                }
            }
            var out: [(Int, ProfilePlan, ApplyReport)] = []
            for await item in group { out.append(item) }
            return out
        }
        return done.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
    }

    /// Every subject's outcome, then one line for the run.
    static func report(_ results: [(ProfilePlan, ApplyReport)], team: TeamPlan) -> String {
        var lines: [String] = [""]
        for (profile, report) in results {
            let who = InertText.line("\(profile.file) (\(profile.person.nickname.map { "@\($0)" } ?? "id \(profile.person.id)"))")
            let applied = report.applied.map { "\($0.resource.rawValue) \($0.action.rawValue)" }
            var parts: [String] = []
            if !applied.isEmpty { parts.append("applied " + applied.joined(separator: ", ")) }
            for (change, message) in report.failed {
                parts.append("NOT applied \(change.resource.rawValue) \(change.action.rawValue): \(InertText.line(message))")
            }
            for problem in report.convergenceProblems { parts.append("did not converge: \(InertText.line(problem.message))") }
            if let error = report.verificationError { parts.append("not verified: \(InertText.line(error))") }
            lines.append("\(report.succeeded ? "ok" : "FAILED"): \(who): \(parts.joined(separator: "; "))")
        }
        let failed = results.filter { !$0.1.succeeded }.count
        let inSync = team.profiles.filter { $0.plan != nil && !$0.hasChanges }.count
        if failed == 0 {
            lines.append("Apply complete! \(results.count) profile\(results.count == 1 ? "" : "s") changed and verified, \(inSync) already in sync.")
        } else {
            lines.append("Apply incomplete: \(failed) of \(results.count) profiles failed; the others were applied. Run apply again to finish the job.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
