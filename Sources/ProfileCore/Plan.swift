import Support

public enum Resource: String, Sendable, Codable, CaseIterable { case status, avatar, person }
public enum Action: String, Sendable, Codable { case create, update, delete }

/// How `plan` knows whether the live avatar is the file in git (docs/file-format.md, "Avatar identity"), strongest first.
public enum AvatarEvidence: String, Sendable, Codable {
    /// The person's state record, written by the last `apply` (or `export --avatars`), names this image_url and sha256.
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

/// What the plan does to the status. Each case carries exactly what the executor sends or
/// removes, so a create without a payload cannot be written down.
public enum StatusChange: Sendable, Equatable {
    case create(after: StatusFields)
    case update(before: StatusFields, after: StatusFields)
    case delete(before: StatusFields)

    public var action: Action {
        switch self { case .create: .create; case .update: .update; case .delete: .delete }
    }
    public var before: StatusFields? {
        switch self { case .create: nil; case .update(let b, _), .delete(let b): b }
    }
    public var after: StatusFields? {
        switch self { case .create(let a), .update(_, let a): a; case .delete: nil }
    }

    /// The fields that differ, with both sides as the JSON plan writes them.
    public var fields: [FieldChange] {
        let b = before.map(StatusSnapshot.init), a = after.map(StatusSnapshot.init)
        return StatusField.allCases.compactMap { field in
            let differs: Bool
            switch (before, after) {
            case let (b?, a?): differs = b.differingFields(from: a).contains(field)
            default: differs = (b?.value(of: field) ?? a?.value(of: field)) != nil
            }
            return differs ? FieldChange(field: field, before: b?.value(of: field), after: a?.value(of: field)) : nil
        }
    }
}

/// What the plan does to the avatar: the file to upload (and the live URL it replaces, with the
/// evidence that it differs), or the live URL to remove.
public enum AvatarChange: Sendable, Equatable {
    case create(file: AvatarFile)
    case update(beforeURL: String, file: AvatarFile, evidence: AvatarEvidence)
    case delete(beforeURL: String)

    public var action: Action {
        switch self { case .create: .create; case .update: .update; case .delete: .delete }
    }
    public var beforeURL: String? {
        switch self { case .create: nil; case .update(let url, _, _), .delete(let url): url }
    }
    public var file: AvatarFile? {
        switch self { case .create(let f), .update(_, let f, _): f; case .delete: nil }
    }
    /// Which evidence decided the change (nil for a delete, which needs none).
    public var evidence: AvatarEvidence? {
        switch self { case .create: .noLiveAvatar; case .update(_, _, let e): e; case .delete: nil }
    }
}

/// A change the plan will make, to one resource.
public enum Change: Sendable, Equatable {
    case status(StatusChange)
    case avatar(AvatarChange)
    case person(PersonChange)

    public var resource: Resource {
        switch self { case .status: .status; case .avatar: .avatar; case .person: .person }
    }
    /// Not inlined: Swift 6.3.1's -O ownership verifier crashes ("Found outside of lifetime
    /// use") on this switch inlined into the apply renderers.
    public var action: Action {
        // Not inlined: a release build of the apply renderer crashed the compiler ("Found
        // outside of lifetime use") when this switch was inlined into its callers.
        @inline(never) get { switch self { case .status(let c): c.action; case .avatar(let c): c.action; case .person(let c): c.action } }
    }
}

/// The saved plan's shape of a change (`docs/schemas/saved-plan.schema.json`): flat keys, so
/// files written by earlier versions still load. Decoding refuses a change whose keys do not
/// match its action (a create without its payload).
extension Change: Codable {
    enum CodingKeys: String, CodingKey {
        case resource, action, statusBefore, statusAfter, fieldChanges, avatarBeforeURL, avatarAfter, avatarEvidence
        case personBefore, personAfter, personRequest
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(resource, forKey: .resource)
        try c.encode(action, forKey: .action)
        switch self {
        case .status(let change):
            try c.encodeIfPresent(change.before.map(StatusSnapshot.init), forKey: .statusBefore)
            try c.encodeIfPresent(change.after.map(StatusSnapshot.init), forKey: .statusAfter)
            try c.encode(change.fields, forKey: .fieldChanges)
        case .avatar(let change):
            try c.encode([FieldChange](), forKey: .fieldChanges)
            try c.encodeIfPresent(change.beforeURL, forKey: .avatarBeforeURL)
            try c.encodeIfPresent(change.file, forKey: .avatarAfter)
            try c.encodeIfPresent(change.evidence, forKey: .avatarEvidence)
        case .person(let change):
            try c.encode([FieldChange](), forKey: .fieldChanges)
            try c.encode(change.before, forKey: .personBefore)
            try c.encode(change.after, forKey: .personAfter)
            try c.encode(change.request, forKey: .personRequest)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let action = try c.decode(Action.self, forKey: .action)
        func missing(_ key: CodingKeys) -> DecodingError {
            .keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "a \(action.rawValue) needs it"))
        }
        switch try c.decode(Resource.self, forKey: .resource) {
        case .status:
            let before = try c.decodeIfPresent(StatusSnapshot.self, forKey: .statusBefore).map { try $0.fields() }
            let after = try c.decodeIfPresent(StatusSnapshot.self, forKey: .statusAfter).map { try $0.fields() }
            switch action {
            case .create:
                guard let after else { throw missing(.statusAfter) }
                self = .status(.create(after: after))
            case .update:
                guard let before else { throw missing(.statusBefore) }
                guard let after else { throw missing(.statusAfter) }
                self = .status(.update(before: before, after: after))
            case .delete:
                guard let before else { throw missing(.statusBefore) }
                self = .status(.delete(before: before))
            }
        case .avatar:
            let url = try c.decodeIfPresent(String.self, forKey: .avatarBeforeURL)
            let file = try c.decodeIfPresent(AvatarFile.self, forKey: .avatarAfter)
            switch action {
            case .create:
                guard let file else { throw missing(.avatarAfter) }
                self = .avatar(.create(file: file))
            case .update:
                guard let url else { throw missing(.avatarBeforeURL) }
                guard let file else { throw missing(.avatarAfter) }
                let evidence = try c.decodeIfPresent(AvatarEvidence.self, forKey: .avatarEvidence) ?? .unverifiable
                self = .avatar(.update(beforeURL: url, file: file, evidence: evidence))
            case .delete:
                guard let url else { throw missing(.avatarBeforeURL) }
                self = .avatar(.delete(beforeURL: url))
            }
        case .person:
            guard action == .update else {
                throw DecodingError.dataCorruptedError(forKey: .action, in: c, debugDescription: "a person change is an update")
            }
            self = .person(PersonChange(before: try c.decode(PersonSnapshot.self, forKey: .personBefore),
                                        after: try c.decode(PersonSnapshot.self, forKey: .personAfter),
                                        request: try c.decode(PersonUpdate.self, forKey: .personRequest)))
        }
    }
}

