import Support
import ProfileCore
import ProfileYAML

/// The human view of a run, Terraform-like, rendered from the same values as the JSON. A run
/// of one planned profile reads as that profile's plan; a larger run shows one block per
/// profile that changes (or warns), in-sync profiles as a count, then one summary line.
public enum PlanText {
    /// `expand`: one block per changing profile even when identical changes would be grouped.
    public static func render(_ run: RunPlan, color: Bool, expand: Bool = false) -> String {
        let paint = Paint(enabled: color)
        if let only = run.single, let plan = only.plan {
            return render(plan, color: color) + (guardWarning(run, paint: paint).map { "\n\($0)\n" } ?? "")
        }
        var out = ""
        for entry in Rollup.entries(run, expand: expand) {
            switch entry {
            case .profile(let profile):
                guard let plan = profile.plan, plan.hasChanges || !plan.warnings.isEmpty else { continue }
                out += block(plan, paint: paint).joined(separator: "\n") + "\n\n"
            case .group(let plans): out += group(plans, paint: paint).joined(separator: "\n") + "\n\n"
            }
        }
        for warning in run.warnings { out += paint.yellow("Warning: ") + InertText.line(warning) + "\n" }
        if let warning = guardWarning(run, paint: paint) { out += warning + "\n" }
        if !run.warnings.isEmpty || run.blastRadius.exceeded { out += "\n" }
        return out + summary(run) + "\n" + nextChangeLine(run) + "\n"
    }

    /// What `apply` would refuse, as `plan` warns of it.
    static func guardWarning(_ run: RunPlan, paint: Paint) -> String? {
        let radius = run.blastRadius
        guard radius.exceeded else { return nil }
        return paint.yellow("Warning: ") + "apply would refuse this run: " + radius.message
    }

    /// Profiles whose changes are identical, once: `312 profiles: ~ status.title "Работаю" →
    /// "Working" — team/anna.yaml, team/boris.yaml and 310 more`, or a header line and the
    /// changes below it when they take more than one line.
    static func group(_ plans: [Plan], paint: Paint) -> [String] {
        let first = plans[0]
        let files = Rollup.files(plans.map(\.file))
        let asWritten = first.desired.timestampsAsWritten
        if first.changes.count == 1, case .status(let status) = first.changes[0], status.fields.count == 1,
           let field = status.fields.first, let (sign, value) = fieldParts(field, paint: paint, asWritten: asWritten) {
            return ["\(plans.count) profiles: \(sign) status.\(field.field.rawValue) \(value) — \(files)"]
        }
        let lines = first.changes.flatMap { render($0, paint: paint, asWritten: asWritten) }
        return ["\(plans.count) profiles — \(files):"] + lines
    }

