import Support

/// A top-level key's three states: absent (unmanaged: never read, never touched),
/// `null` (ensure there is none), or a value (ensure it is exactly this).
public enum Managed<Value: Sendable & Equatable>: Sendable, Equatable {
    case unmanaged
    case none
    case value(Value)

    public var isManaged: Bool { if case .unmanaged = self { return false } else { return true } }
    public var value: Value? { if case .value(let v) = self { return v } else { return nil } }
}

extension Managed: Codable where Value: Codable {
    // Encoded as {"managed":false} / {"managed":true,"value":null} / {"managed":true,"value":…}
    private enum CodingKeys: String, CodingKey { case managed, value }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if try !c.decode(Bool.self, forKey: .managed) { self = .unmanaged; return }
        if let v = try c.decodeIfPresent(Value.self, forKey: .value) { self = .value(v) } else { self = .none }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .unmanaged: try c.encode(false, forKey: .managed)
        case .none: try c.encode(true, forKey: .managed); try c.encodeNil(forKey: .value)
        case .value(let v): try c.encode(true, forKey: .managed); try c.encode(v, forKey: .value)
        }
    }
}

/// The status a file asks for. Texts are as written (already validated);
/// `expiresAt` is an instant (the file's offset is gone once parsed).
public struct StatusFields: Sendable, Equatable, Codable {
    public var emoji: String
    public var title: String
    public var isAway: Bool
    /// nil when absent, null or empty — the three mean the same (docs/file-format.md).
    public var awayMessage: String?
    public var expiresAt: Date?

    public init(emoji: String, title: String, isAway: Bool = false, awayMessage: String? = nil,
                expiresAt: Date? = nil) {
        self.emoji = emoji; self.title = title; self.isAway = isAway
        self.awayMessage = (awayMessage?.isEmpty ?? true) ? nil : awayMessage
        self.expiresAt = expiresAt
    }
}

public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case png, jpeg, gif, webp
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        }
    }
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}

/// The avatar a file asks for, identified by its bytes (never by its path).
public struct AvatarFile: Sendable, Equatable, Codable {
    /// As written in the YAML (`../avatars/me.png`).
    public var declaredPath: String
    /// Resolved relative to the YAML file's directory (not the cwd).
    public var resolvedPath: String
    public var sha256: String
    public var byteCount: Int
    public var format: ImageFormat

    public init(declaredPath: String, resolvedPath: String, sha256: String, byteCount: Int, format: ImageFormat) {
        self.declaredPath = declaredPath; self.resolvedPath = resolvedPath
        self.sha256 = sha256; self.byteCount = byteCount; self.format = format
    }
}

/// The typed, validated content of one desired-state file. The diff consumes it unchanged.
/// It is not evaluated against a clock here: `Differ` takes `now` (schedules will need that).
public struct DesiredState: Sendable, Equatable, Codable {
    /// The file as the user named it.
    public var file: String
    public var status: Managed<StatusFields>
    public var avatar: Managed<AvatarFile>
    /// Whose profile (`user:`, docs/teams.md); nil: the token owner's own.
    public var user: UserReference? = nil
    /// The `person:` block (docs/people.md); nil: the person record is unmanaged.
    public var person: DesiredPerson? = nil
    /// `timezone`, `schedule` and `on_manual_change` (docs/schedules.md); nil when the file has none.
    /// `status` above is the base status, in force outside every window.
    public var schedule: Schedule?
    /// `select:` (docs/shared-settings.md): a group file, applied to every active person it
    /// selects; nil for a file about one person.
    public var selector: Selector? = nil
    /// Where each top-level key's value was written (`status`, `avatar`, `person`, `timezone`,
    /// `schedule`, `on_manual_change`): this file, or one it includes or a group file. nil for
    /// a state made in code (all from `file`).
    public var sources: [String: SourceRef]? = nil
    /// The files named by `include:`, resolved against this file's directory, in order.
    public var includes: [String]? = nil
    /// Timestamps as written in the file (`2025-03-10T23:59:59+03:00`), keyed by their canonical
    /// UTC form: the plan shows what the file says, with UTC beside it.
    public var timestampsAsWritten: [String: String]? = nil

    public init(file: String, status: Managed<StatusFields> = .unmanaged, avatar: Managed<AvatarFile> = .unmanaged,
                schedule: Schedule? = nil) {
        self.file = file; self.status = status; self.avatar = avatar; self.schedule = schedule
    }

    /// Every status the file can ask for (base and windows), for telling a hand-set status apart.
    public var producibleStatuses: [StatusFields] {
        [status.value].compactMap { $0 } + (schedule?.windows.compactMap(\.status) ?? [])
    }

    /// Whether the file (with its includes) sets a top-level key.
    public func sets(_ key: String) -> Bool { sources?[key] != nil }

    /// What `on_manual_change` says (overwrite when absent).
    public var manualChangePolicy: ManualChangePolicy { schedule?.onManualChange ?? .overwrite }
}

/// Where a desired value was written: a file and the line of its key (or of its window).
public struct SourceRef: Sendable, Equatable, Codable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) { self.file = file; self.line = line }
}

/// `select: all` or `select: {tag: NAME}`: whom a group file applies to.
public struct Selector: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        case all
        case tag(String)
    }
    public var kind: Kind
    public var line: Int
    public var column: Int
    public init(_ kind: Kind, line: Int = 0, column: Int = 0) { self.kind = kind; self.line = line; self.column = column }

    /// Whether a person with these `list_tags` is selected (tags compare exactly, as Pachca shows them).
    public func selects(tags: [String]) -> Bool {
        switch kind {
        case .all: true
        case .tag(let name): tags.contains(name)
        }
    }

    /// `all`, or `tag Backend`.
    public var described: String {
        switch kind {
        case .all: "all"
        case .tag(let name): "tag \(name)"
        }
    }
}
