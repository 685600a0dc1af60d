import ArgumentParser
import Foundation
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