    /// One profile's plan: its block, a blank line, its summary and its next change.
    public static func render(_ plan: Plan, color: Bool) -> String {
        var lines = block(plan, paint: Paint(enabled: color))
        lines.append("")
        lines.append(summary(plan))
        lines.append(nextChangeLine(plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A profile's header, its changes (or the avatar's in-sync evidence), a kept hand-set
    /// status and its warnings; no summary.
    static func block(_ plan: Plan, paint: Paint) -> [String] {
        var lines: [String] = [header(plan), ""]
        for change in plan.changes {
            lines.append(contentsOf: render(change, paint: paint, asWritten: plan.desired.timestampsAsWritten))
            if let line = sourceLine(plan, change) { lines.append(line) }
        }
        if plan.changes.isEmpty, let assessment = plan.avatarAssessment {
            lines.append("  avatar: in sync (\(assessment.evidence.explanation))")
        }
        if let kept = plan.keptStatus { lines.append(InertText.line(keptLine(kept))) }
        if !plan.warnings.isEmpty {
            if !plan.changes.isEmpty || plan.avatarAssessment != nil { lines.append("") }
            for warning in plan.warnings { lines.append(paint.yellow("Warning: ") + InertText.line(warning)) }
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `from shared/working-hours.yaml:4` under a change whose value another file decided
    /// (an include or a group file); nil when the profile's own file did.
    static func sourceLine(_ plan: Plan, _ change: Change) -> String? {
        let source = plan.source(of: change)
        guard source.file != plan.file else { return nil }
        return InertText.line("      from \(source.file)" + (source.line > 0 ? ":\(source.line)" : ""))
    }

    /// The earliest instant any profile's desired state changes, and whose.
    public static func nextChangeLine(_ run: RunPlan) -> String {
        let next = run.profiles.compactMap { p in p.plan?.nextChangeAt.map { (p.file, $0) } }.min { $0.1 < $1.1 }
        guard let (file, at) = next else { return "Next change: none." }
        return "Next change: \(Timestamp.canonical(at)) (\(InertText.line(file)))."
    }

    /// `Plan: 3 profiles to change (4 to create, 1 to change, 0 to delete), 97 in sync.`
    public static func summary(_ run: RunPlan) -> String {
        let plans = run.profiles.compactMap(\.plan)
        let changing = plans.filter(\.hasChanges).count
        let inSync = plans.count - changing
        let skipped = run.profiles.filter { $0.skipped != nil }.count
        let failed = run.failures.count
        let tail = (skipped > 0 ? ", \(skipped) skipped" : "") + (failed > 0 ? ", \(failed) failed" : "")
        if changing == 0 {
            return "No changes. \(inSync) profile\(inSync == 1 ? "" : "s") in sync\(tail)."
        }
        let c = run.counts
        let noun = changing == 1 ? "profile" : "profiles"
        return "Plan: \(changing) \(noun) to change (\(c.create) to create, \(c.update) to change, \(c.delete) to delete), \(inSync) in sync\(tail)."
    }

    /// `Next change: 2026-07-15T11:00:00.000Z (lunch ends)`-style line, always present (docs/schedules.md).
    public static func nextChangeLine(_ plan: Plan) -> String {
        guard let next = plan.nextChangeAt else { return "Next change: none." }
        let window = plan.window.map { " (window in force now: \(InertText.line($0)))" } ?? ""
        return "Next change: \(Timestamp.canonical(next))\(window)."
    }

    /// A hand-set status kept under `on_manual_change: keep`, and until when.
    static func keptLine(_ kept: StatusSnapshot) -> String {
        let until = kept.expiresAt.map { "until \($0)" } ?? "until it is removed"
        return "  status: kept, set by hand: \(kept.emoji) \"\(kept.title)\" (\(until); on_manual_change: keep)"
    }

    public static func header(_ plan: Plan) -> String {
        let owner = plan.owner
        let who = owner.displayName.isEmpty ? "@\(owner.nickname)" : "\(owner.displayName) (@\(owner.nickname))"
        // Names come from the server: inert on one line.
        return InertText.line("Profile: \(who), id \(owner.id) — \(plan.file)")
    }

    public static func summary(_ plan: Plan) -> String {
        if !plan.hasChanges, plan.keptStatus != nil {
            return "No changes. A hand-set status is kept; the rest matches \(InertText.line(plan.file))."
        }
        if !plan.hasChanges { return "No changes. Profile matches \(InertText.line(plan.file))." }
        let c = plan.counts
        return "Plan: \(c.create) to create, \(c.update) to change, \(c.delete) to delete."
    }

    static func render(_ change: Change, paint: Paint, asWritten: [String: String]? = nil) -> [String] {
        let title = "  \(paint.action(change.action, symbol(change.action))) \(change.resource.rawValue)"
        switch change {
        case .status(let status):
            var lines = [title + (status.action == .delete ? " (delete)" : "")]
            for field in status.fields {
                guard let (sign, value) = fieldParts(field, paint: paint, asWritten: asWritten) else { continue }
                lines.append("      \(sign) \(field.field.rawValue): \(value)")
            }
            return lines
        case .avatar(let avatar):
            var lines = [title]
            if let before = avatar.beforeURL { lines.append("      \(paint.red("-")) image_url: \(InertText.line(before))") }
            if let after = avatar.file {
                lines.append("      \(paint.green("+")) file: \(InertText.line(after.declaredPath)) (sha256 \(after.sha256.prefix(12))…, \(after.byteCount) bytes)")
            }
            if case .update(_, _, let evidence) = avatar {
                lines.append("        evidence: \(evidence.explanation)")
            }
            return lines
        case .person(let person):
            // One line per field: `~ person.title: "Engineer" → "Senior Developer"`.
            return person.fields.map {
                "  \(paint.yellow("~")) person.\(InertText.line($0.field)): \(InertText.line($0.before)) → \(InertText.line($0.after))"
            }
        }
    }

    /// One status field's sign and value: `~` and `"Working" → "В отпуске"`; a timestamp from
    /// the file is shown as written, with its UTC form beside it. nil when neither side has one.
    static func fieldParts(_ field: FieldChange, paint: Paint, asWritten: [String: String]?) -> (String, String)? {
        func desired(_ value: String) -> String {
            guard field.field == .expiresAt, let written = asWritten?[value], written != value else {
                return quote(value, field.field)
            }
            return "\(quote(written, field.field)) (\(value) UTC)"
        }
        switch (field.before, field.after) {
        case let (before?, after?): return (paint.yellow("~"), "\(quote(before, field.field)) → \(desired(after))")
        case let (nil, after?): return (paint.green("+"), desired(after))
        case let (before?, nil): return (paint.red("-"), quote(before, field.field))
        case (nil, nil): return nil
        }
    }

    static func symbol(_ action: Action) -> String {
        switch action { case .create: "+"; case .update: "~"; case .delete: "-" }
    }

    static func quote(_ value: String, _ field: StatusField) -> String {
        field == .isAway ? value : "\"\(InertText.line(value.replacingScalars("\"", with: "\\\"")))\""
    }
}

/// Markdown for `$GITHUB_STEP_SUMMARY` under GitHub Actions, for a run of any size: a table
/// of every change of every profile that changes, then the run's summary.
public enum PlanMarkdown {
    /// GitHub refuses a step summary over 1 MiB: the profiles' part stops well before.
    static let budget = 900 * 1024

