import Support

/// Whose profile one file describes, once resolved (the JSON `subject`).
public struct SubjectPerson: Sendable, Equatable, Codable {
    public var id: Int
    public var nickname: String?
    public var email: String?
    public var isSelf: Bool

    public init(id: Int, nickname: String?, email: String?, isSelf: Bool) {
        self.id = id; self.nickname = nickname; self.email = email; self.isSelf = isSelf
    }

    /// The API paths this person is written through: `/profile…` for the token owner.
    public var subject: Subject { isSelf ? .me : .user(id: id) }

    /// `@nickname`, or `id N` when there is none.
    public var handle: String { nickname.map { "@\($0)" } ?? "id \(id)" }
}

/// One file of a run: planned, skipped with a reason (a suspended person), or failed with a
/// message that belongs to this file only (an unknown time zone); the others go on.
public struct ProfilePlan: Sendable {
    public enum Outcome: Sendable {
        case planned(Plan)
        case skipped(String)
        case failed(String)
    }

    public var file: String
    public var person: SubjectPerson
    public var outcome: Outcome

    public init(file: String, person: SubjectPerson, outcome: Outcome) {
        self.file = file; self.person = person; self.outcome = outcome
    }

    public var plan: Plan? { if case .planned(let plan) = outcome { plan } else { nil } }
    public var skipped: String? { if case .skipped(let reason) = outcome { reason } else { nil } }
    public var failure: String? { if case .failed(let message) = outcome { message } else { nil } }
    public var hasChanges: Bool { plan?.hasChanges ?? false }
}

/// A run: N files planned against the live workspace, one file being a run of one. Every
/// subject is resolved and read with the fewest requests, then planned independently.
public struct RunPlan: Sendable {
    public init(profiles: [ProfilePlan], reads: Int, at: Date, size: Int? = nil,
                maxChanges: MaxChanges = .automatic) {
        self.profiles = profiles; self.reads = reads; self.at = at
        self.size = size ?? profiles.count; self.maxChanges = maxChanges
    }

    public var profiles: [ProfilePlan]
    /// Warnings of the run as a whole (not of one profile's plan): each skipped person.
    public var warnings: [String] { profiles.compactMap(\.skipped) }
    /// API reads made before planning (owner reads included), for reports and tests.
    public var reads: Int
    /// The instant planned for (now, or `--at`).
    public var at: Date
    /// How many profiles the run has for the blast-radius guard: every profile planned,
    /// skipped or failed (a saved plan keeps the number of the run it was made from).
    public var size: Int
    /// `--max-changes` (`blastRadius`).
    public var maxChanges: MaxChanges

    public var hasChanges: Bool { profiles.contains { $0.hasChanges } }
    public var failures: [ProfilePlan] { profiles.filter { $0.failure != nil } }
    /// The one profile of a run of one, whatever its outcome.
    public var single: ProfilePlan? { profiles.count == 1 ? profiles[0] : nil }
    /// The earliest instant any profile's desired state changes.
    public var nextChangeAt: Date? { profiles.compactMap { $0.plan?.nextChangeAt }.min() }

    public var counts: (create: Int, update: Int, delete: Int) {
        profiles.compactMap(\.plan).reduce(into: (0, 0, 0)) { acc, plan in
            let k = plan.counts
            acc.0 += k.create; acc.1 += k.update; acc.2 += k.delete
        }
    }
}

/// What an apply of a run did: each changing profile's report, in run order.
public struct RunReport: Sendable {
    public var run: RunPlan
    public var results: [(profile: ProfilePlan, report: ApplyReport)]

    public init(run: RunPlan, results: [(profile: ProfilePlan, report: ApplyReport)]) {
        self.run = run; self.results = results
    }

    public func report(for file: String) -> ApplyReport? { results.first { $0.profile.file == file }?.report }
    public var succeeded: Bool { results.allSatisfy { $0.report.succeeded } && run.failures.isEmpty }
    public var authorizationFailed: Bool { results.contains { $0.report.authorizationFailed } }
}
