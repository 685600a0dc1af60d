import Support
import PachcaAPI
import ProfileCore

/// Reads what `show` displays. Custom properties need `custom_properties:read`; they are read
/// alongside, and their failure never cancels the profile reads (docs/commands.md).
public enum ProfileViewer {
    public static func read(client: PachcaClient, now: Date) async throws -> ProfileView {
        async let definitionsRead = customPropertyDefinitions(client)
        async let liveRead = LiveReader(client: client).readWire()
        let (user, wireStatus) = try await liveRead
        let (definitions, note) = await definitionsRead
        let status = wireStatus.map { StatusFields($0) }
        let names = Dictionary((definitions ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let properties = (user.customProperties ?? []).map {
            ProfileView.Property(name: names[$0.id] ?? $0.name, value: $0.value ?? "")
        }
        return ProfileView(id: user.id, firstName: user.firstName, lastName: user.lastName, nickname: user.nickname,
                           email: user.email, isBot: user.bot ?? false, imageURL: user.imageURL, status: status,
                           statusExpired: status?.hasExpired(at: now) ?? false,
                           customProperties: definitions == nil ? nil : properties, customPropertiesNote: note)
    }

    private static func customPropertyDefinitions(_ client: PachcaClient) async -> ([WireCustomPropertyDefinition]?, String?) {
        do {
            return (try await client.customProperties(entityType: "User"), nil)
        } catch let error as PachcaAPIError {
            if case .forbidden = error { return (nil, "the token lacks the scope custom_properties:read") }
            return (nil, error.description)
        } catch {
            return (nil, "unexpected error (\(type(of: error)))")
        }
    }
}
