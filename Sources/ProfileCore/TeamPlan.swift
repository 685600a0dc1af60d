import PortableFoundation

/// Whose profile one file describes, once resolved (the JSON `subject` of §9).
public struct SubjectPerson: Sendable, Equatable, Codable {
    public var id: Int
    public var nickname: String?
    public var email: String?
    public var isSelf: Bool

    public init(id: Int, nickname: String?, email: String?, isSelf: Bool) {
        self.id = id; self.nickname = nickname; self.email = email; self.isSelf = isSelf
    }
}

/// One file's plan in a team run; `skipped` (a suspended person) has no plan.
public struct ProfilePlan: Sendable {
    public init(file: String, person: SubjectPerson, plan: Plan?, skipped: String?) {
        self.file = file; self.person = person; self.plan = plan; self.skipped = skipped
    }

    public var file: String
    public var person: SubjectPerson
    public var plan: Plan?
    public var skipped: String?

    public var hasChanges: Bool { plan?.hasChanges ?? false }
}

/// A run over many files (§9): every subject resolved and read with the fewest requests, then
/// planned independently.
public struct TeamPlan: Sendable {
    public init(profiles: [ProfilePlan], warnings: [String], reads: Int) {
        self.profiles = profiles; self.warnings = warnings; self.reads = reads
    }

    public var profiles: [ProfilePlan]
    public var warnings: [String]
    /// API reads made before planning (owner reads included), for reports and tests.
    public var reads: Int

    public var hasChanges: Bool { profiles.contains { $0.hasChanges } }
}