    public static func render(_ run: RunPlan, expand: Bool = false) -> String {
        var md = "### pachca-profile plan: \(title(run))\n\n"
        md += profiles(run, expand: expand)
        if run.blastRadius.exceeded { md += "> ⚠️ apply would refuse this run: \(text(run.blastRadius.message))\n\n" }
        md += "\n**\(summary(run))**\n\n\(nextChange(run))\n"
        return md
    }

    /// `` `profiles/me.yaml` `` for a run of one, `N files` otherwise.
    static func title(_ run: RunPlan) -> String {
        if let only = run.single { return code(only.file) }
        return "\(run.profiles.count) files"
    }

    static func summary(_ run: RunPlan) -> String {
        if let only = run.single, let plan = only.plan { return PlanText.summary(plan) }
        return PlanText.summary(run)
    }

    static func nextChange(_ run: RunPlan) -> String {
        if let only = run.single, let plan = only.plan { return PlanText.nextChangeLine(plan) }
        return PlanText.nextChangeLine(run)
    }

    /// Each profile that changes, warns or failed: its header, its changes, its notes; identical
    /// changes grouped as in the text view. Past `budget`, the rest is counted, not listed.
    static func profiles(_ run: RunPlan, expand: Bool) -> String {
        var md = ""
        var left = 0
        for entry in Rollup.entries(run, expand: expand) {
            if md.utf8.count > budget {
                switch entry {
                case .group(let plans): left += plans.count
                case .profile(let p): left += p.plan.map { $0.hasChanges || !$0.warnings.isEmpty ? 1 : 0 } ?? 1
                }
                continue
            }
            switch entry {
            case .group(let plans):
                md += "**\(plans.count) profiles** — \(text(Rollup.files(plans.map(\.file))))\n\n"
                md += table(plans[0])
            case .profile(let profile):
                md += section(profile, run: run)
            }
        }
        if left > 0 {
            md += "> \(left) more profile\(left == 1 ? "" : "s") not listed: the step summary stays under GitHub's 1 MiB limit (the job log has the whole plan)\n\n"
        }
        return md
    }

    static func section(_ profile: ProfilePlan, run: RunPlan) -> String {
        var md = ""
        switch profile.outcome {
        case .planned(let plan):
            guard run.single != nil || plan.hasChanges || !plan.warnings.isEmpty || plan.keptStatus != nil else { return "" }
            md += text(PlanText.header(plan)) + "\n\n"
            md += table(plan)
            if let kept = plan.keptStatus { md += text(String(PlanText.keptLine(kept).dropFirst(2))) + "\n\n" }
            for warning in plan.warnings { md += "> ⚠️ \(text(warning))\n" }
            if !plan.warnings.isEmpty { md += "\n" }
        case .skipped(let reason):
            md += "> ⚠️ \(code(profile.file)): \(text(reason))\n\n"
        case .failed(let message):
            md += "> ❌ \(text(message))\n\n"  // the message names its file
        }
        return md
    }

    static func table(_ plan: Plan) -> String {
        guard plan.hasChanges else { return "" }
        var md = "| resource | action | field | before | after |\n|---|---|---|---|---|\n"
        for change in plan.changes {
            switch change {
            case .status(let status):
                let fields = status.fields
                if fields.isEmpty { md += "| status | \(status.action.rawValue) | | | |\n" }
                for f in fields {
                    md += "| status | \(status.action.rawValue) | \(f.field.rawValue) | \(cell(f.before)) | \(cell(asWritten(f, plan))) |\n"
                }
            case .avatar(let avatar):
                let after = avatar.file.map { "\($0.declaredPath) (sha256 \($0.sha256.prefix(12))…)" }
                md += "| avatar | \(avatar.action.rawValue) | image | \(cell(avatar.beforeURL)) | \(cell(after)) |\n"
            case .person(let person):
                for f in person.fields { md += "| person | update | \(cell(f.field)) | \(cell(f.before)) | \(cell(f.after)) |\n" }
            }
        }
        return md + "\n"
    }

    /// A desired timestamp as written in the file, with UTC beside it.
    static func asWritten(_ f: FieldChange, _ plan: Plan) -> String? {
        guard f.field == .expiresAt, let after = f.after, let written = plan.desired.timestampsAsWritten?[after],
              written != after else { return f.after }
        return "\(written) (\(after) UTC)"
    }

    /// A table cell: inline code, so nothing in it is Markdown.
    static func cell(_ value: String?) -> String {
        guard let value else { return "—" }
        return "`" + InertText.line(value).replacingScalars("|", with: "\\|").replacingScalars("`", with: "'") + "`"
    }

    static func code(_ value: String) -> String {
        "`" + InertText.line(value).replacingScalars("`", with: "'") + "`"
    }

    /// Prose that may hold server text (names, messages): on one line, with every character
    /// Markdown or HTML would act on escaped, so a name cannot become a link or an image.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in InertText.line(value).unicodeScalars {
            if "\\`*_[]<>!|~&".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
