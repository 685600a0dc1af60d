import ArgumentParser
import Foundation
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender

struct ShowCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the live profile, status and custom properties (reads only).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient()
            // Custom properties are read alongside; their failure never cancels the profile reads.
            async let definitionsRead = customPropertyDefinitions(client)
            async let liveRead = settled { try await LiveReader(client: client).readWire() }
            let ((definitions, propertiesNote), live) = await (definitionsRead, liveRead)
            let (user, wireStatus) = try live.get()
            let status = wireStatus.map { StatusFields($0) }
            let expired = status?.hasExpired(at: Date()) ?? false
            let names = Dictionary((definitions ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let properties: [(String, String)] = (user.customProperties ?? []).map {
                (names[$0.id] ?? $0.name, $0.value ?? "")
            }

            if output.json {
                try Output.json(ShowDocument(
                    profile: .init(id: user.id, firstName: user.firstName, lastName: user.lastName,
                                   nickname: user.nickname, email: user.email, bot: user.bot ?? false,
                                   imageURL: user.imageURL),
                    status: status.map(StatusSnapshot.init), statusExpired: expired,
                    customProperties: definitions == nil ? nil : properties.map { .init(name: $0.0, value: $0.1) },
                    customPropertiesNote: propertiesNote))
                return
            }
            let owner = ProfileOwner(id: user.id, firstName: user.firstName ?? "", lastName: user.lastName ?? "",
                                     nickname: user.nickname ?? "", isBot: user.bot ?? false)
            var lines = ["Profile: \(owner.displayName) (@\(owner.nickname)), id \(owner.id)\(owner.isBot ? ", bot" : "")"]
            if let email = user.email, !email.isEmpty { lines.append("Email:   \(email)") }
            lines.append("Avatar:  \(user.imageURL ?? "none")")
            if let status {
                lines.append("Status:  \(status.emoji) \(status.title)\(expired ? " (expired; the API still returns it)" : "")")
                lines.append("  is_away:      \(status.isAway)")
                if let message = status.awayMessage { lines.append("  away_message: \(message)") }
                lines.append("  expires_at:   \(status.expiresAt.map(Timestamp.canonical) ?? "never")")
            } else {
                lines.append("Status:  none")
            }
            if let propertiesNote {
                lines.append("Custom properties: not shown: \(propertiesNote)")
            } else if properties.isEmpty {
                lines.append("Custom properties: none")
            } else {
                lines.append("Custom properties:")
                for (name, value) in properties { lines.append("  \(name): \(value)") }
            }
            Output.stdout(lines.joined(separator: "\n"))
        }
    }

    /// Custom properties need `custom_properties:read`; without it `show` says so and shows the rest.
    private func customPropertyDefinitions(_ client: PachcaClient) async -> ([WireCustomPropertyDefinition]?, String?) {
        do {
            return (try await client.customProperties(entityType: "User"), nil)
        } catch let error as PachcaAPIError {
            if case .forbidden = error { return (nil, "the token lacks the scope custom_properties:read") }
            return (nil, error.description)
        } catch {
            return (nil, CLIError.from(error).description)
        }
    }

    /// `show --json` (`docs/schemas/show.schema.json`): every key present, `null` when unknown.
    struct ShowDocument: Encodable {
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
        /// `null` when they could not be read; `custom_properties_note` says why.
        @AlwaysPresent var customProperties: [Property]?
        @AlwaysPresent var customPropertiesNote: String?
    }
}
