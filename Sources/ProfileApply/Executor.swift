import Support
import PachcaAPI
import ProfileCore

public enum ApplyError: Error, CustomStringConvertible {
    case missingScopes([String])
    case avatarFileChanged(path: String, planned: String, now: String)
    case avatarFileUnreadable(path: String, reason: String)
    /// `PUT /users/{id}` answered 403 with the scope granted: the workspace owner's record.
    case ownerProtected(person: String)

    public var description: String {
        switch self {
        case .missingScopes(let scopes):
            "the token lacks the scope\(scopes.count == 1 ? "" : "s") this plan needs: \(scopes.joined(separator: ", ")); nothing was written"
        case .avatarFileChanged(let path, let planned, let now):
            "avatar file \(path) changed since the plan (sha256 \(planned.prefix(12))… then, \(now.prefix(12))… now)"
        case .avatarFileUnreadable(let path, let reason):
            "avatar file \(path) cannot be read: \(reason)"
        case .ownerProtected(let person):
            "the API refused to edit \(person) (403): the workspace owner's record can only be edited by the owner's own token"
        }
    }
}

extension FileReading {
    /// The avatar file's bytes as they are now, under the same bound the loader applies:
    /// apply re-hashes them, since the plan may be older than the file.
    public func currentBytes(of avatar: AvatarFile) throws -> [UInt8] {
        switch readFile(atPath: avatar.resolvedPath, maxBytes: DesiredStateDecoder.maxAvatarBytes) {
        case .contents(let bytes):
            // The bytes must still be the image the plan names: a plan edited to point at
            // another file (a copy of /etc/passwd) never goes out as image/png.
            guard ImageSniffer.format(of: bytes) == avatar.format else {
                throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "not a \(avatar.format.rawValue.uppercased()) image")
            }
            return bytes
        case .notFound: throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "not found")
        case .notRegularFile: throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "not a regular file")
        case .unreadable(let reason): throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: reason)
        case .tooLarge(let size):
            throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "\(size) bytes, more than the limit")
        }
    }
}

/// The one executor, for one profile or a thousand: the scope preflight, the writes (every
/// profile and, within one, status and avatar concurrently: one failing neither stops nor undoes
/// another), and the verification re-read. The state-record locks are taken before planning
/// (`StateLocks`), so a concurrent apply's writes are seen by the plan.
public struct Executor: Sendable {
    public let client: PachcaClient
    /// Where the state records are (one per API host and person, or `--state` for one file).
    public let state: StateLocation
    public let files: any FileReading

    public init(client: PachcaClient, state: StateLocation, files: any FileReading = LocalFileSystem()) {
        self.client = client; self.state = state; self.files = files
    }

    /// The scopes one profile's writes need: the avatar scope only when the avatar changes, the
    /// administrator ones for someone else's profile (`ScopeCatalogue`).
    public static func requiredScopes(for plan: Plan) -> [String] {
        plan.changes.map { ScopeCatalogue.write($0.resource, of: plan.subject) }
    }

    /// Checks with `GET /oauth/token/info` that every needed scope is granted, before any write;
    /// a missing scope names the first file that needs it. `prefetched`: a token-info read
    /// started alongside the live reads (saves a round trip when no prompt stands in between).
    public func preflight(_ run: RunPlan, prefetched: Task<WireTokenInfo, any Error>? = nil) async throws {
        let needs = run.profiles.flatMap { p in (p.plan.map(Self.requiredScopes) ?? []).map { (scope: $0, file: p.file) } }
        guard !needs.isEmpty else { return }
        let info: WireTokenInfo
        if let prefetched { info = try await prefetched.value } else { info = try await client.tokenInfo().info }
        var reported = Set<String>()
        let missing = needs.filter { !info.scopes.contains($0.scope) && reported.insert($0.scope).inserted }
        if !missing.isEmpty {
            throw ApplyError.missingScopes(missing.map { "\($0.scope) (first needed by \($0.file))" })
        }
    }

