import Support

/// `--max-changes N|P%|all`: how many profiles one run may update or delete live values of
/// (docs/teams.md, "The blast-radius guard"). Creating a status or an avatar where there was
/// none does not count; changing or removing one that exists does.
public enum MaxChanges: Sendable, Equatable {
    /// No flag: 30 % of the run's profiles once the run has 10 or more, else no limit.
    case automatic
    case count(Int)
    case percent(Int)
    case all

    /// The default's share and the run size from which it applies.
    public static let defaultPercent = 30
    public static let defaultFromProfiles = 10

    /// `12`, `25%`, `all`; nil for anything else (a usage error for the command).
    public init?(_ text: String) {
        if text == "all" { self = .all; return }
        let digits = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits) else { return nil }
        if text.hasSuffix("%") {
            guard value <= 100 else { return nil }
            self = .percent(value)
        } else {
            self = .count(value)
        }
    }

    /// As the flag is written (`automatic` for the default), for messages and the saved plan.
    public var text: String {
        switch self {
        case .automatic: "automatic"
        case .count(let n): "\(n)"
        case .percent(let p): "\(p)%"
        case .all: "all"
        }
    }

    /// The saved plan's spelling back to the setting (`automatic` included).
    public init?(saved: String) {
        if saved == "automatic" { self = .automatic } else { self.init(saved) }
    }

    /// The most profiles a run of `profiles` may update or delete live values of; nil: no limit.
    /// A share is rounded down (30 % of 25 profiles allows 7).
    public func limit(profiles: Int) -> Int? {
        switch self {
        case .all: nil
        case .count(let n): n
        case .percent(let p): profiles * p / 100
        case .automatic: profiles >= Self.defaultFromProfiles ? profiles * Self.defaultPercent / 100 : nil
        }
    }
}

/// The guard's verdict on a run: how many profiles would have a live value updated or deleted,
/// the limit, and whether `apply` refuses (the JSON `guard`).
public struct BlastRadius: Sendable, Equatable {
    public var changes: Int
    public var limit: Int?
    public var setting: MaxChanges
    public var exceeded: Bool { limit.map { changes > $0 } ?? false }

    /// `apply`'s refusal and `plan`'s warning: the count, the limit and the flag.
    public var message: String {
        let share: String
        switch setting {
        case .automatic: share = " (\(MaxChanges.defaultPercent) % of the run's profiles)"
        case .percent(let p): share = " (\(p) % of the run's profiles)"
        case .count, .all: share = ""
        }
        let noun = changes == 1 ? "profile" : "profiles"
        return "\(changes) \(noun) would have a live status or avatar updated or deleted, more than the limit of \(limit ?? 0)\(share); pass --max-changes N, P% or all to allow it"
    }
}

extension ProfilePlan {
    /// Whether this profile's plan updates or deletes a live value (a create does not count).
    public var touchesLiveValues: Bool {
        plan?.changes.contains { $0.action != .create } ?? false
    }
}

extension RunPlan {
    /// The guard's verdict under `maxChanges`, over the run's `size` profiles.
    public var blastRadius: BlastRadius {
        BlastRadius(changes: profiles.filter(\.touchesLiveValues).count, limit: maxChanges.limit(profiles: size),
                    setting: maxChanges)
    }
}
