import PortableFoundation
import ProfileCore
import ProfileYAML

/// The human report of an apply: what was applied, what was not, what did not converge.
/// Messages may carry server text: shown inert, one line each (issue 10).
public enum ApplyText {
    public static func render(_ report: ApplyReport, plan: Plan, color: Bool) -> String {
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

    public static func verdict(_ report: ApplyReport, plan: Plan) -> String {
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

/// `apply --json` (`docs/schemas/apply.schema.json`).
public enum ApplyJSON {
    struct Document: Encodable {
        var formatVersion = JSONDocument.formatVersion
        var file: String
        var hasChanges: Bool
        var applied: [Item]
        var failed: [Failure]
        var didNotConverge: [Problem]
        @AlwaysPresent var verificationError: String?
        var success: Bool
    }
    struct Item: Encodable { var resource: String; var action: String }
    struct Failure: Encodable { var resource: String; var action: String; var error: String }
    struct Problem: Encodable { var field: String; var sent: String; var received: String }

    public static func render(plan: Plan, report: ApplyReport?) throws -> String {
        let doc = Document(
            file: plan.file, hasChanges: plan.hasChanges,
            applied: report?.applied.map { Item(resource: $0.resource.rawValue, action: $0.action.rawValue) } ?? [],
            failed: report?.failed.map { Failure(resource: $0.0.resource.rawValue, action: $0.0.action.rawValue, error: $0.1) } ?? [],
            didNotConverge: report?.convergenceProblems.map { Problem(field: $0.field, sent: $0.sent, received: $0.received) } ?? [],
            verificationError: report?.verificationError,
            success: report?.succeeded ?? true)
        return try JSONDocument.encode(doc)
    }
}

/// Markdown for `$GITHUB_STEP_SUMMARY` after an apply: what was applied, what failed.
public enum ApplyMarkdown {
    public static func render(_ report: ApplyReport, plan: Plan) -> String {
        var md = "### pachca-profile apply: `\(InertText.line(plan.file))`\n\n"
        md += "\(PlanText.header(plan))\n\n"
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
        md += "\n**\(ApplyText.verdict(report, plan: plan))**\n"
        return md
    }
}
