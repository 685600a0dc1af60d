import Support
import Timekeeping

// Wire types mirror the OpenAPI schemas. They decode tolerantly (only identifiers are
// required) because the live API may add, drop or null fields; the core interprets them.
// The fields the diff depends on (`id`, `image_url`, the status and its `expires_at`) are
// strict: a wrong type or an unparseable timestamp is an error naming the field.

/// `User`: only `id` is required to decode.
public struct WireUser: Codable, Sendable, Equatable {
    public var id: Int
    public var firstName: String?
    public var lastName: String?
    public var nickname: String?
    public var email: String?
    public var phoneNumber: String?
    public var department: String?
    public var title: String?
    public var role: String?
    public var suspended: Bool?
    public var inviteStatus: String?
    public var listTags: [String]?
    public var customProperties: [WireCustomProperty]?
    public var userStatus: WireUserStatus?
    public var bot: Bool?
    public var sso: Bool?
    public var createdAt: String?
    public var lastActivityAt: String?
    public var timeZone: String?
    public var imageURL: String?

    public init(
        id: Int, firstName: String? = nil, lastName: String? = nil, nickname: String? = nil,
        email: String? = nil, phoneNumber: String? = nil, department: String? = nil,
        title: String? = nil, role: String? = nil, suspended: Bool? = nil,
        inviteStatus: String? = nil, listTags: [String]? = nil,
        customProperties: [WireCustomProperty]? = nil, userStatus: WireUserStatus? = nil,
        bot: Bool? = nil, sso: Bool? = nil, createdAt: String? = nil,
        lastActivityAt: String? = nil, timeZone: String? = nil, imageURL: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.nickname = nickname
        self.email = email
        self.phoneNumber = phoneNumber
        self.department = department
        self.title = title
        self.role = role
        self.suspended = suspended
        self.inviteStatus = inviteStatus
        self.listTags = listTags
        self.customProperties = customProperties
        self.userStatus = userStatus
        self.bot = bot
        self.sso = sso
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.timeZone = timeZone
        self.imageURL = imageURL
    }

    enum CodingKeys: String, CodingKey {
        case id, nickname, email, department, title, role, suspended, bot, sso
        case firstName = "first_name"
        case lastName = "last_name"
        case phoneNumber = "phone_number"
        case inviteStatus = "invite_status"
        case listTags = "list_tags"
        case customProperties = "custom_properties"
        case userStatus = "user_status"
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case timeZone = "time_zone"
        case imageURL = "image_url"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        firstName = try? c.decodeIfPresent(String.self, forKey: .firstName)
        lastName = try? c.decodeIfPresent(String.self, forKey: .lastName)
        nickname = try? c.decodeIfPresent(String.self, forKey: .nickname)
        email = try? c.decodeIfPresent(String.self, forKey: .email)
        phoneNumber = try? c.decodeIfPresent(String.self, forKey: .phoneNumber)
        department = try? c.decodeIfPresent(String.self, forKey: .department)
        title = try? c.decodeIfPresent(String.self, forKey: .title)
        role = try? c.decodeIfPresent(String.self, forKey: .role)
        suspended = try? c.decodeIfPresent(Bool.self, forKey: .suspended)
        inviteStatus = try? c.decodeIfPresent(String.self, forKey: .inviteStatus)
        listTags = try? c.decodeIfPresent([String].self, forKey: .listTags)
        customProperties = try? c.decodeIfPresent([WireCustomProperty].self, forKey: .customProperties)
        // A malformed embedded status must not hide the profile; GET /profile/status is the truth.
        userStatus = try? c.decodeIfPresent(WireUserStatus.self, forKey: .userStatus)
        bot = try? c.decodeIfPresent(Bool.self, forKey: .bot)
        sso = try? c.decodeIfPresent(Bool.self, forKey: .sso)
        createdAt = try? c.decodeIfPresent(String.self, forKey: .createdAt)
        lastActivityAt = try? c.decodeIfPresent(String.self, forKey: .lastActivityAt)
        timeZone = try? c.decodeIfPresent(String.self, forKey: .timeZone)
        // The diff depends on it: a value of the wrong type is an error, never "no avatar".
        imageURL = try c.decodeIfPresent(String.self, forKey: .imageURL)
    }
}

/// `UserStatus` as the API returns it.
public struct WireUserStatus: Codable, Sendable, Equatable {
    public struct AwayMessage: Codable, Sendable, Equatable {
        public var text: String
        public init(text: String) { self.text = text }
    }

    public var emoji: String
    public var title: String
    /// Raw `expires_at` as sent (`YYYY-MM-DDThh:mm:ss.sssZ`); see `expiresAtDate`.
    public var expiresAt: String?
    public var isAway: Bool
    public var awayMessage: AwayMessage?

    public init(emoji: String, title: String, expiresAt: String? = nil, isAway: Bool = false,
                awayMessage: AwayMessage? = nil) {
        self.emoji = emoji
        self.title = title
        self.expiresAt = expiresAt
        self.isAway = isAway
        self.awayMessage = awayMessage
    }

    /// `expires_at` as an instant; nil when absent or unparseable.
    public var expiresAtDate: Date? { expiresAt.flatMap(Timestamp.parseWire) }

