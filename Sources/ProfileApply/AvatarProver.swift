import Support
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
        path = override ?? Self.defaultPath(profilePath: profilePath, currentDirectory: LocalPath.currentDirectory)
    }

    /// `.<name>.state.json` in the profile's folder, absolute (`profiles/me.yaml` run from `/r`
    /// → `/r/profiles/.me.state.json`). Plain string work: Foundation's `URL` here cost `plan`
    /// 0.35 MB of peak RSS in code pages (issue 8).
    static func defaultPath(profilePath: String, currentDirectory: String) -> String {
        var absolute = LocalPath.absolute(profilePath, in: currentDirectory)
        while absolute.count > 1, absolute.hasSuffix("/") { absolute.removeLast() }
        let folder = LocalPath.directory(of: absolute)
        var name = LocalPath.fileName(of: absolute)
        // The extension goes, as with URL.deletingPathExtension: not a leading dot's.
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return folder + (folder.hasSuffix("/") ? "" : "/") + ".\(name).state.json"
    }

    /// A record larger than this is not one of ours.
    public static let maxBytes = 1 << 20

    /// A missing or unreadable record is no evidence, not an error.
    public func load() -> StateRecord? { loadReporting().record }

    /// The record, or why it was not used (a warning for the plan): a symlink, an oversized
    /// or corrupt file. A missing record needs no words.
    public func loadReporting() -> (record: StateRecord?, warning: String?) {
        let ignored = "ignored; the avatar will be proven another way (file name or content)"
        switch SafeFile.read(path, maxBytes: Self.maxBytes, followSymlinks: false) {
        case .missing: return (nil, nil)
        case .symlink: return (nil, "state record \(path) is a symbolic link: \(ignored)")
        case .notRegularFile: return (nil, "state record \(path) is not a regular file: \(ignored)")
        case .tooLarge(let size): return (nil, "state record \(path) is \(size) bytes, more than \(Self.maxBytes): \(ignored)")
        case .unreadable(let reason): return (nil, "state record \(path) cannot be read (\(reason)): \(ignored)")
        case .contents(let bytes):
            guard let record = Self.decode(Data(bytes)) else { return (nil, "state record \(path) is corrupt: \(ignored)") }
            return (record, nil)
        }
    }

    static func decode(_ data: Data) -> StateRecord? {
        try? JSONDocument.decoder().decode(StateRecord.self, from: data)
    }

    public func save(_ record: StateRecord) throws {
        let data = try JSONDocument.encoder(pretty: true).encode(record) + Data("\n".utf8)
        // A unique temp file, fsync, rename: a crash never leaves half a record, a planted
        // symlink is never followed, two runs never share a temp file (SafeFile).
        try SafeFile.write(text: String(decoding: data, as: UTF8.self), to: path, refuseSymlink: true)
    }
}
