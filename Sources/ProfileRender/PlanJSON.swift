#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ProfileCore

/// `plan --json` (SPEC §2; schema in the README). Stable: keys sorted, every key always present.
public enum PlanJSON {
    public static func render(_ plan: Plan) -> String {
        let document = Document(
            formatVersion: Plan.currentFormatVersion, file: plan.file, hasChanges: plan.hasChanges,
            changes: plan.changes.map(ChangeJSON.init), warnings: plan.warnings,
            avatar: plan.avatarAssessment.map { AvatarCheck(inSync: $0.inSync, evidence: $0.evidence.rawValue) },
            profile: Owner(id: plan.owner.id, name: plan.owner.displayName, nickname: plan.owner.nickname),
            schedule: ScheduleJSON(plan))
        return encode(document)
    }

    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own plain structs cannot fail.
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    struct Document: Encodable {
        var formatVersion: String
        var file: String
        var hasChanges: Bool
        var changes: [ChangeJSON]
        var warnings: [String]
        var avatar: AvatarCheck?
        var profile: Owner
        var schedule: ScheduleJSON
        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", file, hasChanges = "has_changes", changes, warnings, avatar, profile
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(formatVersion, forKey: .formatVersion)
            try c.encode(file, forKey: .file)
            try c.encode(hasChanges, forKey: .hasChanges)
            try c.encode(changes, forKey: .changes)
            try c.encode(warnings, forKey: .warnings)
            try c.encode(avatar, forKey: .avatar)
            try c.encode(profile, forKey: .profile)
            try schedule.encode(to: encoder)
        }
    }

    /// SPEC §10, additive: `next_change_at` (UTC or null), `at` (the instant planned for),
    /// `window` (the schedule window in force or null), `kept_status` (a hand-set status left
    /// alone under `on_manual_change: keep`, or null; its `expires_at` is until when).
    struct ScheduleJSON: Encodable {
        var nextChangeAt: String?
        var at: String
        var window: String?
        var keptStatus: StatusSnapshot?
        init(_ plan: Plan) {
            nextChangeAt = plan.nextChangeAt.map(Timestamp.canonical)
            at = Timestamp.canonical(plan.computedAt)
            window = plan.window
            keptStatus = plan.keptStatus
        }
        enum CodingKeys: String, CodingKey { case nextChangeAt = "next_change_at", at, window, keptStatus = "kept_status" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(nextChangeAt, forKey: .nextChangeAt)
            try c.encode(at, forKey: .at)
            try c.encode(window, forKey: .window)
            try c.encode(keptStatus, forKey: .keptStatus)
        }
    }

    struct AvatarCheck: Encodable { var inSync: Bool; var evidence: String
        enum CodingKeys: String, CodingKey { case inSync = "in_sync", evidence } }
    struct Owner: Encodable { var id: Int; var name: String; var nickname: String }

    struct AvatarLive: Encodable { var imageURL: String
        enum CodingKeys: String, CodingKey { case imageURL = "image_url" } }
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
        enum CodingKeys: String, CodingKey { case resource, action, before, after, changedFields = "changed_fields", evidence }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(resource, forKey: .resource)
            try c.encode(action, forKey: .action)
            try c.encode(before, forKey: .before)
            try c.encode(after, forKey: .after)
            if let changedFields { try c.encode(changedFields, forKey: .changedFields) }
            if resource == Resource.avatar.rawValue { try c.encode(evidence, forKey: .evidence) }
        }
    }
}
