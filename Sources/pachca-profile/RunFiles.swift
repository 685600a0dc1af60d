import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileYAML

/// The files of a `plan`/`apply` run and the people it targets, read and checked before any
/// request: an invalid file fails the run like `validate` does, every finding printed
/// (through `printFindings`: `watch` prints them only when they differ from the last cycle's).
enum RunFiles {
    static func load(_ arguments: [String], now: Date, noColor: Bool,
                     printFindings: (String) -> Void = { Output.stderr($0, terminator: "") }) throws -> ProfileSet {
        let set = ProfileSet.load(arguments, now: now)
        let findings = set.reports.flatMap(\.diagnostics)
        // A desired status already expired is a warning of the plan itself ("treated as no
        // status"): printed there, once, not here as well.
        let shown = findings.hasErrors ? findings
            : findings.filter { !($0.severity == .warning && $0.path == "status.expires_at") }
        printFindings(shown.isEmpty ? "" : Output.diagnosticsText(shown, noColorFlag: noColor))
        guard set.isValid else {
            let bad = set.reports.filter { $0.diagnostics.hasErrors }
            let message: String
            if bad.count == 1, set.reports.count == 1, let only = bad.first {
                let count = only.diagnostics.filter { $0.severity == .error }.count
                message = "\(only.file) is not valid (\(count) error\(count == 1 ? "" : "s")); nothing was read or written"
            } else {
                message = "\(bad.count) file\(bad.count == 1 ? " is" : "s are") not valid; nothing was read or written"
            }
            throw CLIError(kind: .invalidFile, description: message, diagnostics: findings)
        }
        return set
    }

    static func targets(_ values: [String]) throws -> [UserReference] {
        try values.map { value in
            switch UserReference.parse(value) {
            case .success(let ref): return ref
            case .failure(let failure): throw ValidationError("--target \(value): \(failure.message)")
            }
        }
    }

    /// Each profile that could not be planned, on stderr (the plan shows the others).
    static func reportFailures(_ run: RunPlan) {
        for profile in run.failures { Output.stderr("error: \(InertText.line(profile.failure ?? ""))") }
    }
}

/// Where state records are kept: `--state-dir` (env `PACHCA_STATE_DIR`, default
/// `.pachca-profile` in the current directory), one record per API host and person.
struct StateDirOption: ParsableArguments {
    @Option(name: .customLong("state-dir"),
            help: "The folder of state records, one per API host and person (env PACHCA_STATE_DIR; default .pachca-profile).",
            completion: .directory)
    var stateDir: String?

    /// The run's state location against `client`'s API; `override` is `--state PATH`.
    func location(_ client: PachcaClient, override: String? = nil) -> StateLocation {
        StateLocation(directory: StateLocation.folder(flag: stateDir, environment: ProcessInfo.processInfo.environment),
                      apiURL: client.configuration.baseURL, override: override)
    }
}

/// `--max-changes N|P%|all` and `--expand`, for `plan` and `apply`.
struct LargeRunOptions: ParsableArguments {
    @Option(name: .customLong("max-changes"),
            help: "Most profiles whose live status or avatar a run may update or delete: N, P% or all (default: 30% once a run has 10 profiles).")
    var maxChanges: String?

    @Flag(name: .customLong("expand"), help: "Show every profile's block, even when identical changes would be grouped.")
    var expand = false

    func validate() throws { _ = try setting() }

    /// The flag's setting; nil when not given.
    func setting() throws -> MaxChanges? {
        guard let maxChanges else { return nil }
        guard let setting = MaxChanges(maxChanges) else {
            throw ValidationError("--max-changes \(maxChanges): expected a number of profiles (12), a share (25%) or all")
        }
        return setting
    }
}
