import PortableFoundation
import ProfileCore

/// `apply --json` of a team run (§9), additive to the single-profile document of §2: every
/// applied/failed/did_not_converge item also carries `file` and `subject`, a `profiles` array
/// gives each profile's outcome, and the top-level `file` is present only for a one-file run.
public enum TeamApplyJSON {
    /// `results` holds the profiles that were applied (none when nothing changed).
    public static func render(_ team: TeamPlan, results: [(ProfilePlan, ApplyReport)], runFile: String?) throws -> String {
        try JSONDocument.encode(Document(team: team, results: results, runFile: runFile))
    }

    /// One item of §2's lists (`fields` in its order) followed by the profile it belongs to.
    struct Tagged: Encodable {
        var fields: [(String, String)]; var file: String; var subject: TeamPlanJSON.SubjectJSON
        struct Key: CodingKey {
            var stringValue: String; var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (key, value) in fields { try c.encode(value, forKey: Key(stringValue: key)) }
            try c.encode(file, forKey: Key(stringValue: "file"))
            try c.encode(subject, forKey: Key(stringValue: "subject"))
        }
    }

    /// A profile's outcome: `applied`, `failed` (exit 1), `in_sync` or `skipped` (a suspended person).
    struct ProfileOutcome: Encodable {
        var file: String; var subject: TeamPlanJSON.SubjectJSON; var hasChanges: Bool
        var outcome: String; @AlwaysPresent var verificationError: String?; var success: Bool; var skipped: String?
    }

    struct Document: Encodable {
        var team: TeamPlan; var results: [(ProfilePlan, ApplyReport)]; var runFile: String?
        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", file, hasChanges = "has_changes", applied, failed
            case didNotConverge = "did_not_converge", verificationError = "verification_error", success, profiles
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(JSONDocument.formatVersion, forKey: .formatVersion)
            if let runFile { try c.encode(runFile, forKey: .file) }
            try c.encode(team.hasChanges, forKey: .hasChanges)
            func tagged(_ make: (ApplyReport) -> [[(String, String)]]) -> [Tagged] {
                results.flatMap { profile, report in
                    make(report).map { Tagged(fields: $0, file: profile.file, subject: .init(profile.person)) }
                }
            }
            try c.encode(tagged { $0.applied.map { [("resource", $0.resource.rawValue), ("action", $0.action.rawValue)] } },
                         forKey: .applied)
            try c.encode(tagged { $0.failed.map { [("resource", $0.0.resource.rawValue), ("action", $0.0.action.rawValue), ("error", $0.1)] } },
                         forKey: .failed)
            try c.encode(tagged { $0.convergenceProblems.map { [("field", $0.field), ("sent", $0.sent), ("received", $0.received)] } },
                         forKey: .didNotConverge)
            // One line per profile that could not be verified, each naming its file.
            let unverified = results.compactMap { p, r in r.verificationError.map { "\(p.file): \($0)" } }
            try c.encode(unverified.isEmpty ? nil : unverified.joined(separator: "; "), forKey: .verificationError)
            try c.encode(results.allSatisfy { $0.1.succeeded }, forKey: .success)
            try c.encode(team.profiles.map { profile in
                let report = results.first { $0.0.file == profile.file }?.1
                let outcome = profile.skipped != nil ? "skipped"
                    : report.map { $0.succeeded ? "applied" : "failed" } ?? "in_sync"
                return ProfileOutcome(file: profile.file, subject: .init(profile.person), hasChanges: profile.hasChanges,
                                      outcome: outcome, verificationError: report?.verificationError,
                                      success: report?.succeeded ?? true, skipped: profile.skipped)
            }, forKey: .profiles)
        }
    }
}
