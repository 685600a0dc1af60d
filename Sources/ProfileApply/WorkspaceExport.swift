import Support
import PachcaAPI
import ProfileCore

/// `export --all --dir DIR` (docs/teams.md, "Start from export"): one desired-state file per
/// active person — bots with `bots`, suspended people never — named after the nickname (the
/// id when there is none or it cannot be a file name), with the live status; with `avatars`,
/// each live image saved under `DIR/avatars/` and a state record written, so the next plan
/// proves it without a download. Reads: the owner (2), ⌈W/50⌉ pages, one download per avatar.
/// Nothing is written before every name is chosen and checked: an existing file is replaced
/// only with `force`, a symbolic link never.
public struct WorkspaceExport: Sendable {
    public var directory: String
    public var bots = false
    public var avatars = false
    public var force = false

    public init(directory: String, bots: Bool = false, avatars: Bool = false, force: Bool = false) {
        self.directory = directory; self.bots = bots; self.avatars = avatars; self.force = force
    }

    /// What was written, and what the user should know (renamed files, avatars left out).
    public struct Report: Sendable {
        public var files: [String] = []
        public var avatars = 0
        public var notes: [String] = []
        public var reads = 0
    }

    /// One person's file, before anything is written.
    struct Entry {
        var user: WireUser
        var status: WireUserStatus?
        var name: String
        var path: String { "\(name).yaml" }
    }

    /// `progress(done, total)` after each file.
    public func run(client: PachcaClient, state: StateLocation, now: Date,
                    progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let (owner, ownerStatus) = try await LiveReader(client: client, subject: .me).readWire()
        let (everyone, pages) = try await ReadPlanner.everyone(in: client)
        var report = Report(reads: 2 + pages)
        let people = everyone.filter { $0.suspended != true && (bots || $0.bot != true) }
        let (entries, notes) = Self.names(people.map { user in
            Entry(user: user, status: user.id == owner.id ? ownerStatus : user.userStatus, name: "")
        })
        report.notes += notes

        try Self.prepareFolder(directory)
        if avatars { try Self.prepareFolder(directory + "/avatars") }
        let images = avatars ? entries.flatMap { e in ImageFormat.allCases.map { "avatars/\(e.name).\($0.fileExtension)" } } : []
        let targets = (entries.map(\.path) + images).map { directory + "/" + $0 }
        if let link = targets.first(where: SafeFile.isSymlink) { throw SafeFile.WriteError.symlink(link) }
        if !force {
            let existing = targets.filter(Self.exists)
            if !existing.isEmpty { throw Exporter.Failure.exists(existing) }
        }

        // Avatars concurrently (the scheduler paces them), files in order.
        var saved: [Int: String] = [:]
        if avatars {
            let results = try await withThrowingTaskGroup(of: (Int, Result<(String, StateRecord.AvatarUpload), Exporter.Failure>?).self) { group in
                for entry in entries {
                    guard let url = entry.user.imageURL else { continue }
                    group.addTask { (entry.user.id, try await self.saveAvatar(of: entry, url: url, client: client, now: now)) }
                }
                var out: [(Int, Result<(String, StateRecord.AvatarUpload), Exporter.Failure>?)] = []
                for try await item in group { out.append(item) }
                return out
            }
            var records: [(StateStore, StateRecord.AvatarUpload)] = []
            for (id, result) in results.sorted(by: { $0.0 < $1.0 }) {
                switch result {
                case .success(let (path, upload))?:
                    saved[id] = path
                    report.avatars += 1
                    let file = entries.first { $0.user.id == id }?.path ?? "\(id).yaml"
                    records.append((state.store(file: directory + "/" + file, personID: id), upload))
                case .failure(let failure)?: report.notes.append(failure.description)
                case nil: break
                }
            }
            try await Self.record(records, redactor: client.configuration.redactor)
        }

        for (index, entry) in entries.enumerated() {
            let avatar: DesiredStateExport.Avatar
            if let path = saved[entry.user.id] { avatar = .path(path) } else if avatars, entry.user.imageURL == nil {
                avatar = .none
            } else {
                avatar = .unmanaged
            }
            let text = try Exporter.yaml(LiveState(entry.user, status: entry.status), avatar: avatar, now: now,
                                         userID: entry.user.id)
            try write(text, to: directory + "/" + entry.path, redactor: client.configuration.redactor)
            report.files.append(entry.path)
            progress(index + 1, entries.count)
        }
        // One sync for every file written (each was atomic, none fsynced on its own).
        SafeFile.flush()
        return report
    }

