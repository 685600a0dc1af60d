import Support
import ProfileCore

/// `plan --json` (`docs/schemas/plan.schema.json`): one document for one file and for a
/// thousand. Every change carries its `file` and `subject`; `profiles` lists every profile with
/// its own keys; the top-level per-profile keys repeat the single profile's values in a run of
/// one, and are null otherwise (`at` is the run's instant, `next_change_at` the earliest).
public enum PlanJSON {
    public static func render(_ run: RunPlan) throws -> String {
        try JSONDocument.encode(Document(run))
    }

    /// The keys that describe the run as a whole, shared by the plan and apply documents:
    /// the single profile's values in a run of one, null otherwise (`at` and the earliest
    /// `next_change_at` always).
    struct RunKeys: Encodable {
        @AlwaysPresent var file: String?
        @AlwaysPresent var avatar: AvatarCheck?
        @AlwaysPresent var profile: Owner?
        @AlwaysPresent var nextChangeAt: String?
        var at: String
        @AlwaysPresent var window: String?
        @AlwaysPresent var keptStatus: StatusSnapshot?
        /// The blast-radius guard of the run (apply refuses it when `exceeded`).
        var `guard`: GuardJSON

        init(_ run: RunPlan) {
            let plan = run.single?.plan
            file = run.single?.file
            avatar = plan.flatMap(AvatarCheck.init)
            profile = plan.map { Owner($0.owner) }
            nextChangeAt = run.nextChangeAt.map(Timestamp.canonical)
            at = Timestamp.canonical(run.at)
            window = plan?.window
            keptStatus = plan?.keptStatus
            `guard` = GuardJSON(run.blastRadius)
        }
    }

    struct Document: Encodable {
        var formatVersion = JSONDocument.formatVersion
        var run: RunKeys
        var hasChanges: Bool
        var changes: [ChangeJSON]
        var warnings: [String]
        var profiles: [ProfileJSON]

        init(_ run: RunPlan) {
            self.run = RunKeys(run)
            hasChanges = run.hasChanges
            changes = run.profiles.flatMap { p in
                (p.plan.map { plan in plan.changes.map { (change: $0, source: plan.source(of: $0)) } } ?? []).map {
                    ChangeJSON($0.change, file: p.file, subject: SubjectJSON(p.person), source: $0.source)
                }
            }
            warnings = Self.warnings(run)
            profiles = run.profiles.map(ProfileJSON.init)
        }

        enum CodingKeys: String, CodingKey { case formatVersion, hasChanges, changes, warnings, profiles }
        func encode(to encoder: Encoder) throws {
            try run.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(formatVersion, forKey: .formatVersion)
            try c.encode(hasChanges, forKey: .hasChanges)
            try c.encode(changes, forKey: .changes)
            try c.encode(warnings, forKey: .warnings)
            try c.encode(profiles, forKey: .profiles)
        }

        /// The run's warnings, then each plan's; a profile's are prefixed with its file when the
        /// run has several (its own entry in `profiles` has them bare).
        static func warnings(_ run: RunPlan) -> [String] {
            let radius = run.blastRadius
            let refused = radius.exceeded ? ["apply would refuse this run: \(radius.message)"] : []
            if let plan = run.single?.plan { return run.warnings + plan.warnings + refused }
            return run.warnings + run.profiles.flatMap { p in (p.plan?.warnings ?? []).map { "\(p.file): \($0)" } } + refused
        }
    }

    /// One profile of the run: `outcome` is `changes`, `in_sync`, `skipped` or `failed` (with `error`).
    struct ProfileJSON: Encodable {
        var file: String
        var subject: SubjectJSON
        var outcome: String
        var hasChanges: Bool
        @AlwaysPresent var error: String?
        @AlwaysPresent var skipped: String?
        @AlwaysPresent var avatar: AvatarCheck?
        @AlwaysPresent var profile: Owner?
        @AlwaysPresent var nextChangeAt: String?
        @AlwaysPresent var window: String?
        @AlwaysPresent var keptStatus: StatusSnapshot?
        var warnings: [String]

