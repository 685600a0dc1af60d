#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
        let planned = await withTaskGroup(of: (Int, ProfilePlan).self) { group in
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
                                         avatarURL: user.imageURL)
                    let store = StateStore(profilePath: desired.file, override: single ? stateOverride : nil)
                    let plan = await Planner(client: client, subject: subject).plan(desired: desired, live: live, stateStore: store, now: now)
                    return (index, ProfilePlan(file: desired.file, person: person, plan: plan, skipped: nil))
                }
            }
            var out: [(Int, ProfilePlan)] = []
            for await item in group { out.append(item) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        warnings += planned.compactMap(\.skipped)
        return TeamPlan(profiles: planned, warnings: warnings, reads: 2 + outcome.reads)
    }

    static func name(_ user: WireUser) -> String {
        user.nickname.map { "@\($0)" } ?? "user \(user.id)"
    }
}
