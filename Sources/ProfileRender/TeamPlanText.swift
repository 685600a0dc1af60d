import PortableFoundation
import ProfileCore
import ProfileYAML

/// The human view of a team run (§9): one block per profile that changes, in-sync profiles
/// as a count, skipped ones as warnings, then one summary line.
public enum TeamPlanText {
    public static func render(_ team: TeamPlan, color: Bool) -> String {
        var out = ""
        for profile in team.profiles {
            guard let plan = profile.plan, plan.hasChanges || !plan.warnings.isEmpty else { continue }
            out += block(plan, color: color) + "\n"
        }
        let paint = Paint(enabled: color)
        for warning in team.warnings { out += paint.yellow("Warning: ") + InertText.line(warning) + "\n" }
        if !team.warnings.isEmpty { out += "\n" }
        return out + summary(team) + "\n" + nextChange(team) + "\n"
    }

    /// The earliest instant any profile's desired state changes (§10), and whose.
    static func nextChange(_ team: TeamPlan) -> String {
        let next = team.profiles.compactMap { p in p.plan?.nextChangeAt.map { (p.file, $0) } }.min { $0.1 < $1.1 }
        guard let (file, at) = next else { return "Next change: none." }
        return "Next change: \(Timestamp.canonical(at)) (\(InertText.line(file)))."
    }

    /// One profile's plan without its own summary line.
    static func block(_ plan: Plan, color: Bool) -> String {
        var lines = PlanText.render(plan, color: color).split(separator: "\n", omittingEmptySubsequences: false)
        while lines.last == "" { lines.removeLast() }
        if lines.last?.hasPrefix("Next change:") == true { lines.removeLast() }  // said once for the run
        if !lines.isEmpty { lines.removeLast() }  // "Plan: …" / "No changes. …"
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Plan: 3 profiles to change (4 to create, 1 to change, 0 to delete), 97 in sync.`
    public static func summary(_ team: TeamPlan) -> String {
        let plans = team.profiles.compactMap(\.plan)
        let changing = plans.filter(\.hasChanges)
        let inSync = plans.count - changing.count
        let skipped = team.profiles.count - plans.count
        let skippedText = skipped > 0 ? ", \(skipped) skipped" : ""
        if changing.isEmpty {
            return "No changes. \(inSync) profile\(inSync == 1 ? "" : "s") in sync\(skippedText)."
        }
        let c = changing.reduce(into: (0, 0, 0)) { acc, plan in
            let k = plan.counts
            acc.0 += k.create; acc.1 += k.update; acc.2 += k.delete
        }
        let noun = changing.count == 1 ? "profile" : "profiles"
        return "Plan: \(changing.count) \(noun) to change (\(c.0) to create, \(c.1) to change, \(c.2) to delete), \(inSync) in sync\(skippedText)."
    }
}
