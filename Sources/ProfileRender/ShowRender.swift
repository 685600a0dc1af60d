import Support
import ProfileCore
import ProfileYAML

/// The human view of `show`.
public enum ShowText {
    public static func render(_ view: ProfileView) -> String {
        let owner = ProfileOwner(id: view.id, firstName: view.firstName ?? "", lastName: view.lastName ?? "",
                                 nickname: view.nickname ?? "", isBot: view.isBot)
        // Server text (names, status, properties, URLs) is shown inert, one line each.
        let inert = InertText.line
        var lines = ["Profile: \(inert(owner.displayName)) (@\(inert(owner.nickname))), id \(owner.id)\(owner.isBot ? ", bot" : "")"]
        if let email = view.email, !email.isEmpty { lines.append("Email:   \(inert(email))") }
        lines.append("Avatar:  \(inert(view.imageURL ?? "none"))")
        if let status = view.status {
            lines.append("Status:  \(inert(status.emoji)) \(inert(status.title))\(view.statusExpired ? " (expired; the API still returns it)" : "")")
            lines.append("  is_away:      \(status.isAway)")
            if let message = status.awayMessage { lines.append("  away_message: \(inert(message))") }
            lines.append("  expires_at:   \(status.expiresAt.map(Timestamp.canonical) ?? "never")")
        } else {
            lines.append("Status:  none")
        }
        if let note = view.customPropertiesNote {
            lines.append("Custom properties: not shown: \(inert(note))")
        } else if let properties = view.customProperties, !properties.isEmpty {
            lines.append("Custom properties:")
            for property in properties { lines.append("  \(inert(property.name)): \(inert(property.value))") }
        } else {
            lines.append("Custom properties: none")
        }
        return lines.joined(separator: "\n")
    }
}

/// `show --json` (`docs/schemas/show.schema.json`): every key present, `null` when unknown.
public enum ShowJSON {
    struct Document: Encodable {
        struct Profile: Encodable {
            var id: Int
            @AlwaysPresent var firstName: String?
            @AlwaysPresent var lastName: String?
            @AlwaysPresent var nickname: String?
            @AlwaysPresent var email: String?
            var bot: Bool
            @AlwaysPresent var imageURL: String?
        }
        struct Property: Encodable { var name: String; var value: String }
        var formatVersion = JSONDocument.formatVersion
        var profile: Profile
        @AlwaysPresent var status: StatusSnapshot?
        var statusExpired: Bool
        @AlwaysPresent var customProperties: [Property]?
        @AlwaysPresent var customPropertiesNote: String?
    }

    public static func render(_ view: ProfileView) throws -> String {
        try JSONDocument.encode(Document(
            profile: .init(id: view.id, firstName: view.firstName, lastName: view.lastName, nickname: view.nickname,
                           email: view.email, bot: view.isBot, imageURL: view.imageURL),
            status: view.status.map(StatusSnapshot.init), statusExpired: view.statusExpired,
            customProperties: view.customProperties?.map { .init(name: $0.name, value: $0.value) },
            customPropertiesNote: view.customPropertiesNote))
    }
}