extension StatusSnapshot {
    /// Back to the fields it was made from (a saved plan's payload).
    func fields() throws -> StatusFields {
        let expires: Date?
        if let text = expiresAt {
            do { expires = try Timestamp.parse(text) } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "expires_at: not a timestamp"))
            }
        } else {
            expires = nil
        }
        return StatusFields(emoji: emoji, title: title, isAway: isAway, awayMessage: awayMessage, expiresAt: expires)
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
    /// Changes in a deterministic order: status, avatar, person; at most one of each
    /// (the initializer takes one optional per resource, and a loaded plan is checked).
    public internal(set) var changes: [Change]
    public var warnings: [String]
    /// How the avatar was judged, also when it needs no change (nil when unmanaged).
    public var avatarAssessment: AvatarAssessment?
    /// The next instant the desired state changes (a window starts or ends, a status expires,
    /// a kept hand-set status expires); nil when nothing changes (docs/schedules.md).
    public var nextChangeAt: Date?
    /// The schedule window in force at `computedAt` (its label), nil outside every window.
    public var window: String?
    /// A status a person set by hand, left alone under `on_manual_change: keep`.
    public var keptStatus: StatusSnapshot?
    /// Where each change's desired value was written, by resource (`status`, `avatar`,
    /// `person`): the profile's file, an include or a group file (docs/shared-settings.md).
    public var sources: [String: SourceRef]? = nil
    /// Set when the plan is saved (`plan --out`); `apply --plan` checks it.
    public var binding: PlanBinding? = nil

    public var hasChanges: Bool { !changes.isEmpty }
    public var statusChange: StatusChange? {
        for case .status(let c) in changes { return c }
        return nil
    }
    public var avatarChange: AvatarChange? {
        for case .avatar(let c) in changes { return c }
        return nil
    }
    public var personChange: PersonChange? {
        for case .person(let c) in changes { return c }
        return nil
    }
    /// Whether the changes are at most one per resource, status first (checked on load).
    public var changesAreWellFormed: Bool {
        changes == [statusChange.map(Change.status), avatarChange.map(Change.avatar), personChange.map(Change.person)]
            .compactMap { $0 }
    }

    public init(file: String, subject: Subject, owner: ProfileOwner, computedAt: Date, desired: DesiredState,
                liveFields: [String: String], status: StatusChange?, avatar: AvatarChange?, warnings: [String],
                avatarAssessment: AvatarAssessment?, nextChangeAt: Date? = nil, window: String? = nil,
                keptStatus: StatusSnapshot? = nil, person: PersonChange? = nil) {
        self.formatVersion = Plan.currentFormatVersion
        self.file = file; self.subject = subject; self.owner = owner; self.computedAt = computedAt
        self.desired = desired; self.liveFields = liveFields
        self.liveFingerprint = LiveFingerprint.hash(liveFields)
        self.changes = [status.map(Change.status), avatar.map(Change.avatar), person.map(Change.person)].compactMap { $0 }
        self.warnings = warnings; self.avatarAssessment = avatarAssessment
        self.nextChangeAt = nextChangeAt; self.window = window; self.keptStatus = keptStatus
    }

    /// The file and line that decided `change`'s desired value (line 0: the whole file).
    public func source(of change: Change) -> SourceRef {
        sources?[change.resource.rawValue] ?? SourceRef(file: file, line: 0)
    }

    public var counts: (create: Int, update: Int, delete: Int) {
        (changes.filter { $0.action == .create }.count,
         changes.filter { $0.action == .update }.count,
         changes.filter { $0.action == .delete }.count)
    }
}
