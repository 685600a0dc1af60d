import Support

extension ScopeCatalogue {
    /// The scope a write of `resource` needs for `subject`.
    public static func write(_ resource: Resource, of subject: Subject) -> String {
        switch resource {
        case .status: statusWrite(subject)
        case .avatar: avatarWrite(subject)
        // The person record has one endpoint, `PUT /users/{id}`, for the token owner too.
        case .person: personWrite
        }
    }
}
