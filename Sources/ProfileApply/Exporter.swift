import Support
import PachcaAPI
import ProfileCore

/// `export`: the token owner's live profile as a desired-state file. Without `avatarOut` a
/// live avatar is left out (unmanaged), never written as `avatar: null`; with it, the image is
/// saved there and the file names it relative to `outputPath`'s folder (or the current one).
public enum Exporter {
    public enum Failure: Error, CustomStringConvertible {
        case unwritable(path: String, reason: String)
        case notYAML(String)
        case nobody(String)
        case exists([String])
        public var description: String {
            switch self {
            case .nobody(let message): message
            case .exists(let paths):
                "\(paths.count) file\(paths.count == 1 ? "" : "s") already exist\(paths.count == 1 ? "s" : "") (\(paths.prefix(3).joined(separator: ", "))\(paths.count > 3 ? " and \(paths.count - 3) more" : "")); nothing was written; pass --force to replace them"
            case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
            case .notYAML(let reason): "cannot write the profile as YAML: \(reason)"
            }
        }
    }

    /// `person`: also the `person:` block (`export --person`).
    public static func export(client: PachcaClient, avatarOut: String?, outputPath: String?, now: Date,
                              person: Bool = false) async throws -> String {
        let live = try await LiveReader(client: client).read()
        var avatar = DesiredStateExport.Avatar.unmanaged
        if let avatarOut {
            if let urlString = live.avatarURL, let url = URL(string: urlString) {
                let bytes = try await client.fetchPublicImage(url, maxBytes: AvatarProver.maxServedImageBytes)
                do { try SafeFile.write(bytes: Array(bytes), to: avatarOut) } catch {
                    throw Failure.unwritable(path: avatarOut, reason: FileProblem.describe(error, path: avatarOut))
                }
                let base = outputPath.map { LocalPath.directory(of: LocalPath.absolute($0, in: LocalPath.currentDirectory)) }
                    ?? LocalPath.currentDirectory
                avatar = .path(LocalPath.relative(of: LocalPath.absolute(avatarOut, in: LocalPath.currentDirectory), from: base))
            } else {
                avatar = .none
            }
        }
        return try yaml(live, avatar: avatar, now: now, userID: nil, person: person)
    }

    /// `export --user USER`: that person's file, with its `user:` line (the id). The token
    /// owner's own profile is exported as `export` does, with the line too.
    public static func export(user reference: UserReference, client: PachcaClient, now: Date,
                              person: Bool = false) async throws -> String {
        let (owner, ownerStatus) = try await LiveReader(client: client, subject: .me).readWire()
        let outcome = try await ReadPlanner.resolve([reference], in: client)
        let user: WireUser
        switch outcome.resolutions[reference.identity] ?? .unknown {
        case .found(let found): user = found
        case .unknown: throw Failure.nobody("--user \(reference.displayed): nobody in the workspace matches")
        case .ambiguous(let ids):
            throw Failure.nobody("--user \(reference.displayed): \(ids.count) people match (ids \(ids.map(String.init).joined(separator: ", "))); give an id or an email")
        }
        let status = user.id == owner.id ? ownerStatus : user.userStatus
        return try yaml(LiveState(user, status: status), avatar: .unmanaged, now: now, userID: user.id, person: person)
    }

    static func yaml(_ live: LiveState, avatar: DesiredStateExport.Avatar, now: Date, userID: Int?,
                     person: Bool = false) throws -> String {
        do { return try DesiredStateExport.render(live: live, avatar: avatar, now: now, userID: userID, person: person) } catch {
            throw Failure.notYAML(String(describing: error))
        }
    }

    /// Writes the exported text to `path` atomically, never through a symlink.
    public static func write(_ text: String, to path: String, redactor: SecretRedactor) throws {
        do { try SafeFile.write(text: text, to: path, redactor: redactor) } catch {
            throw Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }
}
