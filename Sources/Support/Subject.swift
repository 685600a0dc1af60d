/// Whose profile a request or a plan is about: the token owner's own, through `/profile…`, or
/// someone else's, through the administrator endpoints `/users/{id}…`. One type for the API
/// client, the plan and the saved plan file.
public enum Subject: Sendable, Hashable, Codable, CustomStringConvertible {
    case me
    case user(id: Int)

    public var description: String {
        switch self {
        case .me: "me"
        case .user(let id): "user \(id)"
        }
    }
}

/// The OAuth scopes this tool uses, in one place (the OpenAPI spec's `x-requirements`): the
/// client names the one a 403 lacks, the executor checks them before writing, `doctor`
/// judges a token by them.
public enum ScopeCatalogue {
    public static func profileRead(_ subject: Subject) -> String { subject == .me ? "profile:read" : "users:read" }
    public static func statusRead(_ subject: Subject) -> String { subject == .me ? "profile_status:read" : "user_status:read" }
    public static func statusWrite(_ subject: Subject) -> String { subject == .me ? "profile_status:write" : "user_status:write" }
    public static func avatarWrite(_ subject: Subject) -> String { subject == .me ? "profile_avatar:write" : "user_avatar:write" }
    /// `GET /users` (pages and searches).
    public static let workspaceRead = "users:read"
    /// `PUT /users/{id}`: the person record (for the token owner too).
    public static let personWrite = "users:update"
    /// `GET /custom_properties`: the property definitions a file's `custom_properties` name.
    public static let propertyDefinitions = "custom_properties:read"
    /// Any person other than the token owner, for naming the administrator scopes.
    public static let someoneElse = Subject.user(id: 0)
}
