/// The OAuth scopes this tool uses, in one place: the token owner's own profile goes through
/// `/profile…`, anyone else's through the administrator endpoints `/users/{id}…`.
public enum ScopeCatalogue {
    /// The scope a write of `resource` needs for `subject`.
    public static func write(_ resource: Resource, of subject: Subject) -> String {
        switch (resource, subject) {
        case (.status, .me): "profile_status:write"
        case (.avatar, .me): "profile_avatar:write"
        case (.status, .user): "user_status:write"
        case (.avatar, .user): "user_avatar:write"
        // The person record has one endpoint, `PUT /users/{id}`, for the token owner too.
        case (.person, _): personWrite
        }
    }

    /// `PUT /users/{id}`: the person record.
    public static let personWrite = "users:update"
    /// `GET /custom_properties`: the property definitions a file's `custom_properties` name.
    public static let propertyDefinitions = "custom_properties:read"
}
