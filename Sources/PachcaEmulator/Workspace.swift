import Foundation

// The emulator serves a workspace of people besides the token owner's own profile:
// `GET /users` (cursor pages of at most 50, `query`), `GET /users/{id}`,
// `GET/PUT/DELETE /users/{id}/status` and `PUT/DELETE /users/{id}/avatar` with the
// administrator scopes of the spec. The token owner is a member too: their `/users/{id}…`
// calls read and write the same status and avatar as `/profile…`.

/// The administrator scopes of the `/users` endpoints (each path's `x-requirements.scope`).
public enum WorkspaceScopes {
    public static let read = "users:read"
    public static let statusRead = "user_status:read"
    public static let statusWrite = "user_status:write"
    public static let avatarWrite = "user_avatar:write"
    public static let update = "users:update"
    public static let all = [read, statusRead, statusWrite, avatarWrite, update]
}

/// A workspace to start with: people listed one by one and/or `generate` people made up
/// deterministically from `generatorKey` (the seed file's `workspace` key; `--people N`).
public struct WorkspaceSeed: Sendable, Codable, Equatable {
    public var people: [SeedPerson]
    /// How many made-up people to add after `people`.
    public var generate: Int
    /// Varies the made-up names, time zones, statuses and suspensions; same key, same workspace.
    public var generatorKey: UInt64

    public init(people: [SeedPerson] = [], generate: Int = 0, generatorKey: UInt64 = 1) {
        self.people = people
        self.generate = generate
        self.generatorKey = generatorKey
    }

    enum CodingKeys: String, CodingKey { case people, generate, generatorKey }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        people = try c.decodeIfPresent([SeedPerson].self, forKey: .people) ?? []
        generate = try c.decodeIfPresent(Int.self, forKey: .generate) ?? 0
        generatorKey = try c.decodeIfPresent(UInt64.self, forKey: .generatorKey) ?? 1
        guard generate >= 0, generate <= 1_000_000 else {
            throw DecodingError.dataCorruptedError(forKey: .generate, in: c,
                debugDescription: "workspace.generate must be between 0 and 1000000")
        }
    }
}

/// One member of the workspace: a `User` (every key of `SeedUser`) plus their live status and avatar.
public struct SeedPerson: Sendable, Codable, Equatable {
    public var user: SeedUser
    public var status: SeedStatus?
    public var avatar: SeedAvatar?
    /// Custom property values by the property's name (the definitions are the configuration's).
    public var properties: [String: String]

    public init(user: SeedUser, status: SeedStatus? = nil, avatar: SeedAvatar? = nil, properties: [String: String] = [:]) {
        self.user = user
        self.status = status
        self.avatar = avatar
        self.properties = properties
    }

    enum CodingKeys: String, CodingKey { case status, avatar, properties }

    /// The person's `User` keys sit at the top level beside `status` and `avatar`.
    public init(from decoder: any Decoder) throws {
        user = try SeedUser(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(SeedStatus.self, forKey: .status)
        avatar = try c.decodeIfPresent(SeedAvatar.self, forKey: .avatar)
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        try user.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(avatar, forKey: .avatar)
        if !properties.isEmpty { try c.encode(properties, forKey: .properties) }
    }
}

/// The live members other than the token owner, ordered by id (the order `GET /users` pages in).
struct Workspace: Sendable {
    struct Member: Sendable {
        var user: SeedUser
        var status: StoredStatus?
        var avatar: StoredAvatar?
        /// Custom property values by property id.
        var properties: [Int: String] = [:]
    }

    private(set) var members: [Member] = []
    private var indexByID: [Int: Int] = [:]
    private var avatarOwnerByPath: [String: Int] = [:]

    init() {}

