import PortableFoundation
import PortableLibc
import PachcaAPI
import ProfileCore

/// `plan --out` and `apply --plan` (SPEC §2, §9): the saved plan is bound to the API, the token
/// owner and the person it was made for, and its paths are relative to the plan file's folder.
public enum SavedPlan {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalid(path: String, PlanFile.DecodeError)
        case unwritable(path: String, reason: String)
        /// Made for another API, token owner or person: each difference names both values.
        case otherAccount(path: String, mismatches: [String])
        /// Live state or the avatar file changed since: each changed field.
        case stale(path: String, changed: [String])

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read plan file \(path): \(reason)"
            case .invalid(let path, let error): "plan file \(path): \(error)"
            case .unwritable(let path, let reason): "cannot write plan file \(path): \(reason)"
            case .otherAccount(let path, let mismatches):
                "plan \(path) was made for another account (\(mismatches.joined(separator: "; "))); nothing was written; run plan again with this account"
            case .stale(let path, let changed):
                "stale plan \(path): changed since it was computed: \(changed.joined(separator: ", ")); nothing was written; run plan again"
            }
        }
    }

    /// The binding of a run: its API, its token's owner, and the person a plan is about.
    /// `tokenInfo` may already be in flight (read alongside the live state).
    public static func binding(client: PachcaClient, plan: Plan,
                               tokenInfo: Task<WireTokenInfo, any Error>? = nil) async throws -> PlanBinding {
        let info: WireTokenInfo
        if let tokenInfo { info = try await tokenInfo.value } else { info = try await client.tokenInfo().info }
        return PlanBinding(apiURL: client.configuration.baseURL.absoluteString,
                           tokenOwnerID: info.userID ?? plan.owner.id, subjectIDs: [plan.owner.id])
    }

    public static func save(_ plan: Plan, binding: PlanBinding, to path: String,
                            currentDirectory: String = LocalPath.currentDirectory) throws(Failure) {
        var bound = plan
        bound.binding = binding
        let folder = LocalPath.directory(of: LocalPath.absolute(path, in: currentDirectory))
        let portable = bound.rebasingPaths { LocalPath.relative(of: LocalPath.absolute($0, in: currentDirectory), from: folder) }
        do {
            // Atomic and redacted (SafeFile): a half-written plan never exists.
            try SafeFile.write(text: String(decoding: try PlanFile.encode(portable), as: UTF8.self), to: path)
        } catch {
            throw .unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    /// A saved plan is read under this size bound, checked before reading.
    public static let maxPlanBytes = 16 << 20

    /// Reads a saved plan; its paths come back relative to the current directory.
    public static func load(_ path: String) throws(Failure) -> Plan {
        let bytes: [UInt8]
        switch SafeFile.read(path, maxBytes: maxPlanBytes) {
        case .contents(let b): bytes = b
        case .missing: throw .unreadable(path: path, reason: "no such file")
        case .symlink, .notRegularFile: throw .unreadable(path: path, reason: "not a regular file")
        case .unreadable(let reason): throw .unreadable(path: path, reason: reason)
        case .tooLarge(let size): throw .unreadable(path: path, reason: "\(size) bytes, more than a plan can be (\(maxPlanBytes))")
        }
        let plan: Plan
        do { plan = try PlanFile.decode(Data(bytes)) } catch { throw .invalid(path: path, error) }
        let folder = LocalPath.directory(of: path)
        return plan.rebasingPaths { stored in
            stored.hasPrefix("/") || folder.isEmpty || folder == "." ? stored : folder + "/" + stored
        }
    }

    /// Refuses, before any write, a plan made for another API, token owner or person, or computed
    /// against a live state (or avatar file) that has changed since. `tokenInfo` may already be
    /// in flight. Returns the plan, ready for the executor.
    public static func checkCurrent(_ plan: Plan, path: String, client: PachcaClient, now: Date,
                                    tokenInfo: Task<WireTokenInfo, any Error>? = nil) async throws -> Plan {
        let planned = try checkAPI(plan, path: path, client: client)
        let apiURL = client.configuration.baseURL.absoluteString

        // When one read fails the other is cancelled (the client removes its transfer at once).
        async let liveRead = LiveReader(client: client, subject: plan.subject).read()
        let info: WireTokenInfo
        if let tokenInfo { info = try await tokenInfo.value } else { info = try await client.tokenInfo().info }
        let live = try await liveRead
        let current = PlanBinding(apiURL: apiURL, tokenOwnerID: info.userID ?? live.owner.id, subjectIDs: [live.owner.id])
        let mismatches = PlanBinding.mismatches(planned: planned, current: current)
        if !mismatches.isEmpty { throw Failure.otherAccount(path: path, mismatches: mismatches) }

        var avatarSHA: String?
        if case .value(let avatar) = plan.desired.avatar {
            avatarSHA = (try? LocalFileSystem().currentBytes(of: avatar)).map(SHA256.hex)
        }
        let changed = PlanFile.staleness(of: plan, live: live, now: now, avatarFileSHA256: avatarSHA)
        if !changed.isEmpty { throw Failure.stale(path: path, changed: changed) }
        return plan
    }

    /// Refuses a plan made for another API; call it before any request, so that nothing is read
    /// from an API the plan was not made for.
    @discardableResult
    public static func checkAPI(_ plan: Plan, path: String, client: PachcaClient) throws(Failure) -> PlanBinding {
        guard let planned = plan.binding else { throw .invalid(path: path, .unbound) }
        let apiOnly = PlanBinding(apiURL: client.configuration.baseURL.absoluteString,
                                  tokenOwnerID: planned.tokenOwnerID, subjectIDs: planned.subjectIDs)
        let wrongAPI = PlanBinding.mismatches(planned: planned, current: apiOnly)
        if !wrongAPI.isEmpty { throw .otherAccount(path: path, mismatches: wrongAPI) }
        return planned
    }
}

/// File errors in our words: never Foundation's "The operation could not be completed".
/// Decided by looking at the path, so it works whatever error type the write threw.
public enum FileProblem {
    public static func describe(_ error: any Error, path: String) -> String {
        let folder = LocalPath.directory(of: path)
        switch kind(folder) {
        case .missing: return "the folder \(folder) does not exist (create it first)"
        case .file: return "\(folder) is not a folder"
        case .folder: break
        }
        if kind(path) == .folder { return "\(path) is a folder" }
        if access(folder, W_OK) != 0 { return "permission denied (the folder \(folder) is not writable)" }
        if access(path, F_OK) == 0, access(path, W_OK) != 0 { return "permission denied" }
        return "the file could not be written"
    }

    enum Kind { case missing, file, folder }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .folder : .file
    }
}
