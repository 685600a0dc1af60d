import Support

/// Where and for whom a saved plan was made (docs/teams.md): the API base URL, the token owner's id
/// and every subject's id. `apply --plan` refuses a plan whose binding differs from the run's.
public struct PlanBinding: Sendable, Equatable, Codable {
    /// Normalized with `PlanBinding.normalizedAPIURL` (no trailing slash, no credentials).
    public var apiURL: String
    public var tokenOwnerID: Int
    public var subjectIDs: [Int]

    public init(apiURL: String, tokenOwnerID: Int, subjectIDs: [Int]) {
        self.apiURL = Self.normalizedAPIURL(apiURL); self.tokenOwnerID = tokenOwnerID; self.subjectIDs = subjectIDs
    }

    /// A trailing slash is harmless (docs/configuration.md) and credentials never belong in an artifact.
    public static func normalizedAPIURL(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        if let scheme = text.firstScalarRange(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
           !text[scheme.upperBound..<at].contains("/") {
            text.removeSubrange(scheme.upperBound...at)
        }
        return text
    }

    /// One sentence per difference, naming both values; empty when the plan belongs to this run.
    /// The API is compared first: a plan for another API says nothing about owners there.
    public static func mismatches(planned: PlanBinding, current: PlanBinding) -> [String] {
        var found: [String] = []
        if planned.apiURL != current.apiURL {
            found.append("API: the plan was made for \(planned.apiURL), this run uses \(current.apiURL)")
        }
        if planned.tokenOwnerID != current.tokenOwnerID {
            found.append("token owner: the plan was made with a token of user \(planned.tokenOwnerID), this token belongs to user \(current.tokenOwnerID)")
        }
        if planned.subjectIDs != current.subjectIDs {
            let was = planned.subjectIDs.map { "user \($0)" }.joined(separator: ", ")
            let now = current.subjectIDs.map { "user \($0)" }.joined(separator: ", ")
            found.append("person: the plan was made for \(was), this run would change \(now)")
        }
        return found
    }
}

extension Plan {
    /// The plan with every local path passed through `transform`: used to store paths relative to
    /// the plan file's folder and to resolve them against it again (docs/teams.md).
    public func rebasingPaths(_ transform: (String) -> String) -> Plan {
        var plan = self
        plan.file = transform(file)
        plan.desired.file = transform(desired.file)
        if case .value(var avatar) = desired.avatar {
            avatar.resolvedPath = transform(avatar.resolvedPath)
            plan.desired.avatar = .value(avatar)
        }
        plan.changes = changes.map { change in
            switch change {
            case .avatar(.create(var file)):
                file.resolvedPath = transform(file.resolvedPath)
                return .avatar(.create(file: file))
            case .avatar(.update(let url, var file, let evidence)):
                file.resolvedPath = transform(file.resolvedPath)
                return .avatar(.update(beforeURL: url, file: file, evidence: evidence))
            case .status, .avatar(.delete), .person:
                return change
            }
        }
        return plan
    }
}