    /// Writes every changing profile, then verifies it; the report lists every outcome.
    public func apply(_ run: RunPlan, now: @escaping @Sendable () -> Date = Date.init) async -> RunReport {
        var changing: [(Int, ProfilePlan, Plan)] = []
        for (index, profile) in run.profiles.enumerated() {
            if let plan = profile.plan, plan.hasChanges { changing.append((index, profile, plan)) }
        }
        // Others are verified together through the read planner; the owner through /profile….
        let rereader = TeamRereader(client: client, ids: Set(changing.compactMap { $0.1.person.isSelf ? nil : $0.1.person.id }))
        let done = await withTaskGroup(of: (Int, ProfilePlan, ApplyReport).self) { group -> [(Int, ProfilePlan, ApplyReport)] in
            for (index, profile, plan) in changing {
                let store = state.store(file: plan.file, personID: profile.person.id)
                let writer = ProfileWriter(client: client, plan: plan, stateStore: store, files: files,
                                           reread: Self.reread(profile.person, client: client, rereader: rereader))
                group.addTask {
                    let report = await writer.apply(now: now)
                    if !profile.person.isSelf { await rereader.finished(profile.person.id) }
                    return (index, profile, report)
                }
            }
            var out: [(Int, ProfilePlan, ApplyReport)] = []
            for await item in group { out.append(item) }
            return out
        }
        return RunReport(run: run, results: done.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) })
    }

    /// How a person's live state is read again after the writes.
    static func reread(_ person: SubjectPerson, client: PachcaClient,
                       rereader: TeamRereader) -> @Sendable () async throws -> LiveState {
        if person.isSelf { return { try await LiveReader(client: client, subject: .me).read() } }
        let id = person.id
        return { try await rereader.live(of: id) }
    }

    /// A write's error, typed: refused, not authorized, local, or with an unknown outcome.
    static func failure(_ error: any Error) -> WriteFailure {
        switch error {
        case let error as PachcaAPIError:
            switch error {
            case .unauthorized, .forbidden, .missingToken:
                return WriteFailure(.authorization, error.description)
            case .transport(let failure, _, _, _, _) where [.dns, .connect, .tls].contains(failure.kind):
                // No connection was made: the request was never sent.
                return WriteFailure(.refused, error.description)
            case .invalidURL, .insecureURL, .libcurlUnavailable, .apiError, .unexpectedStatus, .redirect,
                 .rateLimitDeadline:
                return WriteFailure(.refused, error.description)
            case .transport, .gaveUp, .decoding:
                return WriteFailure(.outcomeUnknown, error.description)
            }
        case ApplyError.ownerProtected:
            return WriteFailure(.authorization, String(describing: error))
        case let error as ApplyError:
            return WriteFailure(.local, error.description)
        default:
            return WriteFailure(.outcomeUnknown, "unexpected error (\(type(of: error)))")
        }
    }
}

/// The writes of one profile's plan, exactly its changes with their own payloads, then the
/// re-read that verifies them and the state record of what was written.
struct ProfileWriter: Sendable {
    let client: PachcaClient
    let plan: Plan
    let stateStore: StateStore
    let files: any FileReading
    let reread: @Sendable () async throws -> LiveState

    var subject: Subject { plan.subject }

    func apply(now: @Sendable () -> Date) async -> ApplyReport {
        async let statusOutcome = writeStatus()
        async let avatarOutcome = writeAvatar()
        async let personOutcome = writePerson()
        let (status, avatar, person) = await (statusOutcome, avatarOutcome, personOutcome)
        let outcomes = [status, avatar, person].compactMap { $0 }
        var report = ApplyReport(outcomes: outcomes, convergenceProblems: [], verificationError: nil)
        let unknown = outcomes.contains { if case .failed(let f) = $0.result { f.kind == .outcomeUnknown } else { false } }
        guard !report.applied.isEmpty || unknown else { return report }
        await verify(&report, now: now)
        return report
    }

    private func writeStatus() async -> ResourceOutcome? {
        guard let change = plan.statusChange else { return nil }
        return await outcome(of: .status(change)) { try await write(change) }
    }

    private func writeAvatar() async -> ResourceOutcome? {
        guard let change = plan.avatarChange else { return nil }
        return await outcome(of: .avatar(change)) { try await write(change) }
    }

    private func writePerson() async -> ResourceOutcome? {
        guard let change = plan.personChange else { return nil }
        return await outcome(of: .person(change)) { try await write(change) }
    }

    private func outcome(of change: Change, _ write: () async throws -> Void) async -> ResourceOutcome {
        do {
            try await write()
            return ResourceOutcome(change: change, result: .applied)
        } catch {
            return ResourceOutcome(change: change, result: .failed(Executor.failure(error)))
        }
    }

