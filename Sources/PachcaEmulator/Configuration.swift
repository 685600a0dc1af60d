import Foundation

/// Everything an emulator starts with. Also the shape of `pachca-emulator --seed FILE`:
/// every key is optional (missing keys take the defaults below) and keys may be written
/// in camelCase or snake_case (`rateLimitPerSecond` or `rate_limit_per_second`).
public struct EmulatorConfiguration: Sendable, Codable, Equatable {
    /// The default demo token, printed by the executable.
    public static let demoToken = "demo-token-0123456789abcdef"
    /// Every scope the profile tool and `show` use.
    public static let allProfileScopes = [
        "profile:read", "profile_status:read", "profile_status:write", "profile_avatar:write",
        "custom_properties:read",
    ]

    public var tokens: [TokenGrant]
    public var user: SeedUser
    public var status: SeedStatus?
    /// Avatar bytes to start with (base64 in a seed file) and the file name they were "uploaded" as.
    public var avatar: SeedAvatar?
    public var customProperties: [SeedCustomProperty]
    public var avatarURLNaming: AvatarURLNaming
    /// Requests per token per sliding one-second window; 0 disables the limit.
    public var rateLimitPerSecond: Int
    /// Seconds an expired status is still returned before GET answers `null`.
    public var statusLinger: Double
    /// When true, emoji are echoed back with U+FE0F/U+FE0E stripped, as some servers normalize.
    public var echoEmojiWithoutVariationSelectors: Bool
    /// When true, titles are echoed with surrounding white space trimmed: a normalization the
    /// profile tool does not know, to prove that `apply` reports "did not converge".
    public var echoTitleTrimmed: Bool = false
    /// Added to every API request (not to image fetches or control calls).
    public var latencyMilliseconds: Int
    /// Faults armed at start.
    public var faults: [FaultRule]
    /// A malicious server's habits (Hostile.swift); none by default.
    public var hostile = HostileBehaviour()
    /// Other people of the workspace, for the `/users` endpoints (Workspace.swift); none by default.
    public var workspace: WorkspaceSeed?
    /// How `PUT /users/{id}` treats `list_tags` and `custom_properties` (People.swift).
    public var listUpdates: ListUpdateMode = .replace
    /// Tags `PUT /users/{id}` never removes from a person (a server that refuses to).
    public var stickyTags: [String] = []
    /// The workspace owner: their record answers 403 to any other person's token.
    public var workspaceOwnerID: Int?

    public init(
        tokens: [TokenGrant] = [TokenGrant(token: EmulatorConfiguration.demoToken, scopes: EmulatorConfiguration.allProfileScopes)],
        user: SeedUser = SeedUser(),
        status: SeedStatus? = nil,
        avatar: SeedAvatar? = nil,
        customProperties: [SeedCustomProperty] = [SeedCustomProperty()],
        avatarURLNaming: AvatarURLNaming = .keepFileName,
        rateLimitPerSecond: Int = 50,
        statusLinger: Double = 5,
        echoEmojiWithoutVariationSelectors: Bool = false,
        latencyMilliseconds: Int = 0,
        faults: [FaultRule] = []
    ) {
        self.tokens = tokens
        self.user = user
        self.status = status
        self.avatar = avatar
        self.customProperties = customProperties
        self.avatarURLNaming = avatarURLNaming
        self.rateLimitPerSecond = rateLimitPerSecond
        self.statusLinger = statusLinger
        self.echoEmojiWithoutVariationSelectors = echoEmojiWithoutVariationSelectors
        self.latencyMilliseconds = latencyMilliseconds
        self.faults = faults
    }

    enum CodingKeys: String, CodingKey {
        case tokens, user, status, avatar, customProperties, avatarURLNaming = "avatarUrlNaming"
        case rateLimitPerSecond, statusLinger, echoEmojiWithoutVariationSelectors, echoTitleTrimmed, latencyMilliseconds, faults, hostile, workspace
        case listUpdates, stickyTags, workspaceOwnerID = "workspaceOwnerId"
    }

