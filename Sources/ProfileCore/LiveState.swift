import Support

/// The live status as the API reported it, already decoded from the wire.
public typealias LiveStatus = StatusFields

/// Who the profile belongs to, for plan headers.
public struct ProfileOwner: Sendable, Equatable, Codable {
    public var id: Int
    public var firstName: String
    public var lastName: String
    public var nickname: String
    public var isBot: Bool
    public init(id: Int, firstName: String, lastName: String, nickname: String, isBot: Bool = false) {
        self.id = id; self.firstName = firstName; self.lastName = lastName; self.nickname = nickname; self.isBot = isBot
    }
    public var displayName: String {
        [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// What `GET /profile` and `GET /profile/status` said, read at one moment.
public struct LiveState: Sendable, Equatable, Codable {
    public var owner: ProfileOwner
    /// nil when the API answered a bare `null`.
    public var status: LiveStatus?
    /// `image_url` from the profile; nil when no avatar is set.
    public var avatarURL: String?
    /// The person's `time_zone` from the profile (an IANA name), for `timezone: profile`.
    public var timeZone: String?
    /// Whether the person is suspended (someone else's profile; the token owner never is).
    public var suspended: Bool
    /// The person record that came with the profile (names, title, tags, custom properties).
    public var person: LivePerson?

    public init(owner: ProfileOwner, status: LiveStatus?, avatarURL: String?, timeZone: String? = nil,
                suspended: Bool = false, person: LivePerson? = nil) {
        self.owner = owner; self.status = status; self.avatarURL = avatarURL; self.timeZone = timeZone
        self.suspended = suspended; self.person = person
    }

    /// The status that counts at `now`: one whose `expires_at` has passed is no status,
    /// whatever the API still returns for a while (docs/file-format.md).
    public func effectiveStatus(at now: Date) -> LiveStatus? {
        guard let status, !status.hasExpired(at: now) else { return nil }
        return status
    }
}
