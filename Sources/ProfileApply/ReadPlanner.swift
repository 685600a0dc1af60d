import Support
import PachcaAPI
import ProfileCore

/// Who a run's `user:` values are, read from the live workspace with the fewest requests (docs/teams.md).
public protocol WorkspaceDirectory: Sendable {
    /// One page of `GET /users` (nil cursor: the first).
    func page(after cursor: String?) async throws -> WireUserPage
    /// The first page of `GET /users?query=…`.
    func search(_ text: String) async throws -> WireUserPage
    /// `GET /users/{id}`; nil when there is no such person (404).
    func user(id: Int) async throws -> WireUser?
}

extension PachcaClient: WorkspaceDirectory {
    public func page(after cursor: String?) async throws -> WireUserPage { try await users(cursor: cursor) }
    public func search(_ text: String) async throws -> WireUserPage { try await users(query: text) }
    public func user(id: Int) async throws -> WireUser? {
        do { return try await profile(.user(id: id)) } catch PachcaAPIError.apiError(status: 404, _, _, _) { return nil }
    }
}

/// What one `user:` value turned out to be.
public enum SubjectResolution: Sendable, Equatable {
    case found(WireUser)
    case unknown
    /// More than one person matches (their ids, ascending).
    case ambiguous([Int])
}

/// Resolves subjects and reads their live state at once: a listed `User` carries `user_status`
/// and `image_url`, so a resolved person needs no further read.
///
/// For S distinct subjects in a workspace of W people, per-person reads cost about S (one
/// `GET /users/{id}` or one exact `query` each) and paging costs ⌈W/50⌉. W is not known before
/// paging, so the planner pages first, at most S pages: if the workspace ends within them,
/// it cost ⌈W/50⌉ ≤ S; otherwise the subjects still unresolved are read one by one, at most S
/// more. Either way the reads stay within min(2·S, ⌈W/50⌉ + 1).
public enum ReadPlanner {
    public struct Outcome: Sendable {
        /// By `UserReference.identity`.
        public var resolutions: [String: SubjectResolution]
        public var reads: Int
        public var pagedWholeWorkspace: Bool
    }

    public static func resolve(_ references: [UserReference], in directory: some WorkspaceDirectory) async throws -> Outcome {
        var pending: [String: UserReference] = [:]
        for r in references { pending[r.identity] = r }
        var hits: [String: [WireUser]] = [:]
        // Paging: at most S pages.
        let (reads, complete) = try await pages(in: directory, atMost: pending.count) { users in
            for user in users {
                for (key, ref) in pending where matches(ref, user) { hits[key, default: []].append(user) }
            }
        }
        var resolutions: [String: SubjectResolution] = [:]
        var unresolved: [UserReference] = []
        for (key, ref) in pending {
            let found = hits[key] ?? []
            if complete || !found.isEmpty { resolutions[key] = verdict(found) } else { unresolved.append(ref) }
        }
        // Per person, concurrently (the scheduler bounds how many at once).
        let perPerson = try await withThrowingTaskGroup(of: (String, SubjectResolution).self) { group in
            for ref in unresolved {
                group.addTask {
                    if let id = ref.id { return (ref.identity, try await directory.user(id: id).map { .found($0) } ?? .unknown) }
                    let page = try await directory.search(ref.value)
                    return (ref.identity, verdict(page.users.filter { matches(ref, $0) }))
                }
            }
            var out: [(String, SubjectResolution)] = []
            for try await item in group { out.append(item) }
            return out
        }
        for (key, r) in perPerson { resolutions[key] = r }
        return Outcome(resolutions: resolutions, reads: reads + unresolved.count, pagedWholeWorkspace: complete)
    }

    /// Pages `GET /users` from the first page, at most `atMost` pages, handing each page's
    /// people to `each`; `complete` when the workspace ended within them.
    static func pages(in directory: some WorkspaceDirectory, atMost: Int,
                      _ each: ([WireUser]) -> Void) async throws -> (reads: Int, complete: Bool) {
        var reads = 0
        var cursor: String?
        while reads < atMost {
            let page = try await directory.page(after: cursor)
            reads += 1
            each(page.users)
            guard let next = page.nextCursor, !page.users.isEmpty else { return (reads, true) }
            cursor = next
        }
        return (reads, false)
    }

    /// Everyone in the workspace, in the order `GET /users` pages (⌈W/50⌉ reads): `export --all`.
    public static func everyone(in directory: some WorkspaceDirectory) async throws -> (users: [WireUser], reads: Int) {
        var users: [WireUser] = []
        let (reads, _) = try await pages(in: directory, atMost: .max) { users += $0 }
        return (users, reads)
    }

    /// Every reference resolved against the whole workspace, already listed (`reads` pages).
    public static func resolve(_ references: [UserReference], among users: [WireUser], reads: Int) -> Outcome {
        var resolutions: [String: SubjectResolution] = [:]
        for ref in references { resolutions[ref.identity] = verdict(users.filter { matches(ref, $0) }) }
        return Outcome(resolutions: resolutions, reads: reads, pagedWholeWorkspace: true)
    }

    static func verdict(_ found: [WireUser]) -> SubjectResolution {
        let ids = Set(found.map(\.id)).sorted()
        switch ids.count {
        case 0: return .unknown
        case 1: return .found(found[0])
        default: return .ambiguous(ids)
        }
    }

    /// Emails and nicknames match whole and ASCII-case-insensitively (a non-ASCII look-alike
    /// never matches); a search's substring hits do not count.
    public static func matches(_ ref: UserReference, _ user: WireUser) -> Bool {
        ref.matches(id: user.id, email: user.email, nickname: user.nickname)
    }
}

extension ReadPlanner {
    /// Who `reference` is now, by id (nil: nobody or several people), for checking that a saved
    /// plan is still about the person it was made for (docs/teams.md).
    public static func currentID(of reference: UserReference, in directory: some WorkspaceDirectory) async throws -> Int? {
        if let id = reference.id { return id }
        let page = try await directory.search(reference.value)
        guard case .found(let user) = verdict(page.users.filter { matches(reference, $0) }) else { return nil }
        return user.id
    }
}
