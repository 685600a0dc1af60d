import Support
import ProfileCore
import ProfileYAML

/// The human report of an apply: what was applied, what was not, what did not converge.
/// Messages may carry server text: shown inert, one line each.
public enum ApplyText {
    public static func render(_ result: RunReport, color: Bool) -> String {
        if let only = result.run.single, let plan = only.plan, let report = result.report(for: only.file) {
            return render(report, plan: plan)
        }
        var lines: [String] = [""]
        for (profile, report) in result.results {
            let who = InertText.line("\(profile.file) (\(profile.person.handle))")
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
        lines.append(verdict(result))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One profile's report, line by line.
    static func render(_ report: ApplyReport, plan: Plan) -> String {
        var lines: [String] = [""]
        for outcome in report.outcomes {
            guard case .applied = outcome.result else { continue }
            let change = outcome.change
            lines.append("Applied: \(change.resource.rawValue) (\(change.action.rawValue))"
                         + (outcome.note.map { ": \(InertText.line($0))." } ?? "."))
        }
        for (change, message) in report.failed {
            lines.append("Not applied: \(change.resource.rawValue) (\(change.action.rawValue)): \(InertText.line(message))")
        }
        for problem in report.convergenceProblems {
            lines.append("Did not converge: \(InertText.line(problem.message))")
        }
        if let error = report.verificationError { lines.append("Not verified: \(InertText.line(error))") }
        lines.append(verdict(report, plan: plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run's last line.
    public static func verdict(_ result: RunReport) -> String {
        if let only = result.run.single, let plan = only.plan, let report = result.report(for: only.file) {
            return verdict(report, plan: plan)
        }
        let failed = result.results.filter { !$0.report.succeeded }.count + result.run.failures.count
        let changed = result.results.count
        let inSync = result.run.profiles.filter { $0.plan != nil && !$0.hasChanges }.count
        if failed == 0 {
            return "Apply complete! \(changed) profile\(changed == 1 ? "" : "s") changed and verified, \(inSync) already in sync."
        }
        let total = changed + result.run.failures.count
        return "Apply incomplete: \(failed) of \(total) profiles failed; the others were applied. Run apply again to finish the job."
    }

    static func verdict(_ report: ApplyReport, plan: Plan) -> String {
        if report.succeeded {
            return "Apply complete! Verified: profile matches \(InertText.line(plan.file))."
        } else if !report.failed.isEmpty && !report.applied.isEmpty {
            return "Apply incomplete: run apply again to finish the job."
        } else if !report.convergenceProblems.isEmpty {
            return "Apply did not converge: the API changed what was sent in a way this tool does not know."
        } else if !report.applied.isEmpty {
            return "Applied, but not fully verified: run plan to see the live state."
        } else {
            return "Apply failed: nothing was changed."
        }
    }
}

/// `apply --json` (`docs/schemas/apply.schema.json`): one document for one file and for a
/// thousand, the plan's keys (`plan --json`) plus what happened. Every applied, failed and
/// did-not-converge item carries its `file` and `subject`; `profiles` gives each outcome.
public enum ApplyJSON {
    /// `result` is nil when nothing was written (nothing to change).
    public static func render(_ run: RunPlan, result: RunReport?) throws -> String {
        try JSONDocument.encode(Document(run, result: result))
    }

    struct Item: Encodable { var resource: String; var action: String; var file: String; var subject: PlanJSON.SubjectJSON }
    struct Failure: Encodable {
        var resource: String; var action: String; var error: String; var file: String; var subject: PlanJSON.SubjectJSON
    }
    struct Problem: Encodable { var field: String; var sent: String; var received: String; var file: String; var subject: PlanJSON.SubjectJSON }

    /// A profile's outcome: `applied`, `failed` (exit 1), `in_sync` or `skipped`.
    struct ProfileOutcome: Encodable {
        var file: String; var subject: PlanJSON.SubjectJSON; var hasChanges: Bool
        var outcome: String; @AlwaysPresent var error: String?; @AlwaysPresent var verificationError: String?
        var success: Bool; @AlwaysPresent var skipped: String?
    }

    struct Document: Encodable {
        var formatVersion = JSONDocument.formatVersion
        var run: PlanJSON.RunKeys
        var hasChanges: Bool
        var applied: [Item]
        var failed: [Failure]
        var didNotConverge: [Problem]
        @AlwaysPresent var verificationError: String?
        var success: Bool
        var profiles: [ProfileOutcome]

        enum CodingKeys: String, CodingKey {
            case formatVersion, hasChanges, applied, failed, didNotConverge, verificationError, success, profiles
        }
        func encode(to encoder: Encoder) throws {
            try run.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(formatVersion, forKey: .formatVersion)
            try c.encode(hasChanges, forKey: .hasChanges)
            try c.encode(applied, forKey: .applied)
            try c.encode(failed, forKey: .failed)
            try c.encode(didNotConverge, forKey: .didNotConverge)
            try c.encode(_verificationError, forKey: .verificationError)
            try c.encode(success, forKey: .success)
            try c.encode(profiles, forKey: .profiles)
        }

        init(_ run: RunPlan, result: RunReport?) {
            self.run = PlanJSON.RunKeys(run)
            hasChanges = run.hasChanges
            let results = result?.results ?? []
            applied = results.flatMap { p, r in
                r.applied.map { Item(resource: $0.resource.rawValue, action: $0.action.rawValue, file: p.file, subject: .init(p.person)) }
            }
            // A profile that could not be planned failed too: one item, without a resource.
            failed = results.flatMap { p, r in
                r.failed.map { Failure(resource: $0.0.resource.rawValue, action: $0.0.action.rawValue, error: $0.1,
                                       file: p.file, subject: .init(p.person)) }
            }
            didNotConverge = results.flatMap { p, r in
                r.convergenceProblems.map { Problem(field: $0.field, sent: $0.sent, received: $0.received, file: p.file, subject: .init(p.person)) }
            }
            let single = run.single != nil
            let unverified = results.compactMap { p, r in r.verificationError.map { single ? $0 : "\(p.file): \($0)" } }
            verificationError = unverified.isEmpty ? nil : unverified.joined(separator: "; ")
            success = result?.succeeded ?? run.failures.isEmpty
            // Each file is in a run once: one lookup table, not a search per profile.
            let reportByFile = Dictionary(results.map { ($0.profile.file, $0.report) }, uniquingKeysWith: { first, _ in first })
            profiles = run.profiles.map { profile in
                let report = reportByFile[profile.file]
                let outcome: String
                switch profile.outcome {
                case .skipped: outcome = "skipped"
                case .failed: outcome = "failed"
                case .planned: outcome = report.map { $0.succeeded ? "applied" : "failed" } ?? "in_sync"
                }
                return ProfileOutcome(file: profile.file, subject: .init(profile.person), hasChanges: profile.hasChanges,
                                      outcome: outcome, error: profile.failure ?? report?.failed.first?.1,
                                      verificationError: report?.verificationError,
                                      success: profile.failure == nil && (report?.succeeded ?? true), skipped: profile.skipped)
            }
        }
    }
}

/// Markdown for `$GITHUB_STEP_SUMMARY` after an apply, for a run of any size: each changing
/// profile's outcome per change, then the verdict.
public enum ApplyMarkdown {
    public static func render(_ result: RunReport) -> String {
        var md = "### pachca-profile apply: \(PlanMarkdown.title(result.run))\n\n"
        var left = 0
        for (profile, report) in result.results {
            guard let plan = profile.plan else { continue }
            // Under GitHub's 1 MiB summary limit, like the plan's: the rest is counted.
            if md.utf8.count > PlanMarkdown.budget { left += 1; continue }
            md += PlanMarkdown.text(PlanText.header(plan)) + "\n\n"
            md += "| resource | action | outcome |\n|---|---|---|\n"
            for change in report.applied {
                md += "| \(change.resource.rawValue) | \(change.action.rawValue) | applied |\n"
            }
            for (change, message) in report.failed {
                md += "| \(change.resource.rawValue) | \(change.action.rawValue) | not applied: \(PlanMarkdown.cell(message)) |\n"
            }
            md += "\n"
            for problem in report.convergenceProblems { md += "> ❌ did not converge: \(PlanMarkdown.cell(problem.message))\n" }
            if let error = report.verificationError { md += "> ⚠️ not verified: \(PlanMarkdown.cell(error))\n" }
        }
        if left > 0 {
            md += "> \(left) more profile\(left == 1 ? "" : "s") not listed: the step summary stays under GitHub's 1 MiB limit (the job log has every outcome)\n\n"
        }
        for profile in result.run.failures {
            md += "> ❌ \(PlanMarkdown.code(profile.file)): \(PlanMarkdown.text(profile.failure ?? ""))\n"
        }
        md += "\n**\(InertText.line(ApplyText.verdict(result)))**\n"
        return md
    }
}
