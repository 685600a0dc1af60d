import Support

/// `GET /users`: one page of the workspace, at most 50 people, each a whole `User`
/// (with `user_status` and `image_url`, so a listed person needs no further read).
public struct WireUserPage: Decodable, Sendable, Equatable {
    public var users: [WireUser]
    /// The cursor of the next page; nil on the last one.
    public var nextCursor: String?

    public init(users: [WireUser], nextCursor: String?) {
        self.users = users; self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey { case data, meta }
    struct Meta: Decodable { var paginate: Paginate? }
    struct Paginate: Decodable {
        var nextPage: String?
        var hasNext: Bool?
        enum CodingKeys: String, CodingKey { case nextPage = "next_page", hasNext = "has_next" }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        users = try c.decode([WireUser].self, forKey: .data)
        let paginate = try c.decodeIfPresent(Meta.self, forKey: .meta)?.paginate
        // `has_next` decides when present; without it, an empty page is the end.
        if let hasNext = paginate?.hasNext {
            nextCursor = hasNext ? paginate?.nextPage : nil
        } else {
            nextCursor = users.isEmpty ? nil : paginate?.nextPage
        }
        if nextCursor?.isEmpty == true { nextCursor = nil }
    }
}

extension PachcaClient {
    public static let usersPageSize = 50
    /// A `query` search follows at most this many pages (1,000 people) for one exact lookup.
    public static let maxSearchPages = 20
    /// Past that, the lookup pages `/users` instead, at most this many pages (50,000 people).
    public static let maxListingPages = 1_000

    /// `GET /users?limit=50[&cursor=…][&query=…]` (scope `users:read`).
    ///
    /// With a `query` and no cursor, this is an exact lookup's search, read whole: the API
    /// matches substrings, so `user: an` may be on any page of everyone whose name contains
    /// "an", not only the first. The search's pages are followed (at most `maxSearchPages`);
    /// when it has more, `/users` is paged instead and only people whose email or nickname
    /// contains the text are kept (a superset of every exact match). Either way the people
    /// come back as one page with no next cursor, so "nobody" is never concluded from a part.
    ///
    /// A page with more people than `limit` is refused: a server that ignores the limit
    /// could otherwise hand over the whole workspace in every answer.
    public func users(cursor: String? = nil, query: String? = nil, limit: Int = PachcaClient.usersPageSize) async throws -> WireUserPage {
        guard let query, cursor == nil else { return try await usersPage(cursor: cursor, query: query, limit: limit) }
        var found: [WireUser] = []
        var next: String?
        for _ in 0..<Self.maxSearchPages {
            let page = try await usersPage(cursor: next, query: query, limit: limit)
            found += page.users
            guard let following = page.nextCursor, !page.users.isEmpty else {
                return WireUserPage(users: found, nextCursor: nil)
            }
            next = following
        }
        return WireUserPage(users: try await listing(containing: query, limit: limit), nextCursor: nil)
    }

    /// Everyone in `/users` whose email or nickname contains `text` (case-insensitively).
    func listing(containing text: String, limit: Int) async throws -> [WireUser] {
        let needle = text.lowercased()
        func keeps(_ user: WireUser) -> Bool {
            [user.email, user.nickname].contains { $0?.lowercased().contains(needle) == true }
        }
        var kept: [WireUser] = []
        var next: String?
        for _ in 0..<Self.maxListingPages {
            let page = try await usersPage(cursor: next, query: nil, limit: limit)
            kept += page.users.filter(keeps)
            guard let following = page.nextCursor, !page.users.isEmpty else { return kept }
            next = following
        }
        throw PachcaAPIError.decoding(method: "GET", path: "/users",
                                      "the listing did not end within \(Self.maxListingPages) pages")
    }

    /// One page, as the server answered it (refused when larger than `limit`).
    public func usersPage(cursor: String?, query: String?, limit: Int = PachcaClient.usersPageSize) async throws -> WireUserPage {
        var items = ["limit=\(limit)"]
        if let cursor { items.append("cursor=" + Self.percentEncoded(cursor)) }
        if let query { items.append("query=" + Self.percentEncoded(query)) }
        let path = "/users?" + items.joined(separator: "&")
        let body = try await call("GET", path, scope: ScopeCatalogue.workspaceRead).body
        let page: WireUserPage
        do {
            page = try JSONDecoder().decode(WireUserPage.self, from: body)
        } catch {
            throw PachcaAPIError.decoding(method: "GET", path: "/users", Self.describe(error))
        }
        guard page.users.count <= limit else {
            throw PachcaAPIError.decoding(method: "GET", path: "/users",
                                          "a page of \(page.users.count) people, more than the \(limit) asked for")
        }
        return page
    }

    /// RFC 3986 unreserved characters stay; every other UTF-8 byte becomes `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The body of `PUT /users/{id}` (`UserUpdateRequest`): `{"user": {…}}` with only the fields
/// given; nil fields are omitted. It has no `suspended`, `role`, `email` or `nickname`.
public struct WirePersonUpdate: Encodable, Sendable, Equatable {
    public struct Property: Encodable, Sendable, Equatable {
        public var id: Int
        public var value: String
        public init(id: Int, value: String) { self.id = id; self.value = value }
    }

    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var department: String?
    public var phoneNumber: String?
    public var listTags: [String]?
    public var customProperties: [Property]?

    public init(firstName: String? = nil, lastName: String? = nil, title: String? = nil, department: String? = nil,
                phoneNumber: String? = nil, listTags: [String]? = nil, customProperties: [Property]? = nil) {
        self.firstName = firstName; self.lastName = lastName; self.title = title; self.department = department
        self.phoneNumber = phoneNumber; self.listTags = listTags; self.customProperties = customProperties
    }

    enum OuterKeys: String, CodingKey { case user }
    enum CodingKeys: String, CodingKey {
        case title, department
        case firstName = "first_name"
        case lastName = "last_name"
        case phoneNumber = "phone_number"
        case listTags = "list_tags"
        case customProperties = "custom_properties"
    }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: OuterKeys.self)
        var c = outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .user)
        try c.encodeIfPresent(firstName, forKey: .firstName)
        try c.encodeIfPresent(lastName, forKey: .lastName)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(department, forKey: .department)
        try c.encodeIfPresent(phoneNumber, forKey: .phoneNumber)
        try c.encodeIfPresent(listTags, forKey: .listTags)
        try c.encodeIfPresent(customProperties, forKey: .customProperties)
    }
}

extension PachcaClient {
    /// `PUT /users/{id}` (scope `users:update`): the person record, also the token owner's.
    /// Returns the `User` as stored.
    public func updatePerson(id: Int, _ update: WirePersonUpdate) async throws -> WireUser {
        let path = "/users/\(id)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = try await call("PUT", path, body: try encoder.encode(update), contentType: "application/json",
                                      scope: "users:update")
        do {
            return try JSONDecoder().decode(DataEnvelope<WireUser>.self, from: response.body).data
        } catch {
            throw PachcaAPIError.decoding(method: "PUT", path: path, Self.describe(error))
        }
    }
}
