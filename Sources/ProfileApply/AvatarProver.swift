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

/// Where a run keeps its state records: one folder (`.pachca-profile/` in the current directory,
/// `--state-dir`, `PACHCA_STATE_DIR`) with one record per API host and person id, so moving,
/// renaming or regrouping profile files keeps every record (docs/teams.md, "State records").
/// `--state PATH` names the one record of a run of one file.
public struct StateLocation: Sendable, Equatable {
    /// The folder's default name, in the current directory.
    public static let defaultFolder = ".pachca-profile"

    /// The store's folder, absolute.
    public let directory: String
    /// The API host (and port, when the URL names one) the records are about.
    public let host: String
    /// `--state PATH`: the record of a run of one file, instead of the store.
    public let override: String?

    public init(directory: String, apiURL: URL, override: String? = nil) {
        self.directory = LocalPath.absolute(directory, in: LocalPath.currentDirectory)
        self.host = Self.hostKey(apiURL)
        self.override = override
    }

    /// The folder: `--state-dir`, else `PACHCA_STATE_DIR`, else `.pachca-profile`.
    public static func folder(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let value = environment["PACHCA_STATE_DIR"], !value.isEmpty { return value }
        return defaultFolder
    }

    /// `api.pachca.com`, `127.0.0.1_8080`: a folder name from the host alone (lowercased, any
    /// character outside `[a-z0-9.-]` replaced), never a path.
    static func hostKey(_ url: URL) -> String {
        var key = (url.host ?? "unknown").lowercased()
        if let port = url.port { key += "_\(port)" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        let cleaned = String(key.map { allowed.contains($0) ? $0 : "_" })
        return cleaned.allSatisfy({ $0 == "." }) ? "_" : cleaned
    }

    /// The record of one person: the store's, or `--state PATH`. `file` names the profile file,
    /// whose record from an earlier version (beside it) is read when the store has none yet.
    public func store(file: String, personID: Int) -> StateStore {
        if let override { return StateStore(path: override, legacyPath: nil) }
        return StateStore(path: directory + "/" + host + "/\(personID).json",
                          legacyPath: StateStore.legacyPath(profilePath: file, currentDirectory: LocalPath.currentDirectory))
    }
}

/// One person's state record, and where an earlier version kept it (`.<name>.state.json`
/// beside the profile file): read when the store has no record yet, moved on the next apply.
public struct StateStore: Sendable, Equatable {
    public let path: String
    public let legacyPath: String?

    public init(path: String, legacyPath: String? = nil) { self.path = path; self.legacyPath = legacyPath }

    /// `.<name>.state.json` in the profile's folder, absolute (`profiles/me.yaml` run from `/r`
    /// → `/r/profiles/.me.state.json`): where records were kept before the store. Plain
    /// string work: Foundation's `URL` here cost `plan` 0.35 MB of peak RSS in code pages.
    static func legacyPath(profilePath: String, currentDirectory: String) -> String {
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
        let found = Self.load(path)
        if case (nil, nil) = found, let legacyPath { return Self.load(legacyPath) }
        return found
    }

    static func load(_ path: String) -> (record: StateRecord?, warning: String?) {
        let ignored = "ignored; the avatar will be proven another way (file name or content)"
        switch SafeFile.read(path, maxBytes: maxBytes, followSymlinks: false) {
        case .missing: return (nil, nil)
        case .symlink: return (nil, "state record \(path) is a symbolic link: \(ignored)")
        case .notRegularFile: return (nil, "state record \(path) is not a regular file: \(ignored)")
        case .tooLarge(let size): return (nil, "state record \(path) is \(size) bytes, more than \(maxBytes): \(ignored)")
        case .unreadable(let reason): return (nil, "state record \(path) cannot be read (\(reason)): \(ignored)")
        case .contents(let bytes):
            guard let record = decode(Data(bytes)) else { return (nil, "state record \(path) is corrupt: \(ignored)") }
            return (record, nil)
        }
    }

    static func decode(_ data: Data) -> StateRecord? {
        try? JSONDocument.decoder().decode(StateRecord.self, from: data)
    }

    public func save(_ record: StateRecord, redactor: SecretRedactor) throws {
        try Self.makeFolders(LocalPath.directory(of: path))
        let data = try JSONDocument.encoder(pretty: true).encode(record) + Data("\n".utf8)
        // A unique temp file, fsync, rename: a crash never leaves half a record, a planted
        // symlink is never followed, two runs never share a temp file (SafeFile).
        try SafeFile.write(text: String(decoding: data, as: UTF8.self), to: path, redactor: redactor, refuseSymlink: true)
    }
}

extension StateStore {
    /// Creates the record's folder and its parents (the store's), private to the user; an
    /// existing one is left as it is.
    static func makeFolders(_ folder: String) throws {
        var built = folder.hasPrefix("/") ? "" : "."
        for part in folder.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o700) != 0 && errno != EEXIST {
                throw SafeFile.failure(folder, "create the folder", errno)
            }
        }
    }

    /// Moves a record an earlier version kept beside the profile into the store (apply, under
    /// the record's lock): copied atomically, then the old file removed. Nothing happens when
    /// the store already has a record or the old one is missing or not ours.
    public func migrateLegacy(redactor: SecretRedactor) throws {
        guard let legacyPath, case (nil, nil) = Self.load(path) else { return }
        guard case (let record?, nil) = Self.load(legacyPath) else { return }
        try save(record, redactor: redactor)
        unlink(legacyPath)
        unlink(legacyPath + ".lock")
    }
}