    public init(from decoder: any Decoder) throws {
        let d = EmulatorConfiguration()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try c.decodeIfPresent([TokenGrant].self, forKey: .tokens) ?? d.tokens
        user = try c.decodeIfPresent(SeedUser.self, forKey: .user) ?? d.user
        status = try c.decodeIfPresent(SeedStatus.self, forKey: .status)
        avatar = try c.decodeIfPresent(SeedAvatar.self, forKey: .avatar)
        customProperties = try c.decodeIfPresent([SeedCustomProperty].self, forKey: .customProperties) ?? d.customProperties
        avatarURLNaming = try c.decodeIfPresent(AvatarURLNaming.self, forKey: .avatarURLNaming) ?? d.avatarURLNaming
        rateLimitPerSecond = try c.decodeIfPresent(Int.self, forKey: .rateLimitPerSecond) ?? d.rateLimitPerSecond
        statusLinger = try c.decodeIfPresent(Double.self, forKey: .statusLinger) ?? d.statusLinger
        echoEmojiWithoutVariationSelectors = try c.decodeIfPresent(Bool.self, forKey: .echoEmojiWithoutVariationSelectors) ?? false
        echoTitleTrimmed = try c.decodeIfPresent(Bool.self, forKey: .echoTitleTrimmed) ?? false
        latencyMilliseconds = try c.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
        faults = try c.decodeIfPresent([FaultRule].self, forKey: .faults) ?? []
        hostile = try c.decodeIfPresent(HostileBehaviour.self, forKey: .hostile) ?? HostileBehaviour()
        workspace = try c.decodeIfPresent(WorkspaceSeed.self, forKey: .workspace)
        listUpdates = try c.decodeIfPresent(ListUpdateMode.self, forKey: .listUpdates) ?? .replace
        stickyTags = try c.decodeIfPresent([String].self, forKey: .stickyTags) ?? []
        workspaceOwnerID = try c.decodeIfPresent(Int.self, forKey: .workspaceOwnerID)
    }

    /// Decodes a seed file: all keys optional, camelCase or snake_case.
    public static func decode(seedJSON data: Data) throws -> EmulatorConfiguration {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(EmulatorConfiguration.self, from: data)
    }
}

/// A bearer token the emulator accepts, with its OAuth scopes.
public struct TokenGrant: Sendable, Codable, Equatable {
    public var token: String
    public var scopes: [String]
    public var userID: Int
    /// `name` in token info; `null` there when nil (as for a bot token).
    public var name: String?
    public var id: Int
    public var createdAt: String

    public init(token: String, scopes: [String], userID: Int = SeedUser.defaultID, name: String? = "Demo token",
                id: Int = 4827, createdAt: String = "2025-01-15T10:30:00.000Z") {
        self.token = token
        self.scopes = scopes
        self.userID = userID
        self.name = name
        self.id = id
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case token, scopes, userID = "userId", name, id, createdAt }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        token = try c.decode(String.self, forKey: .token)
        scopes = try c.decodeIfPresent([String].self, forKey: .scopes) ?? EmulatorConfiguration.allProfileScopes
        userID = try c.decodeIfPresent(Int.self, forKey: .userID) ?? SeedUser.defaultID
        name = c.contains(.name) ? try c.decodeIfPresent(String.self, forKey: .name) : "Demo token"
        id = try c.decodeIfPresent(Int.self, forKey: .id) ?? 4827
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "2025-01-15T10:30:00.000Z"
    }
}

/// The profile owner (the `User` schema). Nullable fields stay nullable.
public struct SeedUser: Sendable, Codable, Equatable {
    public static let defaultID = 1001
    public var id: Int
    public var firstName: String?
    public var lastName: String?
    public var nickname: String
    public var email: String?
    public var phoneNumber: String?
    public var department: String?
    public var title: String?
    public var role: String
    public var suspended: Bool
    public var inviteStatus: String
    public var inviterID: Int?
    public var listTags: [String]
    public var bot: Bool
    public var sso: Bool
    public var createdAt: String
    /// nil → the time of the request (an active user).
    public var lastActivityAt: String?
    public var timeZone: String?