    private func write(_ change: StatusChange) async throws {
        switch change {
        case .create(let status), .update(_, let status):
            _ = try await client.putStatus(subject, WireStatusUpdate(status))
        case .delete:
            try await client.deleteStatus(subject)
        }
    }

    private func write(_ change: AvatarChange) async throws {
        switch change {
        case .create(let file), .update(_, let file, _):
            // Re-hash at apply: what is uploaded must be exactly what the plan showed.
            let bytes = try files.currentBytes(of: file)
            let digest = SHA256.hex(bytes)
            guard digest == file.sha256 else {
                throw ApplyError.avatarFileChanged(path: file.declaredPath, planned: file.sha256, now: digest)
            }
            // The URL it answers is not recorded: verification records the one a GET shows.
            _ = try await client.putAvatar(subject, image: Data(bytes), fileName: AvatarIdentity.uploadFileName(for: file),
                                           mimeType: file.format.mimeType)
        case .delete:
            try await client.deleteAvatar(subject)
        }
    }

    /// The person record, the token owner's too, through `PUT /users/{id}` with the change's request.
    private func write(_ change: PersonChange) async throws {
        do {
            _ = try await client.updatePerson(id: plan.owner.id, WirePersonUpdate(change.request))
        } catch PachcaAPIError.forbidden(let oauth, _) where oauth?.error != "insufficient_scope" {
            // The scope was checked before any write: this 403 is the owner's protected record.
            let owner = plan.owner
            throw ApplyError.ownerProtected(person: owner.displayName.isEmpty ? "@\(owner.nickname) (id \(owner.id))"
                                                : "\(owner.displayName) (@\(owner.nickname), id \(owner.id))")
        }
    }

    /// A write whose answer was lost: the re-read live state tells whether it landed.
    private func settle(_ outcome: ResourceOutcome, live: LiveState, now: Date) -> ResourceOutcome {
        guard case .failed(let failure) = outcome.result, failure.kind == .outcomeUnknown else { return outcome }
        let landed: Bool
        switch outcome.change {
        case .status(.delete): landed = live.effectiveStatus(at: now) == nil
        case .status(.create(let wanted)), .status(.update(_, let wanted)):
            landed = live.effectiveStatus(at: now).map { wanted.isSemanticallyEqual(to: $0) } ?? false
        case .avatar(.delete): landed = live.avatarURL == nil
        case .avatar(let change): landed = live.avatarURL != nil && live.avatarURL != change.beforeURL
        case .person(let change): landed = Self.convergence(of: change, live: live.person).isEmpty
        }
        if landed {
            return ResourceOutcome(change: outcome.change, result: .applied,
                                   note: "the API's answer was lost (\(failure.message)); the re-read profile shows it applied")
        }
        return ResourceOutcome(change: outcome.change, result: .failed(WriteFailure(
            .refused, "\(failure.message); the re-read profile shows it was not applied")))
    }

    /// Re-reads live state; anything applied that still differs is a convergence problem.
    private func verify(_ report: inout ApplyReport, now: @Sendable () -> Date) async {
        let live: LiveState
        do { live = try await reread() } catch {
            report.verificationError = "could not re-read live state to verify: \(Executor.failure(error).message)"
            return
        }
        report.outcomes = report.outcomes.map { settle($0, live: live, now: now()) }
        // An upload known only from a changed URL proves nothing about its bytes: no state record.
        let uploadUnproven = report.outcomes.contains { $0.change.resource == .avatar && $0.note != nil }
        // One read and one write of the state record, whatever was applied.
        var record = stateStore.load() ?? StateRecord(avatar: nil)
        var recordChanged = false
        for case .status(let change) in report.applied {
            let problems = Self.convergence(of: change, live: live.effectiveStatus(at: now()))
            report.convergenceProblems += problems
            // Remember what was written, so a later plan tells it from a hand-set status.
            if problems.isEmpty {
                record.status = change.after.map { StateRecord.AppliedStatus($0, appliedAt: now()) }
                recordChanged = true
            }
        }
        for case .avatar(let change) in report.applied {
            switch (change, live.avatarURL) {
            case (.delete, let url?):
                report.convergenceProblems.append(ConvergenceProblem(field: "avatar", sent: "DELETE", received: url))
            case (.delete, nil):
                record.avatar = nil
                recordChanged = true
            case (.create(let file), nil), (.update(_, let file, _), nil):
                report.convergenceProblems.append(ConvergenceProblem(field: "avatar", sent: file.declaredPath, received: "no avatar"))
            case (.create(let file), let url?), (.update(_, let file, _), let url?):
                // Remember the upload under the URL a later GET shows, so the next plan proves
                // identity from the record without downloading.
                if !uploadUnproven {
                    record.avatar = .init(sha256: file.sha256, imageURL: url, uploadedAt: now())
                    recordChanged = true
                }
            }
        }
        for case .person(let change) in report.applied {
            report.convergenceProblems += Self.convergence(of: change, live: live.person)
        }
        if recordChanged {
            do { try stateStore.save(record, redactor: client.configuration.redactor) } catch {
                report.verificationError = "applied, but the state record \(stateStore.path) could not be written (\(FileProblem.describe(error, path: stateStore.path)))"
            }
        }
    }

