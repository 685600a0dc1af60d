import PortableFoundation
import PachcaAPI
import ProfileCore

extension SubjectPerson {
    init(_ user: WireUser, isSelf: Bool) {
        self.init(id: user.id, nickname: user.nickname, email: user.email, isSelf: isSelf)
    }
}

/// A `user:` that names nobody, several people, or the same person as another file:
/// findings at the value's file:line:col, before any write.
public struct SubjectResolutionError: Error, Sendable {
    public var diagnostics: [Diagnostic]
}

public struct TeamPlanner: Sendable {
    public let client: PachcaClient

    public init(client: PachcaClient) { self.client = client }

    /// `targets`: when not empty, only files whose person matches one of them are planned (`--target`).
    public func plan(_ files: [DesiredState], targets: [UserReference] = [], stateOverride: String? = nil,
                     now: Date) async throws -> TeamPlan {
        // The owner's two reads (the "+2" of §9): they tell who "self" is and give the owner's live state.
        let (ownerUser, ownerStatus) = try await LiveReader(client: client, subject: .me).readWire()
        let references = files.compactMap(\.user)
        let outcome = references.isEmpty
            ? ReadPlanner.Outcome(resolutions: [:], reads: 0, pagedWholeWorkspace: false)
            : try await ReadPlanner.resolve(references, in: client)

        var problems: [Diagnostic] = []
        var people: [(DesiredState, WireUser)] = []
        var fileByPerson: [Int: String] = [:]
        for desired in files {
            let user: WireUser
            if let ref = desired.user {
                func fail(_ message: String) {
                    problems.append(Diagnostic(severity: .error, file: desired.file, line: ref.line, column: ref.column,
                                               path: "user", message: message))
                }
                switch outcome.resolutions[ref.identity] ?? .unknown {
                case .unknown: fail("nobody in the workspace has the \(ref.kind.rawValue) \(ref.kind == .id ? ref.value : "'\(ref.value)'")"); continue
                case .ambiguous(let ids):
                    fail("\(ids.count) people match '\(ref.value)' (ids \(ids.map(String.init).joined(separator: ", "))); write an id or an email")
                    continue
                case .found(let u): user = u.id == ownerUser.id ? ownerUser : u
                }
            } else {
                user = ownerUser
            }
            if let earlier = fileByPerson[user.id] {
                problems.append(Diagnostic(severity: .error, file: desired.file, line: desired.user?.line ?? 0,
                                           column: desired.user?.column ?? 0, path: desired.user == nil ? "" : "user",
                                           message: "\(earlier) already describes this person (id \(user.id))"))
                continue
            }
            fileByPerson[user.id] = desired.file
            people.append((desired, user))
        }
        if !problems.isEmpty { throw SubjectResolutionError(diagnostics: problems) }

        let wanted = targets.isEmpty ? people
            : people.filter { _, user in targets.contains { ReadPlanner.matches($0, user) } }
        var warnings: [String] = []
        if !targets.isEmpty {
            for t in targets where !people.contains(where: { ReadPlanner.matches(t, $0.1) }) {
                warnings.append("--target \(t.displayed) matches none of the files")
            }
        }
        let single = files.count == 1
        let planned = try await withThrowingTaskGroup(of: (Int, ProfilePlan).self) { group in
            for (index, (desired, user)) in wanted.enumerated() {
                group.addTask {
                    let isSelf = user.id == ownerUser.id
                    let person = SubjectPerson(user, isSelf: isSelf)
                    if !isSelf, user.suspended == true {
                        return (index, ProfilePlan(file: desired.file, person: person, plan: nil,
                                                   skipped: "\(Self.name(user)) is suspended; skipped"))
                    }
                    let subject: Subject = isSelf ? .me : .user(id: user.id)
                    let live = LiveState(owner: ProfileOwner(user),
                                         status: (isSelf ? ownerStatus : user.userStatus).map(StatusFields.init),
                                         avatarURL: user.imageURL, timeZone: user.timeZone)
                    let store = StateStore(profilePath: desired.file, override: single ? stateOverride : nil)
                    let plan = try await Planner(client: client, subject: subject).plan(desired: desired, live: live, stateStore: store, now: now)
                    return (index, ProfilePlan(file: desired.file, person: person, plan: plan, skipped: nil))
                }
            }
            var out: [(Int, ProfilePlan)] = []
            for try await item in group { out.append(item) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        warnings += planned.compactMap(\.skipped)
        return TeamPlan(profiles: planned, warnings: warnings, reads: 2 + outcome.reads)
    }

    static func name(_ user: WireUser) -> String {
        user.nickname.map { "@\($0)" } ?? "user \(user.id)"
    }
}

/// Verification of a team apply through the read planner (§9): every person whose writes were
/// made asks for their live state; once everyone expected has asked (or finished without
/// asking), one resolution pass reads them all — pages of `GET /users` or one read each,
/// whichever is fewer — and answers everyone.
public actor TeamRereader {
    private let client: PachcaClient
    private var pending: Set<Int>
    private var waiting: [Int: [CheckedContinuation<Result<WireUser, any Error>, Never>]] = [:]

    /// `ids`: everyone who may ask (people other than the token owner, with changes).
    public init(client: PachcaClient, ids: Set<Int>) {
        self.client = client
        self.pending = ids
    }

    /// The live state of `id`, read together with everyone else's.
    public func live(of id: Int) async throws -> LiveState {
        let user = try await withCheckedContinuation { continuation in
            waiting[id, default: []].append(continuation)
            pending.remove(id)
            fireIfReady()
        }.get()
        return LiveState(owner: ProfileOwner(user), status: user.userStatus.map(StatusFields.init), avatarURL: user.imageURL,
                         timeZone: user.timeZone)
    }

    /// `id` finished without asking (nothing was written, so nothing to verify).
    public func finished(_ id: Int) {
        pending.remove(id)
        fireIfReady()
    }

    private func fireIfReady() {
        guard pending.isEmpty, !waiting.isEmpty else { return }
        let asked = waiting
        waiting = [:]
        let client = self.client
        Task {
            let refs = asked.keys.sorted().map { UserReference(kind: .id, value: String($0)) }
            let outcome: Result<ReadPlanner.Outcome, any Error>
            do { outcome = .success(try await ReadPlanner.resolve(refs, in: client)) } catch { outcome = .failure(error) }
            for (id, continuations) in asked {
                let result: Result<WireUser, any Error> = outcome.flatMap { o in
                    if case .found(let user)? = o.resolutions["id:\(id)"] { return .success(user) }
                    return .failure(PachcaAPIError.decoding(method: "GET", path: "/users/\(id)", "the person is no longer in the workspace"))
                }
                for c in continuations { c.resume(returning: result) }
            }
        }
    }
}
