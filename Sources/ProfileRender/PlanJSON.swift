import PortableFoundation
import ProfileCore

/// `plan --json` (SPEC §2; `docs/schemas/plan.schema.json`). The one JSON policy: keys sorted
/// and snake_case, every key always present (`null` when unknown).
public enum PlanJSON {
    public static func render(_ plan: Plan) throws -> String {
        try JSONDocument.encode(document(plan))
    }

    static func document(_ plan: Plan) -> Document {
        Document(
            file: plan.file, hasChanges: plan.hasChanges,
            changes: plan.changes.map(ChangeJSON.init), warnings: plan.warnings,
            avatar: plan.avatarAssessment.map { AvatarCheck(inSync: $0.inSync, evidence: $0.evidence.rawValue) },
            profile: Owner(id: plan.owner.id, name: plan.owner.displayName, nickname: plan.owner.nickname),
            nextChangeAt: plan.nextChangeAt.map(Timestamp.canonical), at: Timestamp.canonical(plan.computedAt),
            window: plan.window, keptStatus: plan.keptStatus)
    }

    struct Document: Encodable {
        var formatVersion = JSONDocument.formatVersion
        var file: String
        var hasChanges: Bool
        var changes: [ChangeJSON]
        var warnings: [String]
        @AlwaysPresent var avatar: AvatarCheck?
        var profile: Owner
        /// SPEC §10, additive: `next_change_at` (UTC or null), `at` (the instant planned for),
        /// `window` (the schedule window in force or null), `kept_status` (a hand-set status left
        /// alone under `on_manual_change: keep`, or null; its `expires_at` is until when).
        @AlwaysPresent var nextChangeAt: String?
        var at: String
        @AlwaysPresent var window: String?
        @AlwaysPresent var keptStatus: StatusSnapshot?
    }

    struct AvatarCheck: Encodable { var inSync: Bool; var evidence: String }
    struct Owner: Encodable { var id: Int; var name: String; var nickname: String }

    struct AvatarLive: Encodable { var imageURL: String }
    struct AvatarDesired: Encodable { var path: String; var sha256: String }

    enum Side: Encodable {
        case status(StatusSnapshot), avatarLive(AvatarLive), avatarDesired(AvatarDesired)
        func encode(to encoder: Encoder) throws {
            switch self {
            case .status(let s): try s.encode(to: encoder)
            case .avatarLive(let a): try a.encode(to: encoder)
            case .avatarDesired(let a): try a.encode(to: encoder)
            }
        }
    }

    /// A status change carries `changed_fields`, an avatar change `evidence` (`null` for a delete).
    struct ChangeJSON: Encodable {
        var resource: String
        var action: String
        var before: Side?
        var after: Side?
        var changedFields: [String]?
        var evidence: String?

        init(_ change: Change) {
            resource = change.resource.rawValue
            action = change.action.rawValue
            switch change.resource {
            case .status:
                before = change.statusBefore.map(Side.status)
                after = change.statusAfter.map(Side.status)
                changedFields = change.fieldChanges.map(\.field.rawValue)
            case .avatar:
                before = change.avatarBeforeURL.map { .avatarLive(AvatarLive(imageURL: $0)) }
                after = change.avatarAfter.map { .avatarDesired(AvatarDesired(path: $0.declaredPath, sha256: $0.sha256)) }
                evidence = change.avatarEvidence?.rawValue
            }
        }
        enum CodingKeys: String, CodingKey { case resource, action, before, after, changedFields, evidence }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(resource, forKey: .resource)
            try c.encode(action, forKey: .action)
            try c.encode(before, forKey: .before)
            try c.encode(after, forKey: .after)
            if resource == Resource.status.rawValue { try c.encode(changedFields ?? [], forKey: .changedFields) }
            if resource == Resource.avatar.rawValue { try c.encode(evidence, forKey: .evidence) }
        }
    }
}