        init(_ p: ProfilePlan) {
            file = p.file
            subject = SubjectJSON(p.person)
            switch p.outcome {
            case .planned(let plan): outcome = plan.hasChanges ? "changes" : "in_sync"
            case .skipped: outcome = "skipped"
            case .failed: outcome = "failed"
            }
            hasChanges = p.hasChanges
            error = p.failure
            skipped = p.skipped
            let plan = p.plan
            avatar = plan.flatMap(AvatarCheck.init)
            profile = plan.map { Owner($0.owner) }
            nextChangeAt = plan?.nextChangeAt.map(Timestamp.canonical)
            window = plan?.window
            keptStatus = plan?.keptStatus
            warnings = plan?.warnings ?? []
        }
    }

    /// The blast-radius guard: profiles whose live values would be updated or deleted, the
    /// limit (`null`: none), and whether `apply` refuses the run.
    struct GuardJSON: Encodable {
        var changes: Int
        @AlwaysPresent var limit: Int?
        var exceeded: Bool
        init(_ radius: BlastRadius) { changes = radius.changes; limit = radius.limit; exceeded = radius.exceeded }
    }

    struct SubjectJSON: Encodable {
        var id: Int; @AlwaysPresent var nickname: String?; @AlwaysPresent var email: String?; var isSelf: Bool
        init(_ p: SubjectPerson) { id = p.id; nickname = p.nickname; email = p.email; isSelf = p.isSelf }
        enum CodingKeys: String, CodingKey { case id, nickname, email, isSelf = "self" }
    }

    struct AvatarCheck: Encodable {
        var inSync: Bool; var evidence: String
        init?(_ plan: Plan) {
            guard let a = plan.avatarAssessment else { return nil }
            inSync = a.inSync; evidence = a.evidence.rawValue
        }
    }

    struct Owner: Encodable {
        var id: Int; var name: String; var nickname: String
        init(_ o: ProfileOwner) { id = o.id; name = o.displayName; nickname = o.nickname }
    }

    struct AvatarLive: Encodable { var imageURL: String }
    struct AvatarDesired: Encodable { var path: String; var sha256: String }

    /// A change: a status or person change carries `changed_fields`, an avatar change `evidence`
    /// (`null` for a delete); each carries the profile's `file` and `subject`, and the `source`
    /// (file and line) that decided its desired value.
    struct ChangeJSON: Encodable {
        var change: Change
        var file: String
        var subject: SubjectJSON
        var source: SourceRef

        init(_ change: Change, file: String, subject: SubjectJSON, source: SourceRef) {
            self.change = change; self.file = file; self.subject = subject; self.source = source
        }

        enum CodingKeys: String, CodingKey { case resource, action, before, after, changedFields, evidence, file, subject, source }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(change.resource.rawValue, forKey: .resource)
            try c.encode(change.action.rawValue, forKey: .action)
            try c.encode(file, forKey: .file)
            try c.encode(subject, forKey: .subject)
            try c.encode(source, forKey: .source)
            switch change {
            case .status(let status):
                try c.encode(status.before.map(StatusSnapshot.init), forKey: .before)
                try c.encode(status.after.map(StatusSnapshot.init), forKey: .after)
                try c.encode(status.fields.map(\.field.rawValue), forKey: .changedFields)
            case .avatar(let avatar):
                try c.encode(avatar.beforeURL.map(AvatarLive.init), forKey: .before)
                try c.encode(avatar.file.map { AvatarDesired(path: $0.declaredPath, sha256: $0.sha256) }, forKey: .after)
                try c.encode(avatar.evidence?.rawValue, forKey: .evidence)
            case .person(let person):
                // Only the fields that differ, on both sides; properties by name.
                try c.encode(person.before, forKey: .before)
                try c.encode(person.after, forKey: .after)
                try c.encode(person.changedFields, forKey: .changedFields)
            }
        }
    }
}
