import PortableFoundation
import ProfileCore

/// The JSON plan of a team run (§9), additive to the single-profile document of §2: every
/// change also carries `file` and `subject`, a `profiles` array lists every profile, and the
/// top-level `file` is present only when the run has exactly one file.
public enum TeamPlanJSON {
    public static func render(_ team: TeamPlan, runFile: String?) throws -> String {
        try JSONDocument.encode(Document(team: team, runFile: runFile))
    }

    struct SubjectJSON: Encodable {
        var id: Int; @AlwaysPresent var nickname: String?; @AlwaysPresent var email: String?; var isSelf: Bool
        init(_ p: SubjectPerson) { id = p.id; nickname = p.nickname; email = p.email; isSelf = p.isSelf }
        enum CodingKeys: String, CodingKey { case id, nickname, email, isSelf = "self" }
    }

    /// A §2 change with the file and person it belongs to.
    struct TeamChange: Encodable {
        var change: PlanJSON.ChangeJSON; var file: String; var subject: SubjectJSON
        enum CodingKeys: String, CodingKey { case file, subject }
        func encode(to encoder: Encoder) throws {
            try change.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(subject, forKey: .subject)
        }
    }

    struct ProfileJSON: Encodable {
        var file: String; var subject: SubjectJSON; var hasChanges: Bool
        /// §10: when this profile's desired state next changes (always written); `skipped` only when set.
        @AlwaysPresent var nextChangeAt: String?
        var skipped: String?
    }

    struct Document: Encodable {
        var team: TeamPlan; var runFile: String?
        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", file, hasChanges = "has_changes", changes, warnings, profiles
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(Plan.currentFormatVersion, forKey: .formatVersion)
            if let runFile { try c.encode(runFile, forKey: .file) }
            try c.encode(team.hasChanges, forKey: .hasChanges)
            let changes = team.profiles.flatMap { p in
                (p.plan?.changes ?? []).map { TeamChange(change: PlanJSON.ChangeJSON($0), file: p.file, subject: SubjectJSON(p.person)) }
            }
            try c.encode(changes, forKey: .changes)
            let warnings = team.warnings + team.profiles.flatMap { p in (p.plan?.warnings ?? []).map { "\(p.file): \($0)" } }
            try c.encode(warnings, forKey: .warnings)
            try c.encode(team.profiles.map {
                ProfileJSON(file: $0.file, subject: SubjectJSON($0.person), hasChanges: $0.hasChanges,
                            nextChangeAt: $0.plan?.nextChangeAt.map(Timestamp.canonical), skipped: $0.skipped)
            }, forKey: .profiles)
        }
    }
}
