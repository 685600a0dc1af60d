import Foundation

/// What the server layer turns into an HTTP response.
struct Reply: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: Data = Data()
    var drop = false
    /// A body produced while it is sent (hostile faults); `body` is ignored when set.
    var stream: StreamedBody?
    /// For the journal: the file name of an accepted or refused `image` part.
    var uploadedFileName: String?

    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> Reply {
        Reply(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: value.data())
    }

    static func noContent() -> Reply { Reply(status: 204) }
}

struct StoredStatus: Sendable, Equatable {
    var emoji: String
    var title: String
    var isAway: Bool
    var awayMessage: String?
    var expiresAt: Date?
}

struct StoredAvatar: Sendable {
    var bytes: [UInt8]
    var fileName: String
    var kind: ImageKind?
    var urlPath: String
}

/// One validation problem, rendered as an `ApiErrorItem`.
struct ErrorItem: Sendable {
    var key: String
    var value: String?
    var message: String
    var code: String

    var json: JSON {
        .object([("key", .string(key)), ("value", .optional(value)), ("message", .string(message)),
                 ("code", .string(code)), ("payload", .null)])
    }

    static func apiError(_ status: Int, _ items: [ErrorItem], headers: [(String, String)] = []) -> Reply {
        .json(status, .object([("errors", .array(items.map(\.json)))]), headers: headers)
    }
}