    /// Downloads one live avatar within the image bounds a desired-state file accepts and
    /// saves it as `avatars/NAME.EXT`; nil when there is none. A person whose image is out of
    /// bounds keeps an unmanaged avatar (a note says why).
    func saveAvatar(of entry: Entry, url text: String, client: PachcaClient, now: Date) async throws
        -> Result<(String, StateRecord.AvatarUpload), Exporter.Failure>? {
        guard let url = URL(string: text) else { return nil }
        let bytes: [UInt8]
        do { bytes = Array(try await client.fetchPublicImage(url, maxBytes: DesiredStateDecoder.maxAvatarBytes)) } catch {
            return .failure(.unwritable(path: entry.path, reason: "avatar not saved (\(error)); left unmanaged"))
        }
        guard let format = ImageSniffer.format(of: bytes) else {
            return .failure(.unwritable(path: entry.path, reason: "avatar not saved (not a PNG, JPEG, GIF or WebP image); left unmanaged"))
        }
        let relative = "avatars/\(entry.name).\(format.fileExtension)"
        try write(bytes: bytes, to: directory + "/" + relative)
        return .success((relative, StateRecord.AvatarUpload(sha256: SHA256.hex(bytes), imageURL: text, uploadedAt: now)))
    }

    /// File names from nicknames: a nickname that is not a plain file name (`[A-Za-z0-9._-]`,
    /// not starting with a dot, at most 100 characters) gives way to the id; two people whose
    /// names differ only in case (one file on a case-insensitive disk) or meet another's id
    /// get `NAME-ID`. Each rename is said.
    static func names(_ entries: [Entry]) -> ([Entry], [String]) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var taken: [String: Int] = [:]
        var notes: [String] = []
        var out: [Entry] = []
        for var entry in entries.sorted(by: { $0.user.id < $1.user.id }) {
            let id = "\(entry.user.id)"
            if let nick = entry.user.nickname, !nick.isEmpty, nick.count <= 100, !nick.hasPrefix("."),
               nick.allSatisfy({ allowed.contains($0) }) {
                entry.name = nick
            } else {
                entry.name = id
                if let nick = entry.user.nickname, !nick.isEmpty {
                    notes.append("user \(id): the nickname '\(nick)' is not a plain file name; written as \(id).yaml")
                }
            }
            if let other = taken[entry.name.lowercased()] {
                let renamed = "\(entry.name)-\(id)"
                notes.append("user \(id): \(entry.name).yaml is taken by user \(other) (names differing only in case share a file on some disks); written as \(renamed).yaml")
                entry.name = renamed
            }
            taken[entry.name.lowercased()] = entry.user.id
            out.append(entry)
        }
        return (out, notes)
    }

    /// Creates `path` (and its parents) when missing; refuses a symbolic link or a file there.
    static func prepareFolder(_ path: String) throws {
        if SafeFile.isSymlink(path) { throw Exporter.Failure.unwritable(path: path, reason: "a symbolic link; refusing to write through it") }
        do { try StateStore.makeFolders(path) } catch {
            throw Exporter.Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path + "/x"))
        }
        if FileProblem.kind(path) != .folder { throw Exporter.Failure.unwritable(path: path, reason: "not a folder") }
    }

    /// Whether anything is at `path`, a dangling symbolic link included.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    func write(_ text: String, to path: String, redactor: SecretRedactor) throws {
        do { try SafeFile.write(text: text, to: path, redactor: redactor, refuseSymlink: true, durable: false) } catch {
            throw Exporter.Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    func write(bytes: [UInt8], to path: String) throws {
        do { try SafeFile.write(bytes: bytes, to: path, refuseSymlink: true, durable: false) } catch {
            throw Exporter.Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    /// The state record of each saved avatar (the live URL and the image's sha256), under the
    /// records' locks, keeping what else a record holds (the last applied status).
    static func record(_ uploads: [(StateStore, StateRecord.AvatarUpload)], redactor: SecretRedactor) async throws {
        let locks = try await StateLocks.acquire(uploads.map(\.0), timeout: StateLock.defaultTimeout, onWait: { _ in })
        for (store, upload) in uploads {
            var record = store.load() ?? StateRecord(avatar: nil)
            record.avatar = upload
            do { try store.save(record, redactor: redactor) } catch {
                throw Exporter.Failure.unwritable(path: store.path, reason: FileProblem.describe(error, path: store.path))
            }
        }
        withExtendedLifetime(locks) {}
    }
}
