#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PachcaAPI
import ProfileCore

/// The edge half of avatar identity: reads the state record and, only when neither it nor
/// the URL's file name decides, downloads the served bytes (without the token) to hash them.
public struct AvatarProver: Sendable {
    /// Served images larger than this are not downloaded; the plan then says "cannot be verified".
    public static let maxServedImageBytes = 20 * 1024 * 1024

    public let client: PachcaClient

    public init(client: PachcaClient) { self.client = client }

    public func assess(desired: DesiredState, live: LiveState, record: StateRecord?) async -> AvatarAssessment? {
        guard case .value(let file) = desired.avatar else { return nil }
        if let decided = AvatarIdentity.assessWithoutContent(desired: file, liveURL: live.avatarURL, record: record) {
            return decided
        }
        guard let urlString = live.avatarURL, let url = URL(string: urlString),
              let bytes = try? await client.fetchPublicImage(url, maxBytes: Self.maxServedImageBytes)
        else { return AvatarIdentity.assess(desired: file, servedContentSHA256: nil) }
        return AvatarIdentity.assess(desired: file, servedContentSHA256: SHA256.hex(Array(bytes)))
    }
}

/// Where the state record lives: `.<profile-name>.state.json` beside the profile, or `--state PATH`.
public struct StateStore: Sendable {
    public let path: String

    public init(profilePath: String, override: String?) {
        if let override { path = override; return }
        let url = URL(fileURLWithPath: profilePath)
        let name = url.deletingPathExtension().lastPathComponent
        path = url.deletingLastPathComponent().appendingPathComponent(".\(name).state.json").path
    }

    /// A missing or unreadable record is no evidence, not an error.
    public func load() -> StateRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad timestamp"))
            }
            return date
        }
        return try? decoder.decode(StateRecord.self, from: data)
    }

    public func save(_ record: StateRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.canonical(date))
        }
        let data = try encoder.encode(record) + Data("\n".utf8)
        // Write-then-rename so a crash never leaves half a record.
        let temp = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temp))
        guard rename(temp, path) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
