import Support
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

/// A `--target` that matches none of the run's files: a typo must not pass as "no changes".
public struct UnmatchedTargetError: Error, Sendable, CustomStringConvertible {
    public var targets: [String]
    public var description: String {
        "--target \(targets.joined(separator: ", ")) matches none of the files; nothing was read further or written"
    }
}

/// The one planner, for one file or a thousand. Reads top to bottom: the token owner (two
/// reads, which also tell who "self" is), every `user:` resolved with the fewest reads (see
/// `ReadPlanner`), then each profile planned on its own: its state record, avatar evidence,
/// the schedule's zone, changes. A failure that belongs to one file (an unknown time zone) fails that file only.
public struct Planner: Sendable {
    public let client: PachcaClient
    public let zones: any TimeZoneSource

    public init(client: PachcaClient, zones: any TimeZoneSource = SystemTimeZones()) {
        self.client = client; self.zones = zones
    }

    /// The run's people, resolved: who owns the token, and each wanted file's person with the
    /// live state read for them. Known before any state record is read, so `apply` can lock
    /// those records first (`ApplyRun`).
    public struct Resolved: Sendable {
        let owner: WireUser
        let ownerStatus: WireUserStatus?
        let people: [(DesiredState, WireUser)]
        /// The workspace's custom property definitions, read when some file names a property.
        let definitions: [PropertyDefinition]
        let reads: Int

        /// Each person's state record, in run order.
        public func stores(in state: StateLocation) -> [StateStore] {
            people.map { desired, user in state.store(file: desired.file, personID: user.id) }
        }
    }

    /// `targets`: when not empty, only files whose person matches one of them are planned.
    /// `state`: where the state records are (the store, or `--state` for a run of one file).
    public func plan(_ files: [DesiredState], targets: [UserReference] = [], state: StateLocation,
                     now: Date) async throws -> RunPlan {
        try await plan(resolve(files, targets: targets), state: state, now: now)
    }

    /// Reads the token owner (two reads, which also tell who "self" is) and resolves every
    /// `user:` with the fewest reads; a `--target` matching no file is an error.
    public func resolve(_ files: [DesiredState], targets: [UserReference] = []) async throws -> Resolved {
        let (ownerUser, ownerStatus) = try await LiveReader(client: client, subject: .me).readWire()
        let groups = files.filter { $0.selector != nil }
        let personal = files.filter { $0.selector == nil }
        let references = personal.compactMap(\.user)
        // A group file needs everyone listed (⌈W/50⌉ reads), which also resolves every `user:`.
        let workspace = groups.isEmpty ? nil : try await ReadPlanner.everyone(in: client)
        let outcome = if let workspace {
            ReadPlanner.resolve(references, among: workspace.users, reads: workspace.reads)
        } else if references.isEmpty {
            ReadPlanner.Outcome(resolutions: [:], reads: 0, pagedWholeWorkspace: false)
        } else {
            try await ReadPlanner.resolve(references, in: client)
        }
        var people = try Self.subjects(of: personal, owner: ownerUser, resolutions: outcome.resolutions)
        if let workspace { people = try Self.grouped(people, groups: groups, workspace: workspace.users, owner: ownerUser) }

        let unmatched = targets.filter { t in !people.contains { ReadPlanner.matches(t, $0.1) } }
        if !unmatched.isEmpty { throw UnmatchedTargetError(targets: unmatched.map(\.displayed)) }
        let wanted = targets.isEmpty ? people
            : people.filter { _, user in targets.contains { ReadPlanner.matches($0, user) } }

        // Property definitions once per run, only when some file names custom properties; an
        // unknown name or a mistyped value is a located finding, before any write.
        let namesProperties = wanted.contains { $0.0.person?.customProperties != nil }
        let definitions = namesProperties ? try await client.customProperties().map(PropertyDefinition.init) : []
        let problems = wanted.flatMap { $0.0.propertyDiagnostics(definitions) }
        if !problems.isEmpty { throw SubjectResolutionError(diagnostics: problems.sortedByPosition()) }
        return Resolved(owner: ownerUser, ownerStatus: ownerStatus, people: wanted, definitions: definitions,
                        reads: 2 + outcome.reads + (namesProperties ? 1 : 0))
    }