    public init(id: Int = SeedUser.defaultID, firstName: String? = "Demo", lastName: String? = "User",
                nickname: String = "demo", email: String? = "demo@example.com", phoneNumber: String? = nil,
                department: String? = nil, title: String? = nil, role: String = "user", suspended: Bool = false,
                inviteStatus: String = "confirmed", inviterID: Int? = nil, listTags: [String] = [],
                bot: Bool = false, sso: Bool = false, createdAt: String = "2024-01-01T09:00:00.000Z",
                lastActivityAt: String? = nil, timeZone: String? = "Europe/Moscow") {
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
        self.inviterID = inviterID
        self.listTags = listTags
        self.bot = bot
        self.sso = sso
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey {
        case id, firstName, lastName, nickname, email, phoneNumber, department, title, role, suspended
        case inviteStatus, inviterID = "inviterId", listTags, bot, sso, createdAt, lastActivityAt, timeZone
    }

    public init(from decoder: any Decoder) throws {
        let d = SeedUser()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // A key present with null means null; an absent key means the default.
        func opt(_ k: CodingKeys, _ def: String?) throws -> String? {
            c.contains(k) ? try c.decodeIfPresent(String.self, forKey: k) : def
        }
        id = try c.decodeIfPresent(Int.self, forKey: .id) ?? d.id
        firstName = try opt(.firstName, d.firstName)
        lastName = try opt(.lastName, d.lastName)
        nickname = try c.decodeIfPresent(String.self, forKey: .nickname) ?? d.nickname
        email = try opt(.email, d.email)
        phoneNumber = try opt(.phoneNumber, d.phoneNumber)
        department = try opt(.department, d.department)
        title = try opt(.title, d.title)
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? d.role
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? d.suspended
        inviteStatus = try c.decodeIfPresent(String.self, forKey: .inviteStatus) ?? d.inviteStatus
        inviterID = try c.decodeIfPresent(Int.self, forKey: .inviterID)
        listTags = try c.decodeIfPresent([String].self, forKey: .listTags) ?? d.listTags
        bot = try c.decodeIfPresent(Bool.self, forKey: .bot) ?? d.bot
        sso = try c.decodeIfPresent(Bool.self, forKey: .sso) ?? d.sso
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? d.createdAt
        lastActivityAt = try c.decodeIfPresent(String.self, forKey: .lastActivityAt)
        timeZone = try opt(.timeZone, d.timeZone)
    }
}

/// A status as stored: `expiresAt` is RFC 3339 text (any offset); echoed in UTC with milliseconds.
public struct SeedStatus: Sendable, Codable, Equatable {
    public var emoji: String
    public var title: String
    public var isAway: Bool
    public var awayMessage: String?
    public var expiresAt: String?

    public init(emoji: String, title: String, isAway: Bool = false, awayMessage: String? = nil, expiresAt: String? = nil) {
        self.emoji = emoji
        self.title = title
        self.isAway = isAway
        self.awayMessage = awayMessage
        self.expiresAt = expiresAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        emoji = try c.decode(String.self, forKey: .emoji)
        title = try c.decode(String.self, forKey: .title)
        isAway = try c.decodeIfPresent(Bool.self, forKey: .isAway) ?? false
        awayMessage = try c.decodeIfPresent(String.self, forKey: .awayMessage)
        expiresAt = try c.decodeIfPresent(String.self, forKey: .expiresAt)
    }
}

public struct SeedAvatar: Sendable, Codable, Equatable {
    /// Base64 in JSON.
    public var bytes: Data
    public var fileName: String
    public init(bytes: Data, fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
    }
}

/// A workspace custom property for users: its definition and this user's value.
public struct SeedCustomProperty: Sendable, Codable, Equatable {
    public var id: Int
    public var name: String
    public var dataType: String
    public var value: String?
    public init(id: Int = 1678, name: String = "City", dataType: String = "string", value: String? = "Saint Petersburg") {
        self.id = id
        self.name = name
        self.dataType = dataType
        self.value = value
    }
}

/// How `image_url` is named after an upload.
public enum AvatarURLNaming: String, Sendable, Codable, Equatable {
    /// `…/uploads/<n>/<uploaded file name>` — the server keeps the client's file name.
    case keepFileName = "keep"
    /// `…/uploads/<random hex>.<ext>` — the server renames what it stores.
    case random

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        switch raw.lowercased() {
        case "keep", "keepfilename", "keep_file_name": self = .keepFileName
        case "random": self = .random
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "avatar URL naming must be keep or random, got \(raw)"))
        }
    }
}

/// A fault the emulator answers with instead of (or before) the real response.
public enum Fault: Sendable, Equatable, Codable {
    /// Answer this HTTP status (500, 502, 503, …) without doing anything.
    case status(Int)
    /// Close the connection without sending a response.
    case drop
    /// Answer 429 with this `Retry-After` (seconds; 0 and negative are sent as they are).
    case rateLimited(retryAfter: Int)
    /// Answer 429 with this exact `Retry-After` text (`soon`, `1e400`, …).
    case rateLimitedText(retryAfter: String)
    /// Wait this long, then handle the request normally.
    case latency(ms: Int)
    /// Handle the request (a write lands), then close the connection without a response.
    case dropAfterHandling
    /// Handle the request (a write lands), then answer 200 with a body of the wrong shape.
    case wrongShapeAfterHandling

