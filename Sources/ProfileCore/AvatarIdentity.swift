import Support

/// What `apply` remembers of a person: its last avatar upload and last applied status, one record
/// per API host and person id in the state folder (docs/teams.md, "State records").
/// Small, token-free, safe to commit or cache.
/// Written and read under the one JSON policy (`JSONDocument`): snake_case keys, UTC timestamps.
public struct StateRecord: Sendable, Equatable, Codable {
    public struct AvatarUpload: Sendable, Equatable, Codable {
        public var sha256: String
        public var imageURL: String
        public var uploadedAt: Date
        public init(sha256: String, imageURL: String, uploadedAt: Date) {
            self.sha256 = sha256; self.imageURL = imageURL; self.uploadedAt = uploadedAt
        }
    }
    /// The status the last `apply` wrote (docs/schedules.md): a live status equal to it is the tool's
    /// own, not one a person set by hand. nil after the tool deleted the status.
    public struct AppliedStatus: Sendable, Equatable, Codable {
        public var emoji: String
        public var title: String
        public var isAway: Bool
        public var awayMessage: String?
        public var expiresAt: Date?
        public var appliedAt: Date
        public init(_ status: StatusFields, appliedAt: Date) {
            emoji = status.emoji; title = status.title; isAway = status.isAway
            awayMessage = status.awayMessage; expiresAt = status.expiresAt; self.appliedAt = appliedAt
        }
        public var fields: StatusFields {
            StatusFields(emoji: emoji, title: title, isAway: isAway, awayMessage: awayMessage, expiresAt: expiresAt)
        }
    }
    public var formatVersion: String
    public var avatar: AvatarUpload?
    public var status: AppliedStatus?
    public init(avatar: AvatarUpload?, status: AppliedStatus? = nil) { formatVersion = "1"; self.avatar = avatar; self.status = status }
}

/// Proves (or fails to prove) that the live avatar is the file in git, strongest evidence first.
/// Pure: the caller fetches the served bytes only when `assessWithoutContent` returns nil.
public enum AvatarIdentity {
    /// The uploaded file name carries the content hash so a server that keeps file names
    /// in `image_url` lets later plans prove identity without downloading anything.
    public static func uploadFileName(for avatar: AvatarFile) -> String {
        "avatar-\(avatar.sha256).\(avatar.format.fileExtension)"
    }

    /// Decides from the state record or the URL's file name; nil means "fetch the bytes".
    public static func assessWithoutContent(desired: AvatarFile, liveURL: String?, record: StateRecord?) -> AvatarAssessment? {
        guard let liveURL else { return AvatarAssessment(inSync: false, evidence: .noLiveAvatar) }
        let liveKey = Normalization.avatarURLKey(liveURL)
        if let upload = record?.avatar, Normalization.avatarURLKey(upload.imageURL) == liveKey {
            return AvatarAssessment(inSync: upload.sha256 == desired.sha256, evidence: .stateRecord)
        }
        if let hashInName = contentHash(inFileNameOf: liveKey) {
            return AvatarAssessment(inSync: hashInName == desired.sha256, evidence: .fileName)
        }
        return nil
    }

    /// Decides from the hash of the bytes served at `image_url`; nil when they could not be read.
    public static func assess(desired: AvatarFile, servedContentSHA256: String?) -> AvatarAssessment {
        guard let served = servedContentSHA256 else { return AvatarAssessment(inSync: false, evidence: .unverifiable) }
        return AvatarAssessment(inSync: served == desired.sha256, evidence: .content)
    }

    /// The 64-hex sha256 in a URL's last path component, as `uploadFileName` writes it.
    static func contentHash(inFileNameOf url: String) -> String? {
        let name = url.split(separator: "/").last.map(String.init) ?? url
        guard let range = name.firstScalarRange(of: "avatar-") else { return nil }
        let hex = name[range.upperBound...].prefix(64)
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return String(hex)
    }
}