    /// What still differs from a status write in the re-read live status.
    static func convergence(of change: StatusChange, live: StatusFields?) -> [ConvergenceProblem] {
        switch (change, live) {
        case (.delete, let remaining?):
            return [ConvergenceProblem(field: "status", sent: "DELETE", received: "\"\(remaining.title)\"")]
        case (.delete, nil):
            return []
        case (.create(let wanted), nil), (.update(_, let wanted), nil):
            return [ConvergenceProblem(field: "status", sent: "\"\(wanted.title)\"", received: "no status")]
        case (.create(let wanted), let got?), (.update(_, let wanted), let got?):
            let sent = StatusSnapshot(wanted), received = StatusSnapshot(got)
            return wanted.differingFields(from: got).map { field in
                ConvergenceProblem(field: "status.\(field.rawValue)", sent: show(sent.value(of: field)),
                                   received: show(received.value(of: field)))
            }
        }
    }

    static func show(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "nothing" }

    /// Each field of a person write that the re-read record does not show, named.
    static func convergence(of change: PersonChange, live: LivePerson?) -> [ConvergenceProblem] {
        guard let live else { return [ConvergenceProblem(field: "person", sent: "PUT", received: "no person record")] }
        var problems: [ConvergenceProblem] = []
        for field in PersonTextField.allCases {
            if let sent = change.after[field], !PersonComparison.sameText(sent, live[field]) {
                problems.append(ConvergenceProblem(field: "person.\(field.rawValue)", sent: show(sent), received: show(live[field])))
            }
        }
        if let sent = change.after.tags, !PersonComparison.sameTags(sent, live.tags) {
            problems.append(ConvergenceProblem(field: "person.tags", sent: PersonChange.list(sent), received: PersonChange.list(live.tags)))
        }
        for p in change.after.customProperties ?? [] {
            let got = live.customProperties.first { PersonComparison.sameText($0.name, p.name) }
            if !PersonComparison.sameValue(p.value, got?.value, type: got?.type ?? .string) {
                problems.append(ConvergenceProblem(field: "person.custom_properties.\(p.name)", sent: show(p.value), received: show(got?.value)))
            }
        }
        return problems
    }
}

/// Verification of a run through the read planner: every person whose writes were made asks
/// for their live state; once everyone expected has asked (or finished without asking), one
/// resolution pass reads them all — pages of `GET /users` or one read each, whichever is
/// fewer — and answers everyone.
actor TeamRereader {
    private let client: PachcaClient
    private var pending: Set<Int>
    private var waiting: [Int: [CheckedContinuation<Result<WireUser, any Error>, Never>]] = [:]

    /// `ids`: everyone who may ask (people other than the token owner, with changes).
    init(client: PachcaClient, ids: Set<Int>) {
        self.client = client
        self.pending = ids
    }

    /// The live state of `id`, read together with everyone else's.
    func live(of id: Int) async throws -> LiveState {
        let user = try await withCheckedContinuation { continuation in
            waiting[id, default: []].append(continuation)
            pending.remove(id)
            fireIfReady()
        }.get()
        return LiveState(user, status: user.userStatus)
    }

    /// `id` finished without asking (nothing was written, so nothing to verify).
    func finished(_ id: Int) {
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