    /// Plans every resolved person on their own, against the live state already read.
    public func plan(_ resolved: Resolved, state: StateLocation, now: Date) async throws -> RunPlan {
        let ownerUser = resolved.owner, ownerStatus = resolved.ownerStatus
        let definitions = resolved.definitions
        let profiles = try await withThrowingTaskGroup(of: (Int, ProfilePlan).self) { group in
            for (index, (desired, user)) in resolved.people.enumerated() {
                group.addTask {
                    let person = SubjectPerson(user, isSelf: user.id == ownerUser.id)
                    if !person.isSelf, user.suspended == true {
                        return (index, ProfilePlan(file: desired.file, person: person,
                                                   outcome: .skipped("\(person.handle) is suspended; skipped")))
                    }
                    let live = LiveState(user, status: person.isSelf ? ownerStatus : user.userStatus)
                    let store = state.store(file: desired.file, personID: user.id)
                    do {
                        let plan = try await planProfile(desired, live: live, subject: person.subject, stateStore: store, now: now,
                                                         properties: definitions)
                        return (index, ProfilePlan(file: desired.file, person: person, outcome: .planned(plan)))
                    } catch let failure as ScheduleError {
                        return (index, ProfilePlan(file: desired.file, person: person, outcome: .failed(failure.description)))
                    }
                }
            }
            var out: [(Int, ProfilePlan)] = []
            for try await item in group { out.append(item) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return RunPlan(profiles: profiles, reads: resolved.reads, at: now)
    }

    /// Every file's person; a `user:` naming nobody or several people, or a person described
    /// twice, is a located finding, all of them reported at once.
    static func subjects(of files: [DesiredState], owner: WireUser,
                         resolutions: [String: SubjectResolution]) throws -> [(DesiredState, WireUser)] {
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
                switch resolutions[ref.identity] ?? .unknown {
                case .unknown:
                    fail("nobody in the workspace has the \(ref.kind.rawValue) \(ref.kind == .id ? ref.value : "'\(ref.value)'")")
                    continue
                case .ambiguous(let ids):
                    fail("\(ids.count) people match '\(ref.value)' (ids \(ids.map(String.init).joined(separator: ", "))); write an id or an email")
                    continue
                case .found(let u): user = u.id == owner.id ? owner : u
                }
            } else {
                user = owner
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
        return people
    }

    /// Group files applied (docs/shared-settings.md): each active person a group file selects
    /// gets one desired state — their own file over `tag` files over `all` files, key by key —
    /// before anything is planned. Two files of one rank setting one key for one person are
    /// findings naming both files and the person, all at once, before any write.
    static func grouped(_ people: [(DesiredState, WireUser)], groups: [DesiredState], workspace: [WireUser],
                        owner: WireUser) throws -> [(DesiredState, WireUser)] {
        var problems: [Diagnostic] = []
        var out: [(DesiredState, WireUser)] = []
        var planned = Set<Int>()
        func merge(own: DesiredState?, user: WireUser) {
            let selecting = groups.filter { $0.selector?.selects(tags: user.listTags ?? []) ?? false }
            let (desired, conflicts) = SharedSettings.person(own: own, groups: user.suspended == true ? [] : selecting)
            for c in conflicts {
                let at = c.second.source(of: c.key) ?? SourceRef(file: c.second.file, line: 0)
                let rank = c.first.selector?.kind == .all ? "all" : "tag"
                let who = user.nickname.map { "@\($0) (id \(user.id))" } ?? "id \(user.id)"
                problems.append(Diagnostic(severity: .error, file: at.file, line: at.line, column: at.line == 0 ? 0 : 1,
                    path: c.key, message: "\(c.first.file) and \(c.second.file) both set it for \(who)",
                    notes: ["two \(rank) group files cannot both set one key for one person; keep it in one of them, or in the person's own file"]))
            }
            if let desired { out.append((desired, user)) }
        }
        for (own, user) in people {
            planned.insert(user.id)
            merge(own: own, user: user)
        }
        for listed in workspace where !planned.contains(listed.id) && listed.suspended != true && listed.bot != true {
            merge(own: nil, user: listed.id == owner.id ? owner : listed)
        }
        if !problems.isEmpty { throw SubjectResolutionError(diagnostics: problems.sortedByPosition()) }
        return out
    }

    /// One profile against live state already read.
    func planProfile(_ desired: DesiredState, live: LiveState, subject: Subject, stateStore: StateStore,
                     now: Date, properties: [PropertyDefinition] = []) async throws -> Plan {
        // The record matters for a managed avatar (identity) and under `on_manual_change: keep`
        // (the last applied status); then a broken one is worth a warning.
        let needsRecord = desired.avatar.value != nil || desired.manualChangePolicy == .keep
        let (record, recordWarning) = needsRecord ? stateStore.loadReporting() : (nil, nil)
        let assessment = await AvatarProver(client: client).assess(desired: desired, live: live, record: record)
        let zone = try ProfileZone.resolve(desired, live: live, zones: zones)
        var plan = Differ.plan(desired: desired, live: live, avatar: assessment, now: now, subject: subject, zone: zone,
                               lastApplied: record?.status?.fields, properties: properties)
        if let recordWarning { plan.warnings.append(recordWarning) }
        return plan
    }
}

/// `timezone: profile`: the person's own Pachca `time_zone`, known once the profile is read.
public enum ProfileZone {
    public static func resolve(_ desired: DesiredState, live: LiveState?, zones: any TimeZoneSource) throws -> ZoneRules? {
        guard let schedule = desired.schedule, schedule.timezone == .profile else { return desired.schedule?.zone }
        guard let name = live?.timeZone, !name.isEmpty else {
            // Dated windows need no zone; weekly ones cannot be placed without it.
            if !schedule.hasWeeklyWindows { return nil }
            throw ScheduleError.noProfileTimeZone(file: desired.file)
        }
        switch TimeZoneResolution.resolve(name, source: zones) {
        case .success(let rules): return rules
        case .failure(let failure): throw ScheduleError.profileTimeZone(file: desired.file, failure: failure)
        }
    }
}

public enum ScheduleError: Error, CustomStringConvertible {
    case noProfileTimeZone(file: String)
    case profileTimeZone(file: String, failure: TimeZoneResolution.Failure)

    public var description: String {
        switch self {
        case .noProfileTimeZone(let file):
            "\(file): timezone: profile, but the profile has no personal time_zone (Pachca then uses the company's, which the API does not show); name the zone in the file, e.g. timezone: Europe/Moscow"
        case .profileTimeZone(let file, let failure):
            "\(file): timezone: profile: the profile's time_zone: \(failure.message)" + failure.notes.map { "; \($0)" }.joined()
        }
    }
}
