import Support
import PachcaAPI
import ProfileCore

/// Reads live state: `GET /profile` and `GET /profile/status`, concurrently (docs/design.md).
public struct LiveReader: Sendable {
    public let client: PachcaClient
    public let subject: Subject

    public init(client: PachcaClient, subject: Subject = .me) {
        self.client = client; self.subject = subject
    }

    public func read() async throws -> LiveState {
        let (user, wireStatus) = try await readWire()
        return LiveState(owner: ProfileOwner(user), status: wireStatus.map(StatusFields.init), avatarURL: user.imageURL,
                         timeZone: user.timeZone, suspended: subject != .me && user.suspended == true, person: LivePerson(user))
    }

    /// The two reads as the API answered them, for `show`, which prints more than `LiveState` holds.
    public func readWire() async throws -> (user: WireUser, status: WireUserStatus?) {
        // Someone else's `User` carries `user_status` (docs/teams.md): one read, not two.
        if case .user = subject {
            let user = try await client.profile(subject)
            return (user, user.userStatus)
        }
        // When one read fails the other is cancelled: the client removes its transfer at once.
        async let profile = client.profile(subject)
        async let status = client.status(subject)
        return try await (profile, status)
    }
}

extension ProfileOwner {
    public init(_ user: WireUser) {
        self.init(id: user.id, firstName: user.firstName ?? "", lastName: user.lastName ?? "",
                  nickname: user.nickname ?? "", isBot: user.bot ?? false)
    }
}

extension StatusFields {
    /// From the wire: `away_message` is `{"text":…}` or null, `expires_at` a string or null.
    public init(_ wire: WireUserStatus) {
        self.init(emoji: wire.emoji, title: wire.title, isAway: wire.isAway,
                  awayMessage: wire.awayMessage?.text,
                  // Validated when decoded (an unparseable one is an error); the core's arithmetic
                  // parser first, which avoids loading ICU on every run.
                  expiresAt: wire.expiresAt.flatMap { (try? Timestamp.parse($0)) ?? wire.expiresAtDate })
    }
}

extension WireStatusUpdate {
    /// The whole status for `PUT /profile/status`; absent values are omitted, never null.
    init(_ status: StatusFields) {
        self.init(emoji: status.emoji, title: status.title, expiresAt: status.expiresAt,
                  isAway: status.isAway, awayMessage: status.awayMessage)
    }
}

extension LiveState {
    /// A person's live state from a listed or read `User` (which carries `user_status` and
    /// `image_url`); `status` is the owner's own when read through `/profile/status`.
    init(_ user: WireUser, status: WireUserStatus?) {
        self.init(owner: ProfileOwner(user), status: status.map(StatusFields.init), avatarURL: user.imageURL,
                  timeZone: user.timeZone, person: LivePerson(user))
    }
}

extension LivePerson {
    /// The record as it came with the person (`GET /profile`, `GET /users…`).
    public init(_ user: WireUser) {
        self.init(firstName: user.firstName ?? "", lastName: user.lastName ?? "", title: user.title ?? "",
                  department: user.department ?? "", phoneNumber: user.phoneNumber ?? "", tags: user.listTags ?? [],
                  customProperties: (user.customProperties ?? []).map {
                      LiveProperty(id: $0.id, name: $0.name, type: PropertyType(wire: $0.dataType), value: $0.value)
                  })
    }
}

extension PropertyDefinition {
    public init(_ wire: WireCustomPropertyDefinition) {
        self.init(id: wire.id, name: wire.name, type: PropertyType(wire: wire.dataType))
    }
}

extension WirePersonUpdate {
    /// Exactly the change's request.
    init(_ update: PersonUpdate) {
        self.init(firstName: update.firstName, lastName: update.lastName, title: update.title, department: update.department,
                  phoneNumber: update.phoneNumber, listTags: update.listTags,
                  customProperties: update.customProperties?.map { Property(id: $0.id, value: $0.value) })
    }
}