/// All mutable emulator state, behind one actor.
actor EmulatorCore {
    /// Mutable only by the person record's writes (People.swift).
    var config: EmulatorConfiguration
    let clock: EmulatorClock
    private var grants: [String: TokenGrant] = [:]
    private var lastUsed: [String: Date] = [:]
    private var status: StoredStatus?
    private var avatar: StoredAvatar?
    private var uploadCounter = 0
    private var faults: [FaultRule]
    private var entries: [JournalEntry] = []
    private var hits: [String: [TimeInterval]] = [:]
    private(set) var origin = "http://127.0.0.1"
    /// The other people of the workspace (Workspace.swift).
    var workspace = Workspace()
    private let journalSink: (@Sendable (JournalEntry) -> Void)?

    init(config: EmulatorConfiguration, clock: EmulatorClock, journalSink: (@Sendable (JournalEntry) -> Void)?) {
        self.config = config
        self.clock = clock
        self.faults = config.faults.filter { $0.count > 0 }
        self.journalSink = journalSink
        for g in config.tokens { grants[g.token] = g }
        if let s = config.status { status = Self.stored(from: s) }
        if let a = config.avatar {
            uploadCounter = 1
            avatar = Self.buildAvatar(bytes: Array(a.bytes), fileName: a.fileName, naming: config.avatarURLNaming, serial: 1)
        }
        var serial = uploadCounter
        let naming = config.avatarURLNaming
        workspace = Workspace(seed: config.workspace, ownerID: config.user.id, definitions: config.customProperties) { a in
            serial += 1
            return Self.buildAvatar(bytes: Array(a.bytes), fileName: a.fileName, naming: naming, serial: serial)
        }
        uploadCounter = serial
    }

    func setOrigin(_ o: String) { origin = o }
    var latencyMilliseconds: Int { config.latencyMilliseconds }

    // MARK: journal

    func record(_ e: JournalEntry) {
        entries.append(e)
        journalSink?(e)
    }
    func journal() -> [JournalEntry] { entries }
    func resetJournal() { entries.removeAll() }

    // MARK: faults

    func addFault(_ rule: FaultRule) { if rule.count > 0 { faults.append(rule) } }
    func clearFaults() { faults.removeAll() }

    /// Consumes one use of the first armed fault that matches.
    func takeFault(method: String, apiPath: String) -> Fault? {
        guard let i = faults.firstIndex(where: { $0.matches(method: method, apiPath: apiPath) }) else { return nil }
        let f = faults[i].fault
        faults[i].count -= 1
        if faults[i].count <= 0 { faults.remove(at: i) }
        return f
    }

    // MARK: tokens, rate limit

    func setTokenScopes(token: String, scopes: [String]) {
        if var g = grants[token] {
            g.scopes = scopes
            grants[token] = g
        } else {
            grants[token] = TokenGrant(token: token, scopes: scopes, userID: config.user.id)
        }
    }

    func removeToken(_ token: String) { grants[token] = nil }

    /// Sliding one-second window per token; returns `Retry-After` seconds when over the limit.
    /// Rejected requests do not count, so a client that waits as told gets through.
    func rateLimit(token: String) -> Int? {
        let limit = config.rateLimitPerSecond
        guard limit > 0 else { return nil }
        let now = clock.monotonic()
        var window = hits[token, default: []].filter { $0 > now - 1 }
        if window.count >= limit {
            let freesAt = window[window.count - limit] + 1
            hits[token] = window
            return max(1, Int((freesAt - now).rounded(.up)))
        }
        window.append(now)
        hits[token] = window
        return nil
    }

    func noteUse(token: String, at now: Date) {
        // The real API refreshes last_used_at at most once per hour.
        if let last = lastUsed[token], now.timeIntervalSince(last) < 3600 { return }
        lastUsed[token] = now
    }

    // MARK: status

    static func stored(from s: SeedStatus) -> StoredStatus {
        StoredStatus(emoji: s.emoji, title: s.title, isAway: s.isAway,
                     awayMessage: (s.awayMessage?.isEmpty ?? true) ? nil : s.awayMessage,
                     expiresAt: s.expiresAt.flatMap(WireTime.parse).map(Self.truncatedToMilliseconds))

    }

    static func truncatedToMilliseconds(_ d: Date) -> Date {
        Date(timeIntervalSince1970: (d.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// The status GET would return now: an expired one lingers for `statusLinger` seconds, then is cleared.
    func visibleStatus() -> StoredStatus? {
        guard let s = status else { return nil }
        if let e = s.expiresAt, clock.now() >= e.addingTimeInterval(config.statusLinger) {
            status = nil
            return nil
        }
        return s
    }

    func setStatus(_ s: StoredStatus?) { status = s }

    func currentStatus() -> SeedStatus? {
        visibleStatus().map {
            SeedStatus(emoji: $0.emoji, title: $0.title, isAway: $0.isAway, awayMessage: $0.awayMessage,
                       expiresAt: $0.expiresAt.map(WireTime.format))
        }
    }

    func statusJSON(_ s: StoredStatus) -> JSON {
        var emoji = s.emoji
        if config.echoEmojiWithoutVariationSelectors {
            emoji = String(String.UnicodeScalarView(emoji.unicodeScalars.filter { $0.value != 0xFE0F && $0.value != 0xFE0E }))
        }
        let title = config.echoTitleTrimmed ? s.title.trimmingCharacters(in: .whitespaces) : s.title
        return .object([
            ("emoji", .string(emoji)),
            ("title", .string(title)),
            ("expires_at", s.expiresAt.map { .string(WireTime.format($0)) } ?? .null),
            ("is_away", .bool(s.isAway)),
            ("away_message", s.awayMessage.map { .object([("text", .string($0))]) } ?? .null),
        ])
    }

    // MARK: avatar

    func makeAvatar(bytes: [UInt8], fileName: String) -> StoredAvatar {
        uploadCounter += 1
        return Self.buildAvatar(bytes: bytes, fileName: fileName, naming: config.avatarURLNaming, serial: uploadCounter)
    }

    static func buildAvatar(bytes: [UInt8], fileName: String, naming: AvatarURLNaming, serial: Int) -> StoredAvatar {
        let kind = ImageKind(sniffing: bytes)
        let path: String
        switch naming {
        case .keepFileName:
            path = "/uploads/\(serial)/\(Self.sanitize(fileName, kind: kind))"
        case .random:
            let hex = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            path = "/uploads/\(hex).\(kind?.fileExtension ?? "bin")"
        }
        return StoredAvatar(bytes: bytes, fileName: fileName, kind: kind, urlPath: path)
    }

    /// Storage keeps names URL-safe: anything outside `A-Za-z0-9._-` becomes `_`.
    static func sanitize(_ name: String, kind: ImageKind?) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(base.unicodeScalars.map { s -> Character in
            let ok = (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "." || s == "-" || s == "_"
            return ok ? Character(s) : "_"
        })
        if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { return "image.\(kind?.fileExtension ?? "bin")" }
        return safe
    }

    func setAvatar(bytes: [UInt8]?, fileName: String) {
        avatar = bytes.map { makeAvatar(bytes: $0, fileName: fileName) }
    }

    func avatarBytes() -> [UInt8]? { avatar?.bytes }
    func avatarURL() -> String? { avatar.map { origin + $0.urlPath } }

    func asset(path: String) -> StoredAvatar? {
        guard let a = avatar, a.urlPath == path else { return workspace.asset(path: path) }
        return a
    }

    // MARK: API

    struct Request: Sendable {
        var method: String
        var apiPath: String
        var query: [String: String]
        var authorization: String?
        var contentType: String?
        var body: [UInt8]
    }

    /// Required scope per operation, from each path's `x-requirements.scope`; "" = any valid token.
    static func route(method: String, apiPath: String) -> String? {
        switch (method, apiPath) {
        case ("GET", "/profile"): "profile:read"
        case ("GET", "/profile/status"): "profile_status:read"
        case ("PUT", "/profile/status"), ("DELETE", "/profile/status"): "profile_status:write"
        case ("PUT", "/profile/avatar"), ("DELETE", "/profile/avatar"): "profile_avatar:write"
        case ("GET", "/oauth/token/info"): ""
        case ("GET", "/custom_properties"): "custom_properties:read"
        default: workspaceRoute(method: method, apiPath: apiPath)
        }
    }

    static func oauthError(_ status: Int, _ error: String, _ description: String) -> Reply {
        .json(status, .object([("error", .string(error)), ("error_description", .string(description))]),
              headers: [("WWW-Authenticate", "Bearer error=\"\(error)\", error_description=\"\(description)\"")])
    }

    static func bearer(_ header: String?) -> String? {
        guard let h = header?.trimmingCharacters(in: .whitespaces) else { return nil }
        let parts = h.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let t = parts[1].trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    func handle(_ r: Request) -> Reply {
        // Routing comes first, as in a real web app: an unknown path is 404 whatever the token.
        guard let scope = Self.route(method: r.method, apiPath: r.apiPath) else {
            return ErrorItem.apiError(404, [ErrorItem(key: "path", value: "\(r.method) \(r.apiPath)",
                                                      message: "Not found", code: "not_found")])
        }
        guard r.authorization != nil else {
            return Self.oauthError(401, "invalid_token", "Access token is missing")
        }
        guard let token = Self.bearer(r.authorization), let grant = grants[token] else {
            return Self.oauthError(401, "invalid_token", "Access token is invalid")
        }
        if let retry = rateLimit(token: token) {
            return ErrorItem.apiError(429, [ErrorItem(key: "rate_limit", value: nil,
                message: "Rate limit exceeded: at most \(config.rateLimitPerSecond) requests per second, retry after \(retry) s",
                code: "rate_limit")], headers: [("Retry-After", String(retry))])
        }
        noteUse(token: token, at: clock.now())
        if !scope.isEmpty, !grant.scopes.contains(scope) {
            return Self.oauthError(403, "insufficient_scope", "This request requires scope \(scope)")
        }
        if let ownerID = config.workspaceOwnerID, r.method == "PUT", r.apiPath == "/users/\(ownerID)", grant.userID != ownerID {
            return Self.oauthError(403, "owner_protected", "The workspace owner's data can only be changed by the owner")
        }
        if let reply = handleWorkspace(r) { return reply }
        switch (r.method, r.apiPath) {
        case ("GET", "/profile"): return .json(200, .object([("data", userJSON())]))
        case ("GET", "/profile/status"):
            // No status: a bare `null`, no wrapper (the spec says so).
            guard let s = visibleStatus() else { return .json(200, .null) }
            return .json(200, .object([("data", statusJSON(s))]))
        case ("PUT", "/profile/status"): return putStatus(r.body)
        case ("DELETE", "/profile/status"):
            status = nil
            return .noContent()
        case ("PUT", "/profile/avatar"): return putAvatar(r)
        case ("DELETE", "/profile/avatar"):
            avatar = nil
            return .noContent()
        case ("GET", "/oauth/token/info"): return .json(200, .object([("data", tokenInfoJSON(grant))]))
        default: return customProperties(r.query)
        }
    }

    func userJSON() -> JSON {
        userJSON(
            config.user,
            customProperties: propertiesJSON { id in self.config.customProperties.first { $0.id == id }?.value },
            status: visibleStatus(),
            lastActivityAt: config.user.lastActivityAt ?? WireTime.format(clock.now()),
            imageURL: avatarURL())
    }

    /// The spec's `User` object, shared by `GET /profile` (the token owner) and the workspace
    /// endpoints (`GET /users…`), so both answer the same shape.
    func userJSON(_ u: SeedUser, customProperties: JSON, status: StoredStatus?,
                  lastActivityAt: String?, imageURL: String?) -> JSON {
        .object([
            ("id", .int(u.id)),
            ("first_name", .optional(u.firstName)),
            ("last_name", .optional(u.lastName)),
            ("nickname", .string(u.nickname)),
            ("email", .optional(u.email)),
            ("phone_number", .optional(u.phoneNumber)),
            ("department", .optional(u.department)),
            ("title", .optional(u.title)),
            ("role", .string(u.role)),
            ("suspended", .bool(u.suspended)),
            ("invite_status", .string(u.inviteStatus)),
            ("inviter_id", u.inviterID.map(JSON.int) ?? .null),
            ("list_tags", .array(u.listTags.map(JSON.string))),
            ("custom_properties", customProperties),
            ("user_status", status.map(statusJSON) ?? .null),
            ("bot", .bool(u.bot)),
            ("sso", .bool(u.sso)),
            ("created_at", .string(u.createdAt)),
            ("last_activity_at", lastActivityAt.map(JSON.string) ?? .null),
            ("time_zone", .optional(u.timeZone)),
            ("image_url", .optional(imageURL)),
        ])
    }

    static func mask(_ token: String) -> String {
        let c = Array(token)
        guard c.count > 12 else { return String(repeating: "*", count: c.count) }
        return String(c[..<8]) + "..." + String(c[(c.count - 4)...])
    }

    func tokenInfoJSON(_ g: TokenGrant) -> JSON {
        .object([
            ("id", .int(g.id)),
            ("token", .string(Self.mask(g.token))),
            ("name", .optional(g.name)),
            ("user_id", .int(g.userID)),
            ("scopes", .array(g.scopes.map(JSON.string))),
            ("created_at", .string(g.createdAt)),
            ("revoked_at", .null),
            ("expires_in", .null),
            ("last_used_at", lastUsed[g.token].map { .string(WireTime.format($0)) } ?? .null),
        ])
    }

    func customProperties(_ query: [String: String]) -> Reply {
        guard let type = query["entity_type"], !type.isEmpty else {
            return ErrorItem.apiError(400, [ErrorItem(key: "entity_type", value: nil,
                                                      message: "is required", code: "required")])
        }
        switch type {
        case "User":
            return .json(200, .object([("data", .array(config.customProperties.map {
                .object([("id", .int($0.id)), ("name", .string($0.name)), ("data_type", .string($0.dataType))])
            }))]))
        case "Task":
            return .json(200, .object([("data", .array([]))]))
        default:
            return ErrorItem.apiError(400, [ErrorItem(key: "entity_type", value: type,
                                                      message: "is not included in the list (User, Task)", code: "inclusion")])
        }
    }

    // MARK: PUT /profile/status

    func putStatus(_ body: [UInt8]) -> Reply {
        switch Self.validateStatus(body: body) {
        case .failure(let failure):
            return ErrorItem.apiError(failure.status, failure.items)
        case .success(let s):
            status = s
            return .json(200, .object([("data", statusJSON(s))]))
        }
    }

    struct ValidationFailure: Error {
        var status: Int
        var items: [ErrorItem]
    }

    static func validateStatus(body: [UInt8]) -> Result<StoredStatus, ValidationFailure> {
        // 400: the body cannot be understood at all (not JSON, not an object, no `status` object).
        guard let root = JSON.parse(Data(body)) else {
            return .failure(.init(status: 400, items: [ErrorItem(key: "body", value: nil,
                message: "Request body is not valid JSON", code: "invalid")]))
        }
        guard case .object = root else {
            return .failure(.init(status: 400, items: [ErrorItem(key: "body", value: nil,
                message: "Request body must be a JSON object", code: "invalid")]))
        }
        guard let st = root["status"], case .object = st else {
            return .failure(.init(status: 400, items: [ErrorItem(key: "status", value: root["status"].map(display),
                message: "is required and must be an object", code: "required")]))
        }
        // 422: the status object fails validation; every problem is reported.
        var items: [ErrorItem] = []
        func present(_ key: String) -> JSON? {
            guard let v = st[key], !v.isNull else { return nil }
            return v
        }
        var emoji = ""
        switch present("emoji") {
        case nil: items.append(ErrorItem(key: "status.emoji", value: nil, message: "can't be blank", code: "blank"))
        case .string(let s)?:
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                items.append(ErrorItem(key: "status.emoji", value: s, message: "can't be blank", code: "blank"))
            } else if !isSingleEmoji(s) {
                items.append(ErrorItem(key: "status.emoji", value: s,
                    message: "must be a single emoji character", code: "wrong_emoji"))
            } else { emoji = s }
        case let v?: items.append(ErrorItem(key: "status.emoji", value: display(v), message: "must be a string", code: "invalid"))
        }
        var title = ""
        switch present("title") {
        case nil: items.append(ErrorItem(key: "status.title", value: nil, message: "can't be blank", code: "blank"))
        case .string(let s)?:
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                items.append(ErrorItem(key: "status.title", value: s, message: "can't be blank", code: "blank"))
            } else if s.unicodeScalars.count > 50 {
                items.append(ErrorItem(key: "status.title", value: s,
                    message: "is too long (maximum is 50 characters)", code: "too_long"))
            } else { title = s }
        case let v?: items.append(ErrorItem(key: "status.title", value: display(v), message: "must be a string", code: "invalid"))
        }
        var isAway = false
        switch present("is_away") {
        case nil: break
        case .bool(let b)?: isAway = b
        case let v?: items.append(ErrorItem(key: "status.is_away", value: display(v), message: "must be true or false", code: "invalid"))
        }
        var awayMessage: String?
        switch present("away_message") {
        case nil: break
        case .string(let s)?:
            if s.unicodeScalars.count > 1024 {
                items.append(ErrorItem(key: "status.away_message", value: s,
                    message: "is too long (maximum is 1024 characters)", code: "too_long"))
            } else { awayMessage = s.isEmpty ? nil : s }
        case let v?: items.append(ErrorItem(key: "status.away_message", value: display(v), message: "must be a string", code: "invalid"))
        }
        var expiresAt: Date?
        switch present("expires_at") {
        case nil: break
        case .string(let s)?:
            if let d = WireTime.parse(s) { expiresAt = truncatedToMilliseconds(d) } else {
                items.append(ErrorItem(key: "status.expires_at", value: s,
                    message: "is not a valid date-time (expected YYYY-MM-DDThh:mm:ss.sssZ)", code: "invalid"))
            }
        case let v?: items.append(ErrorItem(key: "status.expires_at", value: display(v), message: "must be a string", code: "invalid"))
        }
        if !items.isEmpty { return .failure(.init(status: 422, items: items)) }
        return .success(StoredStatus(emoji: emoji, title: title, isAway: isAway, awayMessage: awayMessage, expiresAt: expiresAt))
    }

    /// `ApiErrorItem.value` is a string: strings as they are, anything else as its JSON text.
    static func display(_ v: JSON) -> String { v.stringValue ?? v.serialized() }

    /// One grapheme that is an emoji (with or without presentation selectors, ZWJ sequences,
    /// skin tones, flags, keycaps, tag sequences). Plain text such as "ok" or "1" is refused.
    static func isSingleEmoji(_ s: String) -> Bool {
        guard s.count == 1, let first = s.unicodeScalars.first else { return false }
        let scalars = s.unicodeScalars
        if first.isASCII { return scalars.contains("\u{20E3}") }  // keycaps: 1️⃣ #️⃣
        guard first.properties.isEmoji else { return false }
        return scalars.allSatisfy { sc in
            sc.properties.isEmoji || sc.properties.isEmojiModifier || sc.value == 0x200D || sc.value == 0xFE0F
                || sc.value == 0xFE0E || sc.value == 0x20E3 || (0xE0020...0xE007F).contains(sc.value)
        }
    }

    // MARK: PUT /profile/avatar

    /// `memberID`: another person's avatar (`PUT /users/{id}/avatar`); nil: the owner's.
    func putAvatar(_ r: Request, memberID: Int? = nil) -> Reply {
        let boundary: String
        do { boundary = try Multipart.boundary(contentType: r.contentType) } catch {
            return ErrorItem.apiError(422, [ErrorItem(key: "image", value: nil,
                message: "is required: send multipart/form-data with the file in the part named image", code: "required")])
        }
        let parts: [MultipartPart]
        do { parts = try Multipart.parse(body: r.body, boundary: boundary) } catch {
            // The spec lists no 400 for this path, so a broken body is a 422 on `image`.
            return ErrorItem.apiError(422, [ErrorItem(key: "image", value: nil,
                message: "Malformed multipart/form-data body: \(error)", code: "invalid")])
        }
        guard let part = parts.first(where: { $0.name == "image" }) else {
            return ErrorItem.apiError(422, [ErrorItem(key: "image", value: nil, message: "is required", code: "required")])
        }
        var reply: Reply
        if part.body.isEmpty {
            reply = ErrorItem.apiError(422, [ErrorItem(key: "image", value: part.fileName, message: "can't be blank", code: "blank")])
        } else if ImageKind(sniffing: part.body) == nil {
            reply = ErrorItem.apiError(422, [ErrorItem(key: "image", value: part.fileName,
                message: "is not a PNG, JPEG, GIF or WebP image", code: "invalid")])
        } else {
            let a = makeAvatar(bytes: part.body, fileName: part.fileName ?? "")
            if let memberID { workspace.setAvatar(a, for: memberID) } else { avatar = a }
            reply = .json(200, .object([("data", .object([("image_url", .string(origin + a.urlPath))]))]))
        }
        reply.uploadedFileName = part.fileName
        return reply
    }
}