    /// Builds the members; `owner` is left out (the core keeps the owner's state) but listed by `GET /users`.
    init(seed: WorkspaceSeed?, ownerID: Int, definitions: [SeedCustomProperty] = [], makeAvatar: (SeedAvatar) -> StoredAvatar) {
        guard let seed else { return }
        var people = seed.people.filter { $0.user.id != ownerID }
        if seed.generate > 0 {
            let firstID = max(people.map(\.user.id).max() ?? 0, ownerID) + 1
            people += Self.generated(count: seed.generate, firstID: firstID, key: seed.generatorKey)
        }
        members.reserveCapacity(people.count)
        for p in people where indexByID[p.user.id] == nil {
            var m = Member(user: p.user, status: p.status.map(EmulatorCore.stored(from:)), avatar: nil)
            for (name, value) in p.properties {
                if let d = definitions.first(where: { $0.name == name }) { m.properties[d.id] = value }
            }
            if let a = p.avatar {
                let stored = makeAvatar(a)
                m.avatar = stored
                avatarOwnerByPath[stored.urlPath] = p.user.id
            }
            indexByID[p.user.id] = members.count
            members.append(m)
        }
        members.sort { $0.user.id < $1.user.id }
        for (i, m) in members.enumerated() { indexByID[m.user.id] = i }
    }

    var isEmpty: Bool { members.isEmpty }

    func member(_ id: Int) -> Member? { indexByID[id].map { members[$0] } }

    mutating func setStatus(_ s: StoredStatus?, for id: Int) {
        guard let i = indexByID[id] else { return }
        members[i].status = s
    }

    mutating func updateUser(_ id: Int, _ change: (inout SeedUser) -> Void) {
        guard let i = indexByID[id] else { return }
        change(&members[i].user)
    }

    /// The person leaves the workspace: every `/users/{id}…` answers 404 from now on.
    mutating func remove(_ id: Int) {
        guard let i = indexByID[id] else { return }
        if let old = members[i].avatar { avatarOwnerByPath[old.urlPath] = nil }
        members.remove(at: i)
        indexByID[id] = nil
        for (k, m) in members.enumerated().dropFirst(i) { indexByID[m.user.id] = k }
    }

    mutating func setProperties(_ values: [Int: String], for id: Int) {
        guard let i = indexByID[id] else { return }
        members[i].properties = values
    }

    mutating func setAvatar(_ a: StoredAvatar?, for id: Int) {
        guard let i = indexByID[id] else { return }
        if let old = members[i].avatar { avatarOwnerByPath[old.urlPath] = nil }
        members[i].avatar = a
        if let a { avatarOwnerByPath[a.urlPath] = id }
    }

    func asset(path: String) -> StoredAvatar? {
        avatarOwnerByPath[path].flatMap { member($0)?.avatar }
    }

    // MARK: generated people

    static let firstNames = ["Anna", "Boris", "Vera", "Gleb", "Daria", "Egor", "Zoya", "Ivan", "Kira", "Lev",
                             "Maria", "Nikita", "Olga", "Pavel", "Rita", "Semyon", "Tamara", "Fyodor", "Yulia", "Yan"]
    static let lastNames = ["Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Lebedeva", "Kozlov",
                            "Novikova", "Morozov", "Volkova", "Orlov", "Belova", "Zaitsev", "Pavlova", "Fedorov"]
    static let timeZones: [String?] = ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Europe/Kaliningrad",
                                       "Asia/Vladivostok", "Europe/Berlin", "Asia/Dubai", nil]

    /// `count` made-up people with ids from `firstID`: unique nicknames and emails, one in 97
    /// suspended, one in 50 a bot, one in 7 with a status, time zones spread (some null).
    static func generated(count: Int, firstID: Int, key: UInt64) -> [SeedPerson] {
        var out: [SeedPerson] = []
        out.reserveCapacity(count)
        var x = key &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> Int {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return Int(truncatingIfNeeded: x >> 1)
        }
        for n in 0..<count {
            let id = firstID + n
            let first = firstNames[next() % firstNames.count], last = lastNames[next() % lastNames.count]
            let nickname = "\(first.lowercased()).\(last.lowercased()).\(id)"
            let bot = n % 50 == 49
            var user = SeedUser(id: id, firstName: first, lastName: bot ? nil : last, nickname: nickname,
                                email: bot ? nil : "\(nickname)@example.com", department: n % 3 == 0 ? "Engineering" : "Sales",
                                suspended: n % 97 == 96, bot: bot, timeZone: timeZones[next() % timeZones.count])
            user.lastActivityAt = "2026-01-15T09:00:00.000Z"
            let status = next() % 7 == 0 ? SeedStatus(emoji: "💻", title: "Работаю") : nil
            out.append(SeedPerson(user: user, status: status))
        }
        return out
    }
}