    // Hostile servers (each bounded by the client in time and size):
    /// 200 with a 1 MB `Content-Length`, then one byte every `ms` milliseconds.
    case trickle(ms: Int)
    /// Reads the request and never answers (until the client goes away).
    case hang
    /// 200 with `Content-Length: bytes`, streamed.
    case hugeBody(bytes: Int)
    /// 200 with chunked data that never ends.
    case endlessChunks
    /// 200 with `Content-Encoding: gzip`: about 2 MB on the wire, several hundred MB inflated.
    case gzipBomb

    enum CodingKeys: String, CodingKey { case type, status, retryAfter, ms, bytes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type.lowercased() {
        case "status": self = .status(try c.decode(Int.self, forKey: .status))
        case "drop": self = .drop
        case "rate_limited", "ratelimited", "429":
            if let text = try? c.decodeIfPresent(String.self, forKey: .retryAfter) {
                self = .rateLimitedText(retryAfter: text)
            } else {
                self = .rateLimited(retryAfter: try c.decodeIfPresent(Int.self, forKey: .retryAfter) ?? 1)
            }
        case "latency": self = .latency(ms: try c.decode(Int.self, forKey: .ms))
        case "trickle": self = .trickle(ms: try c.decodeIfPresent(Int.self, forKey: .ms) ?? 2000)
        case "hang": self = .hang
        case "huge_body": self = .hugeBody(bytes: try c.decodeIfPresent(Int.self, forKey: .bytes) ?? 2 << 30)
        case "endless_chunks": self = .endlessChunks
        case "gzip_bomb": self = .gzipBomb
        case "drop_after": self = .dropAfterHandling
        case "wrong_shape": self = .wrongShapeAfterHandling
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                debugDescription: "fault type must be status, drop, rate_limited, latency, trickle, hang, huge_body, endless_chunks, gzip_bomb, drop_after or wrong_shape")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .status(let s): try c.encode("status", forKey: .type); try c.encode(s, forKey: .status)
        case .drop: try c.encode("drop", forKey: .type)
        case .rateLimited(let r): try c.encode("rate_limited", forKey: .type); try c.encode(r, forKey: .retryAfter)
        case .rateLimitedText(let r): try c.encode("rate_limited", forKey: .type); try c.encode(r, forKey: .retryAfter)
        case .latency(let ms): try c.encode("latency", forKey: .type); try c.encode(ms, forKey: .ms)
        case .trickle(let ms): try c.encode("trickle", forKey: .type); try c.encode(ms, forKey: .ms)
        case .hang: try c.encode("hang", forKey: .type)
        case .hugeBody(let bytes): try c.encode("huge_body", forKey: .type); try c.encode(bytes, forKey: .bytes)
        case .endlessChunks: try c.encode("endless_chunks", forKey: .type)
        case .gzipBomb: try c.encode("gzip_bomb", forKey: .type)
        case .dropAfterHandling: try c.encode("drop_after", forKey: .type)
        case .wrongShapeAfterHandling: try c.encode("wrong_shape", forKey: .type)
        }
    }

    var label: String {
        switch self {
        case .status(let s): "status \(s)"
        case .drop: "drop"
        case .rateLimited(let r): "rate_limited \(r)"
        case .rateLimitedText(let r): "rate_limited \(r)"
        case .latency(let ms): "latency \(ms)ms"
        case .trickle(let ms): "trickle \(ms)ms"
        case .hang: "hang"
        case .hugeBody(let bytes): "huge_body \(bytes)"
        case .endlessChunks: "endless_chunks"
        case .gzipBomb: "gzip_bomb"
        case .dropAfterHandling: "drop_after"
        case .wrongShapeAfterHandling: "wrong_shape"
        }
    }
}

/// The next `count` requests matching `method` (nil: any) and `path` get `fault`.
/// `path` is relative to the API base (`/profile/status`); a full `/api/shared/v1/...` path
/// and `*` (every API path) also work.
public struct FaultRule: Sendable, Codable, Equatable {
    public var fault: Fault
    public var method: String?
    public var path: String
    public var count: Int

    public init(fault: Fault, method: String? = nil, path: String, count: Int = 1) {
        self.fault = fault
        self.method = method
        self.path = path
        self.count = count
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fault = try c.decode(Fault.self, forKey: .fault)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? "*"
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
    }

    func matches(method m: String, apiPath: String) -> Bool {
        if let method, method != "*", method.uppercased() != m.uppercased() { return false }
        if path == "*" { return true }
        var p = path
        if p.hasPrefix(Emulator.apiPrefix) { p.removeFirst(Emulator.apiPrefix.count) }
        if p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return p == apiPath
    }
}