    enum CodingKeys: String, CodingKey {
        case emoji, title
        case expiresAt = "expires_at"
        case isAway = "is_away"
        case awayMessage = "away_message"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        emoji = try c.decodeIfPresent(String.self, forKey: .emoji) ?? ""
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        expiresAt = try c.decodeIfPresent(String.self, forKey: .expiresAt)
        // The diff depends on it: an unparseable timestamp is an error, never "never expires".
        if let expiresAt, Timestamp.parseWire(expiresAt) == nil {
            throw DecodingError.dataCorruptedError(forKey: .expiresAt, in: c,
                                                   debugDescription: "not an ISO-8601 timestamp")
        }
        isAway = try c.decodeIfPresent(Bool.self, forKey: .isAway) ?? false
        // Accept both the spec's `{"text": …}` and a plain string, which older APIs sent.
        if let object = try? c.decodeIfPresent(AwayMessage.self, forKey: .awayMessage) {
            awayMessage = object
        } else if let text = try? c.decodeIfPresent(String.self, forKey: .awayMessage) {
            awayMessage = AwayMessage(text: text)
        } else {
            awayMessage = nil
        }
    }
}

/// The body of `PUT …/status`. Nil fields are omitted from the JSON, never sent as `null`.
public struct WireStatusUpdate: Encodable, Sendable, Equatable {
    public var emoji: String
    public var title: String
    public var expiresAt: Date?
    public var isAway: Bool?
    public var awayMessage: String?

    public init(emoji: String, title: String, expiresAt: Date? = nil, isAway: Bool? = nil,
                awayMessage: String? = nil) {
        self.emoji = emoji
        self.title = title
        self.expiresAt = expiresAt
        self.isAway = isAway
        self.awayMessage = awayMessage
    }

    enum OuterKeys: String, CodingKey { case status }
    enum CodingKeys: String, CodingKey {
        case emoji, title
        case expiresAt = "expires_at"
        case isAway = "is_away"
        case awayMessage = "away_message"
    }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: OuterKeys.self)
        var c = outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .status)
        try c.encode(emoji, forKey: .emoji)
        try c.encode(title, forKey: .title)
        try c.encodeIfPresent(expiresAt.map(Timestamp.canonical), forKey: .expiresAt)
        try c.encodeIfPresent(isAway, forKey: .isAway)
        try c.encodeIfPresent(awayMessage, forKey: .awayMessage)
    }
}

/// `AvatarData`.
public struct WireAvatarData: Codable, Sendable, Equatable {
    public var imageURL: String
    public init(imageURL: String) { self.imageURL = imageURL }
    enum CodingKeys: String, CodingKey { case imageURL = "image_url" }
}

/// `AccessTokenInfo`. `token` is the API's masked form (first 8 and last 4 characters).
public struct WireTokenInfo: Codable, Sendable, Equatable {
    public var id: Int
    public var token: String?
    public var name: String?
    public var userID: Int?
    public var scopes: [String]
    public var createdAt: String?
    public var revokedAt: String?
    public var expiresIn: Int?
    public var lastUsedAt: String?

    public init(id: Int, token: String? = nil, name: String? = nil, userID: Int? = nil,
                scopes: [String] = [], createdAt: String? = nil, revokedAt: String? = nil,
                expiresIn: Int? = nil, lastUsedAt: String? = nil) {
        self.id = id
        self.token = token
        self.name = name
        self.userID = userID
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.expiresIn = expiresIn
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, token, name, scopes
        case userID = "user_id"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
        case expiresIn = "expires_in"
        case lastUsedAt = "last_used_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        token = try? c.decodeIfPresent(String.self, forKey: .token)
        name = try? c.decodeIfPresent(String.self, forKey: .name)
        userID = try? c.decodeIfPresent(Int.self, forKey: .userID)
        scopes = (try? c.decodeIfPresent([String].self, forKey: .scopes)) ?? []
        createdAt = try? c.decodeIfPresent(String.self, forKey: .createdAt)
        revokedAt = try? c.decodeIfPresent(String.self, forKey: .revokedAt)
        expiresIn = try? c.decodeIfPresent(Int.self, forKey: .expiresIn)
        lastUsedAt = try? c.decodeIfPresent(String.self, forKey: .lastUsedAt)
    }
}

/// `CustomProperty`: a value on a user.
public struct WireCustomProperty: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var dataType: String?
    public var value: String?

    public init(id: Int, name: String, dataType: String? = nil, value: String? = nil) {
        self.id = id
        self.name = name
        self.dataType = dataType
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case id, name, value
        case dataType = "data_type"
    }
}

/// `CustomPropertyDefinition`: a property the workspace defines.
public struct WireCustomPropertyDefinition: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var dataType: String?

    public init(id: Int, name: String, dataType: String? = nil) {
        self.id = id
        self.name = name
        self.dataType = dataType
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case dataType = "data_type"
    }
}

/// `ApiErrorItem`. `payload` is free-form and not kept.
public struct WireApiErrorItem: Codable, Sendable, Equatable {
    public var key: String?
    public var value: String?
    public var message: String?
    public var code: String?

    public init(key: String? = nil, value: String? = nil, message: String? = nil, code: String? = nil) {
        self.key = key
        self.value = value
        self.message = message
        self.code = code
    }
}

/// `ApiError` (400, 402, 404, 422, and some 403).
public struct WireApiError: Codable, Sendable, Equatable {
    public var errors: [WireApiErrorItem]
    public init(errors: [WireApiErrorItem]) { self.errors = errors }
}

/// `OAuthError` (401, 403).
public struct WireOAuthError: Codable, Sendable, Equatable {
    public var error: String
    public var errorDescription: String?

    public init(error: String, errorDescription: String? = nil) {
        self.error = error
        self.errorDescription = errorDescription
    }

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}