extension Emulator {
    /// Changes a workspace member's `User` fields (an email moving to someone else, a suspension).
    public func updatePerson(id: Int, _ change: @Sendable (inout SeedUser) -> Void) async {
        await core.updatePerson(id: id, change)
    }

    /// A member's status as `GET /users/{id}/status` shows it (nil: none, or nobody).
    public func personStatus(id: Int) async -> SeedStatus? {
        await core.personStatus(id: id)
    }

    /// Deletes a member (a person deleted between plan and apply).
    public func removePerson(id: Int) async {
        await core.removePerson(id: id)
    }
}

extension EmulatorCore {
    func updatePerson(id: Int, _ change: @Sendable (inout SeedUser) -> Void) { workspace.updateUser(id, change) }
    func removePerson(id: Int) { workspace.remove(id) }

    func personStatus(id: Int) -> SeedStatus? {
        memberStatus(id).map {
            SeedStatus(emoji: $0.emoji, title: $0.title, isAway: $0.isAway, awayMessage: $0.awayMessage,
                       expiresAt: $0.expiresAt.map(WireTime.format))
        }
    }

    /// Required scope for the `/users` endpoints; nil for any other path.
    static func workspaceRoute(method: String, apiPath: String) -> String? {
        let parts = apiPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].isEmpty, parts[1] == "users" else { return nil }
        switch (method, parts.count) {
        case ("GET", 2): return WorkspaceScopes.read
        case (_, 3) where method == "GET" && Int(parts[2]) != nil: return WorkspaceScopes.read
        case (_, 3) where method == "PUT" && Int(parts[2]) != nil: return WorkspaceScopes.update
        case (_, 4) where Int(parts[2]) != nil:
            switch (method, parts[3]) {
            case ("GET", "status"): return WorkspaceScopes.statusRead
            case ("PUT", "status"), ("DELETE", "status"): return WorkspaceScopes.statusWrite
            case ("PUT", "avatar"), ("DELETE", "avatar"): return WorkspaceScopes.avatarWrite
            default: return nil
            }
        default: return nil
        }
    }

    static func notFound(_ key: String, _ value: String) -> Reply {
        ErrorItem.apiError(404, [ErrorItem(key: key, value: value, message: "Not found", code: "not_found")])
    }

    /// Serves an authorized `/users…` request; nil when the path is not one of them.
    func handleWorkspace(_ r: Request) -> Reply? {
        let parts = r.apiPath.split(separator: "/").map(String.init)
        guard parts.first == "users" else { return nil }
        if parts.count == 1 { return listUsers(r.query) }
        guard let id = Int(parts[1]) else { return Self.notFound("id", parts[1]) }
        let isOwner = id == config.user.id
        guard isOwner || workspace.member(id) != nil else { return Self.notFound("id", String(id)) }
        if parts.count == 2, r.method == "PUT" { return updatePerson(id, body: r.body) }
        if parts.count == 2 { return .json(200, .object([("data", isOwner ? userJSON() : memberJSON(workspace.member(id)!))])) }
        if !isOwner, workspace.member(id)!.user.suspended, r.method != "GET" {
            return ErrorItem.apiError(422, [ErrorItem(key: "user_id", value: String(id),
                message: "User is suspended", code: "forbidden")])
        }
        switch (r.method, parts[2]) {
        case ("GET", "status"):
            guard let s = isOwner ? visibleStatus() : memberStatus(id) else { return .json(200, .null) }
            return .json(200, .object([("data", statusJSON(s))]))
        case ("PUT", "status"):
            switch Self.validateStatus(body: r.body) {
            case .failure(let failure): return ErrorItem.apiError(failure.status, failure.items)
            case .success(let s):
                if isOwner { setStatus(s) } else { workspace.setStatus(s, for: id) }
                return .json(200, .object([("data", statusJSON(s))]))
            }
        case ("DELETE", "status"):
            if isOwner { setStatus(nil) } else { workspace.setStatus(nil, for: id) }
            return .noContent()
        case ("PUT", "avatar"):
            return putAvatar(r, memberID: isOwner ? nil : id)
        default:  // DELETE avatar
            if isOwner { setAvatar(bytes: nil, fileName: "") } else { workspace.setAvatar(nil, for: id) }
            return .noContent()
        }
    }

    /// A member's status as GET shows it: an expired one lingers like the owner's, then is cleared.
    func memberStatus(_ id: Int) -> StoredStatus? {
        guard let s = workspace.member(id)?.status else { return nil }
        if let e = s.expiresAt, clock.now() >= e.addingTimeInterval(config.statusLinger) {
            workspace.setStatus(nil, for: id)
            return nil
        }
        return s
    }

    func memberJSON(_ m: Member) -> JSON {
        userJSON(m.user, customProperties: propertiesJSON { m.properties[$0] }, status: memberStatus(m.user.id),
                 lastActivityAt: m.user.lastActivityAt, imageURL: m.avatar.map { origin + $0.urlPath })
    }

    typealias Member = Workspace.Member

    /// `GET /users`: ordered by id; `cursor` is base64 of `{"id":LAST,"dir":"asc"}` like the real API's.
    func listUsers(_ query: [String: String]) -> Reply {
        var limit = 50
        if let text = query["limit"] {
            guard let n = Int(text), (1...50).contains(n) else {
                return ErrorItem.apiError(400, [ErrorItem(key: "limit", value: text,
                    message: "must be an integer from 1 to 50", code: "invalid")])
            }
            limit = n
        }
        if let oversized = config.hostile.usersPageSize { limit = max(1, oversized) }
        var after = Int.min
        if let cursor = query["cursor"], !cursor.isEmpty {
            guard let id = Self.decodeCursor(cursor) else {
                return ErrorItem.apiError(400, [ErrorItem(key: "cursor", value: cursor, message: "is invalid", code: "invalid")])
            }
            after = id
        }
        let needle = query["query"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        func matches(_ u: SeedUser) -> Bool {
            needle.isEmpty || [u.firstName, u.lastName, u.email, u.phoneNumber, u.nickname]
                .contains { $0?.lowercased().contains(needle) == true }
        }
        // The owner sits in id order among the members.
        let owner = config.user
        var page: [JSON] = []
        var lastID: Int?
        var hasNext = false
        var ownerPending = owner.id > after
        var i = Self.firstIndex(in: workspace.members, after: after)
        while true {
            let memberID = i < workspace.members.count ? workspace.members[i].user.id : nil
            let takeOwner = ownerPending && (memberID == nil || owner.id < memberID!)
            let candidateID: Int
            if takeOwner { candidateID = owner.id } else if let memberID { candidateID = memberID } else { break }
            let user = takeOwner ? owner : workspace.members[i].user
            if matches(user) {
                if page.count == limit { hasNext = true; break }
                page.append(takeOwner ? userJSON() : memberJSON(workspace.members[i]))
                lastID = candidateID
            }
            if takeOwner { ownerPending = false } else { i += 1 }
        }
        var paginate: [(String, JSON)] = [("next_page", .string(Self.encodeCursor(lastID ?? after)))]
        paginate.append(("has_next", .bool(hasNext)))
        paginate.append(("has_prev", .bool(after != Int.min)))
        return .json(200, .object([("data", .array(page)),
                                   ("meta", .object([("paginate", .object(paginate))]))]))
    }

    /// Index of the first member with an id above `after` (binary search: the members are id-ordered).
    static func firstIndex(in members: [Member], after: Int) -> Int {
        var lo = 0, hi = members.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if members[mid].user.id <= after { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func encodeCursor(_ id: Int) -> String {
        Data("{\"id\":\(id == Int.min ? 0 : id),\"dir\":\"asc\"}".utf8).base64EncodedString()
    }

    static func decodeCursor(_ text: String) -> Int? {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), let json = JSON.parse(data),
              case .int(let id)? = json["id"] else { return nil }
        return id
    }
}
