import Support
import ProfileCore
import ProfileYAML

/// Many identical changes read as one (docs/teams.md, "Reading a large plan"): when more than
/// `threshold` profiles change, profiles whose changes are identical — same resources, actions,
/// fields and values — are shown once, as a group with its count and its first files. Built
/// from the plans' values; the text and Markdown views render the same entries.
enum Rollup {
    /// Grouping starts above this many changing profiles.
    static let threshold = 10
    /// How many of a group's files are named before "and N more".
    static let filesShown = 2

    enum Entry {
        /// A profile on its own, whatever its outcome (each view decides whether to show it).
        case profile(ProfilePlan)
        /// Profiles with identical changes, in run order.
        case group([Plan])
    }

    /// What a change does, as values: two profiles with equal keys render the same lines.
    struct Key: Hashable {
        struct Part: Hashable {
            var resource: Resource
            var action: Action
            var fields: [[String?]]
            var avatar: [String?]
        }
        var parts: [Part]

        init(_ plan: Plan) {
            let written = plan.desired.timestampsAsWritten
            parts = plan.changes.map { change in
                switch change {
                case .status(let status):
                    // A timestamp is shown as written in its file: part of what is shown.
                    let fields = status.fields.map { f in
                        [f.field.rawValue, f.before, f.after, f.after.flatMap { written?[$0] }]
                    }
                    return Part(resource: .status, action: status.action, fields: fields, avatar: [])
                case .avatar(let avatar):
                    return Part(resource: .avatar, action: avatar.action, fields: [],
                                avatar: [avatar.beforeURL, avatar.file?.declaredPath, avatar.file?.sha256,
                                         avatar.file.map { "\($0.byteCount)" }, avatar.evidence?.rawValue])
                case .person(let person):
                    return Part(resource: .person, action: .update, fields: person.fields.map { [$0.field, $0.before, $0.after] },
                                avatar: [])
                }
            }
        }
    }

    /// Every profile of the run in run order; with more than `threshold` changing and no
    /// `expand`, identical ones folded into a group where the first stood. A profile with
    /// warnings or a kept status is always on its own.
    static func entries(_ run: RunPlan, expand: Bool) -> [Entry] {
        let changing = run.profiles.filter(\.hasChanges).count
        guard !expand, changing > threshold else { return run.profiles.map(Entry.profile) }
        var slots: [Entry] = []
        var groupSlot: [Key: Int] = [:]
        var members: [Int: [Plan]] = [:]
        for profile in run.profiles {
            guard let plan = profile.plan, plan.hasChanges, plan.warnings.isEmpty, plan.keptStatus == nil else {
                slots.append(.profile(profile)); continue
            }
            let key = Key(plan)
            if let slot = groupSlot[key] {
                members[slot, default: []].append(plan)
            } else {
                groupSlot[key] = slots.count
                members[slots.count] = [plan]
                slots.append(.profile(profile))
            }
        }
        for (slot, plans) in members where plans.count > 1 { slots[slot] = .group(plans) }
        return slots
    }

    /// `team/anna.yaml, team/boris.yaml and 310 more` (file names inert, on one line).
    static func files(_ files: [String]) -> String {
        let named = files.prefix(filesShown).map(InertText.line).joined(separator: ", ")
        return files.count > filesShown ? "\(named) and \(files.count - filesShown) more" : named
    }
}
