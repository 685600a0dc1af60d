import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the live profile, status and custom properties (reads only).")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient(json: json)
            // Custom properties are read alongside; their failure never cancels the profile reads.
            async let definitionsRead = customPropertyDefinitions(client)
            async let liveRead = LiveReader(client: client).readWire()
            let (user, wireStatus) = try await liveRead
            let (definitions, propertiesNote) = await definitionsRead
            let status = wireStatus.map { StatusFields($0) }
            let expired = status?.hasExpired(at: Date()) ?? false
            let names = Dictionary((definitions ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let properties: [(String, String)] = (user.customProperties ?? []).map {
                (names[$0.id] ?? $0.name, $0.value ?? "")
            }

            if json {
                Output.stdout(PlanJSON.encode(ShowDocument(
                    profile: .init(id: user.id, first_name: user.firstName, last_name: user.lastName,
                                   nickname: user.nickname, email: user.email, bot: user.bot ?? false,
                                   image_url: user.imageURL),
                    status: status.map(StatusSnapshot.init), status_expired: expired,
                    custom_properties: definitions == nil ? nil : properties.map { .init(name: $0.0, value: $0.1) },
                    custom_properties_note: propertiesNote)))
                return
            }
            let owner = ProfileOwner(id: user.id, firstName: user.firstName ?? "", lastName: user.lastName ?? "",
                                     nickname: user.nickname ?? "", isBot: user.bot ?? false)
            let inert = InertText.line
            var lines = ["Profile: \(inert(owner.displayName)) (@\(inert(owner.nickname))), id \(owner.id)\(owner.isBot ? ", bot" : "")"]
            if let email = user.email, !email.isEmpty { lines.append("Email:   \(inert(email))") }
            lines.append("Avatar:  \(inert(user.imageURL ?? "none"))")
            if let status {
                lines.append("Status:  \(inert(status.emoji)) \(inert(status.title))\(expired ? " (expired; the API still returns it)" : "")")
                lines.append("  is_away:      \(status.isAway)")
                if let message = status.awayMessage { lines.append("  away_message: \(inert(message))") }
                lines.append("  expires_at:   \(status.expiresAt.map(Timestamp.canonical) ?? "never")")
            } else {
                lines.append("Status:  none")
            }
            if let propertiesNote {
                lines.append("Custom properties: not shown: \(inert(propertiesNote))")
            } else if properties.isEmpty {
                lines.append("Custom properties: none")
            } else {
                lines.append("Custom properties:")
                for (name, value) in properties { lines.append("  \(inert(name)): \(inert(value))") }
            }
            Output.stdout(lines.joined(separator: "\n"))  // each line is ours; server text in it is inert
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
            return (nil, String(describing: error))
        }
    }

    struct ShowDocument: Encodable {
        struct Profile: Encodable {
            var id: Int; var first_name: String?; var last_name: String?; var nickname: String?
            var email: String?; var bot: Bool; var image_url: String?
        }
        struct Property: Encodable { var name: String; var value: String }
        var format_version = "1"
        var profile: Profile
        var status: StatusSnapshot?
        var status_expired: Bool
        var custom_properties: [Property]?
        var custom_properties_note: String?
    }
}
