import Support
import PachcaAPI
import ProfileCore

/// `plan --out` and `apply --plan` (docs/commands.md, docs/teams.md): the saved plan is bound to the API, the token
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

    /// The saved file: every planned profile of the run (each bound as a one-profile plan
    /// is), under a binding to the API, the token owner and every subject's id. One format for
    /// one file and for many; files written by earlier versions for one profile (no `kind`)
    /// still load.
    struct Document: Codable {
        var formatVersion: String
        var kind: String
        var binding: PlanBinding
        var profiles: [Plan]
        /// The blast-radius guard's inputs, checked again at `apply --plan`: how many profiles
        /// the run had (skipped ones are not saved) and `--max-changes` as given to `plan`.
        /// Absent from files written before the guard.
        var runProfiles: Int?
        var maxChanges: String?
    }

    /// The file's marker: `profiles` holds the plans.
    static let kind = "team"

    /// Saves every profile that has a plan (a skipped person has none). `tokenInfo` may already
    /// be in flight (read alongside the live state).
    public static func save(_ run: RunPlan, client: PachcaClient, tokenInfo: Task<WireTokenInfo, any Error>? = nil,
                            maxChanges: MaxChanges? = nil, to path: String, currentDirectory: String = LocalPath.currentDirectory) async throws {
        let plans = run.profiles.compactMap(\.plan)
        let info: WireTokenInfo
        if let tokenInfo { info = try await tokenInfo.value } else { info = try await client.tokenInfo().info }
        let apiURL = client.configuration.baseURL.absoluteString
        let owner = info.userID ?? run.profiles.first { $0.person.isSelf }?.person.id ?? 0
        let folder = LocalPath.directory(of: LocalPath.absolute(path, in: currentDirectory))
        let bound = plans.map { plan in
            var plan = plan
            plan.binding = PlanBinding(apiURL: apiURL, tokenOwnerID: owner, subjectIDs: [plan.owner.id])
            return plan.rebasingPaths { LocalPath.relative(of: LocalPath.absolute($0, in: currentDirectory), from: folder) }
        }
        let document = Document(formatVersion: Plan.currentFormatVersion, kind: kind,
                                binding: PlanBinding(apiURL: apiURL, tokenOwnerID: owner, subjectIDs: bound.map(\.owner.id)),
                                profiles: bound, runProfiles: run.size, maxChanges: (maxChanges ?? .automatic).text)
        do {
            // Atomic and redacted (SafeFile): a half-written plan never exists.
            try SafeFile.write(text: try JSONDocument.encode(document, pretty: true) + "\n", to: path,
                               redactor: client.configuration.redactor)
        } catch {
            throw Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    /// A saved plan is read under this size bound, checked before reading.
    public static let maxPlanBytes = 16 << 20

    /// A loaded plan file: its binding and its plans, paths relative to the current directory.
    public struct Loaded: Sendable {
        public var binding: PlanBinding
        public var plans: [Plan]
        /// The guard's inputs as saved (the plans' count and the default for older files).
        public var runProfiles: Int? = nil
        public var maxChanges: MaxChanges = .automatic
    }

    /// Reads a saved plan and checks it is one before any request: bound, each person and file
    /// once, every change well formed, every local path inside the plan's folder.
    public static func load(_ path: String) throws(Failure) -> Loaded {
        let bytes: [UInt8]
        switch SafeFile.read(path, maxBytes: maxPlanBytes) {
        case .contents(let b): bytes = b
        case .missing: throw .unreadable(path: path, reason: "no such file")
        case .symlink, .notRegularFile: throw .unreadable(path: path, reason: "not a regular file")
        case .unreadable(let reason): throw .unreadable(path: path, reason: reason)
        case .tooLarge(let size): throw .unreadable(path: path, reason: "\(size) bytes, more than a plan can be (\(maxPlanBytes))")
        }
        struct Probe: Decodable { var formatVersion: String?; var kind: String? }
        let decoder = JSONDocument.decoder()
        guard let probe = try? decoder.decode(Probe.self, from: Data(bytes)) else {
            throw .invalid(path: path, .notJSON("not a JSON object"))
        }
        guard probe.formatVersion == Plan.currentFormatVersion else {
            throw .invalid(path: path, .unsupportedVersion(probe.formatVersion ?? "(none)"))
        }
        var loaded: Loaded
        if probe.kind == nil {
            let plan: Plan
            do { plan = try PlanFile.decode(Data(bytes)) } catch { throw .invalid(path: path, error) }
            guard let binding = plan.binding else { throw .invalid(path: path, .unbound) }
            loaded = Loaded(binding: binding, plans: [plan])
        } else {
            guard probe.kind == kind else { throw .invalid(path: path, .notJSON("kind: expected \"\(kind)\"")) }
            let document: Document
            do { document = try decoder.decode(Document.self, from: Data(bytes)) } catch {
                throw .invalid(path: path, .notJSON(JSONDocument.describe(error)))
            }
            guard document.profiles.allSatisfy({ $0.binding != nil }),
                  document.binding.subjectIDs.count == document.profiles.count else { throw .invalid(path: path, .unbound) }
            guard let setting = MaxChanges(saved: document.maxChanges ?? "automatic") else {
                throw .invalid(path: path, .notJSON("max_changes: expected a number, a share (25%), all or automatic"))
            }
            loaded = Loaded(binding: document.binding, plans: document.profiles,
                            runProfiles: document.runProfiles.map { max($0, document.profiles.count) }, maxChanges: setting)
        }
        if let problem = problem(in: loaded.plans) { throw .invalid(path: path, .notJSON(problem)) }
        let folder = LocalPath.directory(of: path)
        loaded.plans = loaded.plans.map { plan in
            plan.rebasingPaths { stored in folder.isEmpty || folder == "." ? stored : folder + "/" + stored }
        }
        return loaded
    }

    /// What makes a loaded plan untrustworthy, before anything is read or written.
    static func problem(in plans: [Plan]) -> String? {
        var people = Set<Int>(), files = Set<String>()
        for plan in plans {
            if !people.insert(plan.owner.id).inserted { return "user \(plan.owner.id) is planned twice" }
            if !files.insert(plan.file).inserted { return "\(plan.file) is planned twice" }
            if !plan.changesAreWellFormed { return "\(plan.file): more than one change per resource" }
            // The plan's file decides where its state record is written: only a profile file.
            if plan.desired.file != plan.file || !(plan.file.hasSuffix(".yaml") || plan.file.hasSuffix(".yml")) {
                return "\(plan.file): not a desired-state file (*.yaml, *.yml)"
            }
            var paths = [plan.file, plan.desired.file]
            if case .value(let avatar) = plan.desired.avatar { paths.append(avatar.resolvedPath) }
            paths += plan.changes.compactMap { if case .avatar(let c) = $0 { c.file?.resolvedPath } else { nil } }
            // `plan --out` writes every path relative to the plan's folder; an absolute one was
            // put there by hand, to make apply read (and upload) a file of its choosing.
            for p in paths where p.hasPrefix("/") {
                return "\(plan.file): the path \(p) is absolute (a saved plan holds paths relative to its folder)"
            }
        }
        return nil
    }

    /// Refuses, before any write, a plan made for another API (before any request), token owner
    /// or person (each `user:` resolved again), or stale for any profile; every refusal names
    /// the file it is about. Returns the plans as a run, ready for the executor.
    public static func checkCurrent(_ loaded: Loaded, path: String, client: PachcaClient, now: Date,
                                    tokenInfo: Task<WireTokenInfo, any Error>) async throws -> RunPlan {
        try checkAPI(loaded, path: path, client: client)
        let info = try await tokenInfo.value
        if let owner = info.userID, owner != loaded.binding.tokenOwnerID {
            throw Failure.otherAccount(path: path, mismatches: [
                "token owner: the plan was made with a token of user \(loaded.binding.tokenOwnerID), this token belongs to user \(owner)"])
        }
        let single = loaded.plans.count == 1
        let named: (Plan, String) -> String = { plan, text in single ? text : "\(plan.file): \(text)" }
        var otherPerson: [String] = [], stale: [String] = []
        var profiles: [ProfilePlan] = []
        for (index, plan) in loaded.plans.enumerated() {
            if case .user(let id) = plan.subject, let reference = plan.desired.user,
               let current = try await ReadPlanner.currentID(of: reference, in: client), current != id {
                otherPerson.append(named(plan, "person: the plan was made for user \(id), but `user: \(reference.value)` is now user \(current)"))
                continue
            }
            let live = try await LiveReader(client: client, subject: plan.subject).read()
            if live.suspended {
                otherPerson.append(named(plan, "person: user \(live.owner.id) has been suspended since the plan was made"))
                continue
            }
            let current = PlanBinding(apiURL: client.configuration.baseURL.absoluteString,
                                      tokenOwnerID: info.userID ?? live.owner.id, subjectIDs: [live.owner.id])
            // The run's binding names each person (in the order of the plans); it is what is checked.
            let planned = PlanBinding(apiURL: loaded.binding.apiURL, tokenOwnerID: loaded.binding.tokenOwnerID,
                                      subjectIDs: [loaded.binding.subjectIDs[index]])
            otherPerson += PlanBinding.mismatches(planned: planned, current: current).map { named(plan, $0) }
            var avatarSHA: String?
            if case .value(let avatar) = plan.desired.avatar {
                avatarSHA = (try? LocalFileSystem().currentBytes(of: avatar)).map(SHA256.hex)
            }
            stale += PlanFile.staleness(of: plan, live: live, now: now, avatarFileSHA256: avatarSHA).map { named(plan, $0) }
            let person = SubjectPerson(id: live.owner.id, nickname: live.owner.nickname.isEmpty ? nil : live.owner.nickname,
                                       email: nil, isSelf: plan.subject == .me)
            // The output names the person the writes go to, as the API knows them now.
            var relabeled = plan
            relabeled.owner = live.owner
            profiles.append(ProfilePlan(file: plan.file, person: person, outcome: .planned(relabeled)))
        }
        if !otherPerson.isEmpty { throw Failure.otherAccount(path: path, mismatches: otherPerson) }
        if !stale.isEmpty { throw Failure.stale(path: path, changed: stale) }
        return RunPlan(profiles: profiles, reads: 0, at: now, size: loaded.runProfiles,
                       maxChanges: loaded.maxChanges)
    }

    /// Refuses a plan made for another API; call it before any request, so that nothing is read
    /// from an API the plan was not made for.
    public static func checkAPI(_ loaded: Loaded, path: String, client: PachcaClient) throws(Failure) {
        let planned = loaded.binding
        let apiOnly = PlanBinding(apiURL: client.configuration.baseURL.absoluteString,
                                  tokenOwnerID: planned.tokenOwnerID, subjectIDs: planned.subjectIDs)
        let wrongAPI = PlanBinding.mismatches(planned: planned, current: apiOnly)
        if !wrongAPI.isEmpty { throw .otherAccount(path: path, mismatches: wrongAPI) }
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
