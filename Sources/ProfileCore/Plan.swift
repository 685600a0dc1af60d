import PortableFoundation

public enum Resource: String, Sendable, Codable, CaseIterable { case status, avatar }
public enum Action: String, Sendable, Codable { case create, update, delete }

/// How `plan` knows whether the live avatar is the file in git (SPEC §5), strongest first.
public enum AvatarEvidence: String, Sendable, Codable {
    /// `.<profile>.state.json`, written by the last `apply`, names this image_url and sha256.
    case stateRecord = "state_record"
    /// The uploaded file name kept in `image_url` carries the content's sha256.
    case fileName = "file_name"
    /// The bytes served at `image_url` were hashed and compared with the file.
    case content = "content"
    /// Nothing proved it either way: the plan uploads.
    case unverifiable = "unverifiable"
    /// The profile has no avatar at all.
    case noLiveAvatar = "no_live_avatar"

    public var explanation: String {
        switch self {
        case .stateRecord: "proven by the state record of the last apply"
        case .fileName: "proven by the content hash in the uploaded file name"
        case .content: "proven by comparing the bytes served at image_url"
        case .unverifiable: "cannot be verified, will upload"
        case .noLiveAvatar: "the profile has no avatar"
        }
    }
}

/// The outcome of proving the live avatar's identity.
public struct AvatarAssessment: Sendable, Equatable, Codable {
    public var inSync: Bool
    public var evidence: AvatarEvidence
    public init(inSync: Bool, evidence: AvatarEvidence) { self.inSync = inSync; self.evidence = evidence }
}

/// One side (`before` or `after`) of a status change, in the JSON plan's shape.
public struct StatusSnapshot: Sendable, Equatable, Codable {
    public var emoji: String
    public var title: String
    public var isAway: Bool
    // Every key is written, null when absent: the JSON plan schema is fixed.
    @AlwaysPresent public var awayMessage: String?
    /// Canonical UTC form, `2025-03-10T20:59:59.000Z`.
    @AlwaysPresent public var expiresAt: String?

    public init(_ status: StatusFields) {
        emoji = status.emoji; title = status.title; isAway = status.isAway
        awayMessage = status.awayMessage
        expiresAt = status.expiresAt.map(Timestamp.canonical)
    }

    public func value(of field: StatusField) -> String? {
        switch field {
        case .emoji: emoji
        case .title: title
        case .isAway: isAway ? "true" : "false"
        case .awayMessage: awayMessage
        case .expiresAt: expiresAt
        }
    }
}

/// One field of a status update, for the human view (`~ title: "Working" → "В отпуске"`).
public struct FieldChange: Sendable, Equatable, Codable {
    public var field: StatusField
    public var before: String?
    public var after: String?
}

/// A change the plan will make. Status changes carry snapshots; avatar changes carry the
/// live URL (`before`) and the file (`after`), and the evidence that decided them.
public struct Change: Sendable, Equatable, Codable {
    public var resource: Resource
    public var action: Action
    public var statusBefore: StatusSnapshot?
    public var statusAfter: StatusSnapshot?
    public var fieldChanges: [FieldChange]
    public var avatarBeforeURL: String?
    public var avatarAfter: AvatarFile?
    public var avatarEvidence: AvatarEvidence?

    public static func status(_ action: Action, before: StatusFields?, after: StatusFields?) -> Change {
        let b = before.map(StatusSnapshot.init), a = after.map(StatusSnapshot.init)
        var fields: [FieldChange] = []
        for field in StatusField.allCases {
            let differs: Bool
            switch (before, after) {
            case let (b?, a?): differs = b.differingFields(from: a).contains(field)
            default: differs = (b?.value(of: field) ?? a?.value(of: field)) != nil
            }
            if differs { fields.append(FieldChange(field: field, before: b?.value(of: field), after: a?.value(of: field))) }
        }
        return Change(resource: .status, action: action, statusBefore: b, statusAfter: a, fieldChanges: fields,
                      avatarBeforeURL: nil, avatarAfter: nil, avatarEvidence: nil)
    }

    public static func avatar(_ action: Action, beforeURL: String?, after: AvatarFile?, evidence: AvatarEvidence?) -> Change {
        Change(resource: .avatar, action: action, statusBefore: nil, statusAfter: nil, fieldChanges: [],
               avatarBeforeURL: beforeURL, avatarAfter: after, avatarEvidence: evidence)
    }
}

/// A plan is a value: what to change, and the live state it was computed against.
/// Saved with `plan --out`, it is a safe CI artifact: no token, only the profile's own fields.
public struct Plan: Sendable, Equatable, Codable {
    /// The saved plan file's format (`docs/schemas/saved-plan.schema.json`); 2 since it is
    /// snake_case, timestamped in ISO-8601 and bound to its account.
    public static let currentFormatVersion = "2"

    public var formatVersion: String
    public var file: String
    public var subject: Subject
    public var owner: ProfileOwner
    public var computedAt: Date
    public var desired: DesiredState
    /// The normalized live fields the plan was computed against, and their hash.
    public var liveFields: [String: String]
    public var liveFingerprint: String
    /// Changes in a deterministic order: status first, then avatar.
    public var changes: [Change]
    public var warnings: [String]
    /// How the avatar was judged, also when it needs no change (nil when unmanaged).
    public var avatarAssessment: AvatarAssessment?
    /// The next instant the desired state changes (a window starts or ends, a status expires,
    /// a kept hand-set status expires); nil when nothing changes (SPEC §10).
    public var nextChangeAt: Date?
    /// The schedule window in force at `computedAt` (its label), nil outside every window.
    public var window: String?
    /// A status a person set by hand, left alone under `on_manual_change: keep`.
    public var keptStatus: StatusSnapshot?
    /// Set when the plan is saved (`plan --out`); `apply --plan` checks it.
    public var binding: PlanBinding? = nil

    public var hasChanges: Bool { !changes.isEmpty }
    public func change(for resource: Resource) -> Change? { changes.first { $0.resource == resource } }

    public init(file: String, subject: Subject, owner: ProfileOwner, computedAt: Date, desired: DesiredState,
                liveFields: [String: String], changes: [Change], warnings: [String],
                avatarAssessment: AvatarAssessment?, nextChangeAt: Date? = nil, window: String? = nil,
                keptStatus: StatusSnapshot? = nil) {
        self.formatVersion = Plan.currentFormatVersion
        self.file = file; self.subject = subject; self.owner = owner; self.computedAt = computedAt
        self.desired = desired; self.liveFields = liveFields
        self.liveFingerprint = LiveFingerprint.hash(liveFields)
        self.changes = changes; self.warnings = warnings; self.avatarAssessment = avatarAssessment
        self.nextChangeAt = nextChangeAt; self.window = window; self.keptStatus = keptStatus
    }

    public var counts: (create: Int, update: Int, delete: Int) {
        (changes.filter { $0.action == .create }.count,
         changes.filter { $0.action == .update }.count,
         changes.filter { $0.action == .delete }.count)
    }
}
