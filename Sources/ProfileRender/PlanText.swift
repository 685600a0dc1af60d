import PortableFoundation
import ProfileCore
import ProfileYAML
import ScalarText

/// The human view of a plan, Terraform-like, rendered from the same `Plan` as the JSON.
public enum PlanText {
    public static func render(_ plan: Plan, color: Bool) -> String {
        let paint = Paint(enabled: color)
        var lines: [String] = [header(plan), ""]

        for change in plan.changes {
            lines.append(contentsOf: render(change, paint: paint, asWritten: plan.desired.timestampsAsWritten))
        }
        if plan.changes.isEmpty, let assessment = plan.avatarAssessment {
            lines.append("  avatar: in sync (\(assessment.evidence.explanation))")
        }
        if let kept = plan.keptStatus { lines.append(InertText.line(keptLine(kept))) }
        if !plan.warnings.isEmpty {
            if !plan.changes.isEmpty || plan.avatarAssessment != nil { lines.append("") }
            for warning in plan.warnings { lines.append(paint.yellow("Warning: ") + InertText.line(warning)) }
        }
        if lines.last != "" { lines.append("") }
        lines.append(summary(plan))
        lines.append(nextChangeLine(plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Next change: 2026-07-15T11:00:00.000Z (lunch ends)`-style line, always present (SPEC §10).
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
        // Names come from the server: inert on one line (issue 10).
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
        let marker = symbol(change.action)
        let title = "  \(paint.action(change.action, marker)) \(change.resource.rawValue)"
        switch change.resource {
        case .status:
            var lines = [title + (change.action == .delete ? " (delete)" : "")]
            for field in change.fieldChanges {
                let line: String
                // A timestamp from the file is shown as written, with its UTC form beside it.
                func desired(_ value: String) -> String {
                    guard field.field == .expiresAt, let written = asWritten?[value], written != value else {
                        return quote(value, field.field)
                    }
                    return "\(quote(written, field.field)) (\(value) UTC)"
                }
                switch (field.before, field.after) {
                case let (before?, after?): line = "\(paint.yellow("~")) \(field.field.rawValue): \(quote(before, field.field)) → \(desired(after))"
                case let (nil, after?): line = "\(paint.green("+")) \(field.field.rawValue): \(desired(after))"
                case let (before?, nil): line = "\(paint.red("-")) \(field.field.rawValue): \(quote(before, field.field))"
                case (nil, nil): continue
                }
                lines.append("      " + line)
            }
            return lines
        case .avatar:
            var lines = [title]
            if let before = change.avatarBeforeURL { lines.append("      \(paint.red("-")) image_url: \(InertText.line(before))") }
            if let after = change.avatarAfter {
                lines.append("      \(paint.green("+")) file: \(InertText.line(after.declaredPath)) (sha256 \(after.sha256.prefix(12))…, \(after.byteCount) bytes)")
            }
            if let evidence = change.avatarEvidence, change.action == .update {
                lines.append("        evidence: \(evidence.explanation)")
            }
            return lines
        }
    }

    static func symbol(_ action: Action) -> String {
        switch action { case .create: "+"; case .update: "~"; case .delete: "-" }
    }

    static func quote(_ value: String, _ field: StatusField) -> String {
        field == .isAway ? value : "\"\(InertText.line(value.replacingScalars("\"", with: "\\\"")))\""
    }
}

/// Markdown for `$GITHUB_STEP_SUMMARY` under GitHub Actions.
public enum PlanMarkdown {
    public static func render(_ plan: Plan) -> String {
        var md = "### pachca-profile plan: `\(InertText.line(plan.file))`\n\n"
        md += "\(PlanText.header(plan))\n\n"
        if plan.hasChanges {
            md += "| resource | action | field | before | after |\n|---|---|---|---|---|\n"
            for change in plan.changes {
                switch change.resource {
                case .status:
                    if change.fieldChanges.isEmpty {
                        md += "| status | \(change.action.rawValue) | | | |\n"
                    }
                    for f in change.fieldChanges {
                        md += "| status | \(change.action.rawValue) | \(f.field.rawValue) | \(cell(f.before)) | \(cell(asWritten(f, plan))) |\n"
                    }
                case .avatar:
                    let after = change.avatarAfter.map { "\($0.declaredPath) (sha256 \($0.sha256.prefix(12))…)" }
                    md += "| avatar | \(change.action.rawValue) | image | \(cell(change.avatarBeforeURL)) | \(cell(after)) |\n"
                }
            }
            md += "\n"
        }
        if let kept = plan.keptStatus { md += "\(InertText.line(String(PlanText.keptLine(kept).dropFirst(2))))\n\n" }
        for warning in plan.warnings { md += "> ⚠️ \(InertText.line(warning))\n" }
        md += "\n**\(PlanText.summary(plan))**\n\n\(PlanText.nextChangeLine(plan))\n"
        return md
    }

    /// A desired timestamp as written in the file, with UTC beside it.
    static func asWritten(_ f: FieldChange, _ plan: Plan) -> String? {
        guard f.field == .expiresAt, let after = f.after, let written = plan.desired.timestampsAsWritten?[after],
              written != after else { return f.after }
        return "\(written) (\(after) UTC)"
    }

    static func cell(_ value: String?) -> String {
        guard let value else { return "—" }
        return "`" + InertText.line(value).replacingScalars("|", with: "\\|").replacingScalars("`", with: "'") + "`"
    }
}

/// ANSI color, decided once at the edge (terminal, NO_COLOR, --no-color) and passed in.
struct Paint {
    let enabled: Bool
    func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { wrap("32", s) }
    func yellow(_ s: String) -> String { wrap("33", s) }
    func red(_ s: String) -> String { wrap("31", s) }
    func action(_ action: Action, _ s: String) -> String {
        switch action { case .create: green(s); case .update: yellow(s); case .delete: red(s) }
    }
}
