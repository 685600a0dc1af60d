import PortableFoundation
import PachcaAPI
import ProfileCore

/// `plan --out` over several files and `apply --plan` of it (SPEC §9): one artifact holding each
/// profile's saved plan (`profiles`, each bound as a one-file plan is), under a binding to the
/// API, the token owner and every subject's id. Paths are relative to the plan file's folder.
public enum SavedTeamPlan {
    /// The file's marker (`"kind": "team"`); a one-file plan has no `kind`.
    public static let kind = "team"

    struct Document: Codable {
        var formatVersion: String
        var kind: String
        var binding: PlanBinding
        var profiles: [Plan]
    }

    /// Whether the file at `path` is a team plan (anything unreadable is left to the one-file loader's errors).
    public static func isTeamPlan(_ path: String) -> Bool {
        struct Probe: Decodable { var kind: String? }
        guard case .contents(let bytes) = SafeFile.read(path, maxBytes: SavedPlan.maxPlanBytes),
              let probe = try? JSONDocument.decoder().decode(Probe.self, from: Data(bytes)) else { return false }
        return probe.kind == kind
    }

    /// Saves every profile that has a plan (a skipped, suspended person has none).
    public static func save(_ team: TeamPlan, client: PachcaClient, to path: String,
                            currentDirectory: String = LocalPath.currentDirectory) async throws {
        let plans = team.profiles.compactMap(\.plan)
        let info = try await client.tokenInfo().info
        let apiURL = client.configuration.baseURL.absoluteString
        let owner = info.userID ?? plans.first { $0.subject == .me }?.owner.id ?? 0
        let folder = LocalPath.directory(of: LocalPath.absolute(path, in: currentDirectory))
        let bound = plans.map { plan in
            var plan = plan
            plan.binding = PlanBinding(apiURL: apiURL, tokenOwnerID: owner, subjectIDs: [plan.owner.id])
            return plan.rebasingPaths { LocalPath.relative(of: LocalPath.absolute($0, in: currentDirectory), from: folder) }
        }
        let document = Document(formatVersion: Plan.currentFormatVersion, kind: kind,
                                binding: PlanBinding(apiURL: apiURL, tokenOwnerID: owner, subjectIDs: bound.map(\.owner.id)),
                                profiles: bound)
        do {
            try SafeFile.write(text: try JSONDocument.encode(document, pretty: true) + "\n", to: path)
        } catch {
            throw SavedPlan.Failure.unwritable(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    /// Reads a team plan; its paths come back relative to the current directory.
    public static func load(_ path: String) throws(SavedPlan.Failure) -> (binding: PlanBinding, plans: [Plan]) {
        guard case .contents(let bytes) = SafeFile.read(path, maxBytes: SavedPlan.maxPlanBytes) else {
            throw .unreadable(path: path, reason: "not a readable regular file")
        }
        let document: Document
        do { document = try JSONDocument.decoder().decode(Document.self, from: Data(bytes)) } catch {
            throw .invalid(path: path, .notJSON(JSONDocument.describe(error)))
        }
        guard document.formatVersion == Plan.currentFormatVersion else {
            throw .invalid(path: path, .unsupportedVersion(document.formatVersion))
        }
        guard document.profiles.allSatisfy({ $0.binding != nil }),
              document.binding.subjectIDs == document.profiles.map(\.owner.id) else { throw .invalid(path: path, .unbound) }
        let folder = LocalPath.directory(of: path)
        let plans = document.profiles.map { plan in
            plan.rebasingPaths { stored in
                stored.hasPrefix("/") || folder.isEmpty || folder == "." ? stored : folder + "/" + stored
            }
        }
        return (document.binding, plans)
    }

    /// Refuses, before any write, a team plan made for another API (before any request), token
    /// owner or person (each subject's `user:` resolved again), or stale for any subject; every
    /// refusal names the file it is about. Returns the plans, ready for the executor.
    public static func checkCurrent(_ loaded: (binding: PlanBinding, plans: [Plan]), path: String, client: PachcaClient,
                                    now: Date) async throws -> [Plan] {
        let apiURL = client.configuration.baseURL.absoluteString
        let wrongAPI = PlanBinding.mismatches(
            planned: loaded.binding,
            current: PlanBinding(apiURL: apiURL, tokenOwnerID: loaded.binding.tokenOwnerID, subjectIDs: loaded.binding.subjectIDs))
        if !wrongAPI.isEmpty { throw SavedPlan.Failure.otherAccount(path: path, mismatches: wrongAPI) }
        let tokenInfo = Task { try await client.tokenInfo().info }
        let info = try await tokenInfo.value
        if let owner = info.userID, owner != loaded.binding.tokenOwnerID {
            throw SavedPlan.Failure.otherAccount(path: path, mismatches: [
                "token owner: the plan was made with a token of user \(loaded.binding.tokenOwnerID), this token belongs to user \(owner)"])
        }
        var otherPerson: [String] = []
        var stale: [String] = []
        for plan in loaded.plans {
            if case .user(let id) = plan.subject, let reference = plan.desired.user,
               let current = try await ReadPlanner.currentID(of: reference, in: client), current != id {
                otherPerson.append("\(plan.file): person: the plan was made for user \(id), but `user: \(reference.value)` is now user \(current)")
                continue
            }
            do {
                _ = try await SavedPlan.checkCurrent(plan, path: path, client: client, now: now, tokenInfo: tokenInfo)
            } catch SavedPlan.Failure.otherAccount(_, let mismatches) {
                otherPerson += mismatches.map { "\(plan.file): \($0)" }
            } catch SavedPlan.Failure.stale(_, let changed) {
                stale += changed.map { "\(plan.file): \($0)" }
            }
        }
        if !otherPerson.isEmpty { throw SavedPlan.Failure.otherAccount(path: path, mismatches: otherPerson) }
        if !stale.isEmpty { throw SavedPlan.Failure.stale(path: path, changed: stale) }
        return loaded.plans
    }
}
