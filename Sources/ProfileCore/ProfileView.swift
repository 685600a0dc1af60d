import Support

/// What `show` displays: the live profile, its status and custom properties.
public struct ProfileView: Sendable, Equatable {
    public struct Property: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public var id: Int
    public var firstName: String?
    public var lastName: String?
    public var nickname: String?
    public var email: String?
    public var isBot: Bool
    public var imageURL: String?
    public var status: StatusFields?
    /// The API still returns a status whose `expires_at` has passed, for a while.
    public var statusExpired: Bool
    /// nil when they could not be read; `customPropertiesNote` says why.
    public var customProperties: [Property]?
    public var customPropertiesNote: String?

    public init(id: Int, firstName: String?, lastName: String?, nickname: String?, email: String?, isBot: Bool,
                imageURL: String?, status: StatusFields?, statusExpired: Bool, customProperties: [Property]?,
                customPropertiesNote: String?) {
        self.id = id; self.firstName = firstName; self.lastName = lastName; self.nickname = nickname
        self.email = email; self.isBot = isBot; self.imageURL = imageURL; self.status = status
        self.statusExpired = statusExpired; self.customProperties = customProperties
        self.customPropertiesNote = customPropertiesNote
    }
}
