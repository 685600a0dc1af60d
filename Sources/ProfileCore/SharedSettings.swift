import Support

/// Shared settings (docs/shared-settings.md): one merge, per top-level key, for both ways a
/// value reaches a person from another file — `include:` (the including file's keys win, a
/// later include over an earlier one, `schedule` lists concatenated) and `select:` group files
/// (a file naming the person > a `tag` file > an `all` file, a tie an error). The result is an
/// ordinary `DesiredState`, so the planner's per-person step is the same for every file.
public enum SharedSettings {
    /// The keys a layer can set, in the order they are merged and reported.
    public static let keys = ["status", "avatar", "person", "timezone", "schedule", "on_manual_change"]
    /// What a group file may not set: a picture and a name are one person's own.
    public static let personalPersonFields = ["first_name", "last_name", "phone_number"]

    /// `own` merged with its includes, already decoded, in the order written.
    public static func including(_ own: DesiredState, _ includes: [DesiredState]) -> DesiredState {
        var merged = own
        for key in keys where key != "schedule" && !own.sets(key) {
            if let last = includes.last(where: { $0.sets(key) }) { merged.take(key, from: last) }
        }
        let windowSources = includes.filter { $0.sets("schedule") }
        if !windowSources.isEmpty {
            var schedule = merged.schedule ?? Schedule()
            for layer in windowSources { schedule.windows += layer.windowsAttributed }
            merged.schedule = schedule
            if !own.sets("schedule") { merged.sources?["schedule"] = windowSources[0].sources?["schedule"] }
        }
        for layer in includes { merged.timestampsAsWritten = merged.timestampsAsWritten.merging(layer.timestampsAsWritten) }
        return merged
    }

    /// Two group files of one rank that set the same key for the same person.
    public struct Conflict: Sendable, Equatable {
        public var key: String
        public var first: DesiredState
        public var second: DesiredState
    }

    /// One person's desired state: their own file (nil when only groups select them) over the
    /// `tag` files, over the `all` files, key by key. `groups` are the group files selecting
    /// the person, in run order. nil when nothing applies.
    public static func person(own: DesiredState?, groups: [DesiredState]) -> (desired: DesiredState?, conflicts: [Conflict]) {
        let tagged = groups.filter { if case .tag = $0.selector?.kind { true } else { false } }
        let everyone = groups.filter { $0.selector?.kind == .all }
        guard var merged = own ?? (tagged + everyone).first.map(Self.base) else { return (nil, []) }
        var conflicts: [Conflict] = []
        for key in keys where !(own?.sets(key) ?? false) {
            for rank in [tagged, everyone] {
                let setting = rank.filter { $0.sets(key) }
                guard let winner = setting.first else { continue }
                for other in setting.dropFirst() { conflicts.append(Conflict(key: key, first: winner, second: other)) }
                merged.take(key, from: winner)
                break
            }
        }
        return (merged, conflicts)
    }

    /// A person known only to group files: the first of them names the profile.
    static func base(_ group: DesiredState) -> DesiredState {
        var state = DesiredState(file: group.file)
        state.sources = [:]
        return state
    }
}

extension DesiredState {
    /// Takes one top-level key's value (and its source) from `other`.
    mutating func take(_ key: String, from other: DesiredState) {
        var schedule = self.schedule ?? Schedule()
        switch key {
        case "status": status = other.status
        case "avatar": avatar = other.avatar
        case "person": person = other.person
        case "timezone":
            schedule.timezone = other.schedule?.timezone
            schedule.zone = other.schedule?.zone
        case "on_manual_change": schedule.onManualChange = other.manualChangePolicy
        case "schedule": schedule.windows = other.windowsAttributed
        default: return
        }
        if ["timezone", "on_manual_change", "schedule"].contains(key) { self.schedule = schedule }
        sources = sources ?? [:]
        sources?[key] = other.sources?[key]
        timestampsAsWritten = timestampsAsWritten.merging(other.timestampsAsWritten)
    }

    /// The file's windows, each naming the file it is written in.
    var windowsAttributed: [ScheduleWindow] {
        (schedule?.windows ?? []).map { window in
            var w = window
            if w.file == nil { w.file = file }
            return w
        }
    }

    /// Where the value of `key` was written: its source, or the file itself.
    public func source(of key: String) -> SourceRef? { sources?[key] }
}

extension Optional where Wrapped == [String: String] {
    func merging(_ other: [String: String]?) -> [String: String]? {
        guard let other else { return self }
        return (self ?? [:]).merging(other) { mine, _ in mine }
    }
}
