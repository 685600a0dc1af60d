import PortableFoundation
import PachcaAPI
import ProfileCore

public enum ApplyError: Error, CustomStringConvertible {
    case missingScopes([String])
    case avatarFileChanged(path: String, planned: String, now: String)
    case avatarFileUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingScopes(let scopes):
            "the token lacks the scope\(scopes.count == 1 ? "" : "s") this plan needs: \(scopes.joined(separator: ", ")); nothing was written"
        case .avatarFileChanged(let path, let planned, let now):
            "avatar file \(path) changed since the plan (sha256 \(planned.prefix(12))… then, \(now.prefix(12))… now)"
        case .avatarFileUnreadable(let path, let reason):
            "avatar file \(path) cannot be read: \(reason)"
        }
    }
}

extension FileReading {
    /// The avatar file's bytes as they are now, under the same bound the loader applies:
    /// apply re-hashes them, since the plan may be older than the file.
    public func currentBytes(of avatar: AvatarFile) throws -> [UInt8] {
        switch readFile(atPath: avatar.resolvedPath, maxBytes: DesiredStateDecoder.maxAvatarBytes) {
        case .contents(let bytes): return bytes
        case .notFound: throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "not found")
        case .notRegularFile: throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "not a regular file")
        case .unreadable(let reason): throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: reason)
        case .tooLarge(let size):
            throw ApplyError.avatarFileUnreadable(path: avatar.declaredPath, reason: "\(size) bytes, more than the limit")
        }
    }
}

/// Applies exactly a plan's changes, then re-reads live state and verifies them.
/// Status and avatar writes are independent: they run concurrently and one failing
/// neither stops nor undoes the other.
public struct Executor: Sendable {
    public let client: PachcaClient
    public let subject: Subject
    public let stateStore: StateStore
    public let files: any FileReading
    /// How verification re-reads the live state; nil: `LiveReader`. A team run passes its read
    /// planner, so many people are verified with a few pages instead of one read each (§9).
    public var rereadLive: (@Sendable () async throws -> LiveState)?

    public init(client: PachcaClient, subject: Subject = .me, stateStore: StateStore,
                files: any FileReading = LocalFileSystem()) {
        self.client = client; self.subject = subject; self.stateStore = stateStore; self.files = files
    }

    /// The scopes a plan's writes need (SPEC §6): avatar scope only when the avatar changes.
    public static func requiredScopes(for plan: Plan) -> [String] {
        var scopes: [String] = []
        // Someone else's profile needs the administrator scopes (§9).
        let own = plan.subject == .me
        if plan.change(for: .status) != nil { scopes.append(own ? "profile_status:write" : "user_status:write") }
        if plan.change(for: .avatar) != nil { scopes.append(own ? "profile_avatar:write" : "user_avatar:write") }
        return scopes
    }

    /// Checks with `GET /oauth/token/info` that every needed scope is granted, before any write.
    /// `prefetched` is a token-info read started alongside the live reads (saves a round trip
    /// when no prompt stands between plan and apply).
    public func preflight(_ plan: Plan, prefetched: Task<WireTokenInfo, any Error>? = nil) async throws {
        let needed = Self.requiredScopes(for: plan)
        guard !needed.isEmpty else { return }
        let info: WireTokenInfo
        if let prefetched { info = try await prefetched.value } else { info = try await client.tokenInfo().info }
        let missing = needed.filter { !info.scopes.contains($0) }
        if !missing.isEmpty { throw ApplyError.missingScopes(missing) }
    }

    public func apply(_ plan: Plan, now: @Sendable () -> Date = Date.init) async -> ApplyReport {
        async let statusOutcome = applyStatus(plan)
        async let avatarOutcome = applyAvatar(plan)
        let (status, avatar) = await (statusOutcome, avatarOutcome)
        let outcomes = [status, avatar].compactMap { $0 }
        var report = ApplyReport(outcomes: outcomes, convergenceProblems: [], verificationError: nil)
        let unknown = outcomes.contains { if case .failed(let f) = $0.result { f.kind == .outcomeUnknown } else { false } }
        guard !report.applied.isEmpty || unknown else { return report }
        await verify(plan, report: &report, now: now)
        return report
    }

    private func applyStatus(_ plan: Plan) async -> ResourceOutcome? {
        guard let change = plan.change(for: .status) else { return nil }
        do {
            switch change.action {
            case .create, .update:
                guard case .value(let status) = plan.desired.status else { return nil }
                _ = try await client.putStatus(subject.apiSubject, WireStatusUpdate(status))
            case .delete:
                try await client.deleteStatus(subject.apiSubject)
            }
            return ResourceOutcome(change: change, result: .applied)
        } catch {
            return ResourceOutcome(change: change, result: .failed(Self.failure(error)))
        }
    }

    private func applyAvatar(_ plan: Plan) async -> ResourceOutcome? {
        guard let change = plan.change(for: .avatar) else { return nil }
        do {
            switch change.action {
            case .create, .update:
                guard let file = change.avatarAfter else { return nil }
                // Re-hash at apply: what is uploaded must be exactly what the plan showed.
                let bytes = try files.currentBytes(of: file)
                let digest = SHA256.hex(bytes)
                guard digest == file.sha256 else {
                    throw ApplyError.avatarFileChanged(path: file.declaredPath, planned: file.sha256, now: digest)
                }
                // The URL it answers is not recorded: verification records the one a GET shows.
                _ = try await client.putAvatar(subject.apiSubject, image: Data(bytes),
                                               fileName: AvatarIdentity.uploadFileName(for: file),
                                               mimeType: file.format.mimeType)
            case .delete:
                try await client.deleteAvatar(subject.apiSubject)
            }
            return ResourceOutcome(change: change, result: .applied)
        } catch {
            return ResourceOutcome(change: change, result: .failed(Self.failure(error)))
        }
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
        case let error as ApplyError:
            return WriteFailure(.local, error.description)
        default:
            return WriteFailure(.outcomeUnknown, "unexpected error (\(type(of: error)))")
        }
    }

    /// A write whose answer was lost: the re-read live state tells whether it landed.
    private func settle(_ outcome: ResourceOutcome, plan: Plan, live: LiveState, now: Date) -> ResourceOutcome {
        guard case .failed(let failure) = outcome.result, failure.kind == .outcomeUnknown else { return outcome }
        let change = outcome.change
        let landed: Bool
        switch (change.resource, change.action) {
        case (.status, .delete): landed = live.effectiveStatus(at: now) == nil
        case (.status, _):
            guard let wanted = plan.desired.status.value, let got = live.effectiveStatus(at: now) else { landed = false; break }
            landed = wanted.isSemanticallyEqual(to: got)
        case (.avatar, .delete): landed = live.avatarURL == nil
        case (.avatar, _): landed = live.avatarURL != nil && live.avatarURL != change.avatarBeforeURL
        }
        if landed {
            return ResourceOutcome(change: change, result: .applied,
                                   note: "the API's answer was lost (\(failure.message)); the re-read profile shows it applied")
        }
        return ResourceOutcome(change: change, result: .failed(WriteFailure(
            .refused, "\(failure.message); the re-read profile shows it was not applied")))
    }

    /// Re-reads live state; anything applied that still differs is a convergence problem.
    private func verify(_ plan: Plan, report: inout ApplyReport, now: @Sendable () -> Date) async {
        let live: LiveState
        do {
            if let rereadLive { live = try await rereadLive() } else { live = try await LiveReader(client: client, subject: subject).read() }
        } catch {
            report.verificationError = "could not re-read live state to verify: \(Self.failure(error).message)"
            return
        }
        report.outcomes = report.outcomes.map { settle($0, plan: plan, live: live, now: now()) }
        // An upload known only from a changed URL proves nothing about its bytes: no state record.
        let uploadUnproven = report.outcomes.contains { $0.change.resource == .avatar && $0.note != nil }
        // One read and one write of the state record, whatever was applied.
        var record = stateStore.load() ?? StateRecord(avatar: nil)
        var recordChanged = false
        defer {
            if recordChanged {
                do { try stateStore.save(record) } catch {
                    report.verificationError = "applied, but the state record \(stateStore.path) could not be written (\(FileProblem.describe(error, path: stateStore.path)))"
                }
            }
        }
        let applied = report.applied
        if let change = applied.first(where: { $0.resource == .status }) {
            let problemsBefore = report.convergenceProblems.count
            defer {
                // Remember what was written, so a later plan tells it from a hand-set status (SPEC §10).
                if report.convergenceProblems.count == problemsBefore {
                    record.status = plan.desired.status.value.map { StateRecord.AppliedStatus($0, appliedAt: now()) }
                    if change.action == .delete { record.status = nil }
                    recordChanged = true
                }
            }
            let liveStatus = live.effectiveStatus(at: now())
            switch (change.action, plan.desired.status.value, liveStatus) {
            case (.delete, _, let remaining?):
                report.convergenceProblems.append(ConvergenceProblem(
                    field: "status", sent: "DELETE", received: "\"\(remaining.title)\""))
            case (.create, let wanted?, nil), (.update, let wanted?, nil):
                report.convergenceProblems.append(ConvergenceProblem(
                    field: "status", sent: "\"\(wanted.title)\"", received: "no status"))
            case (.create, let wanted?, let got?), (.update, let wanted?, let got?):
                let sent = StatusSnapshot(wanted), received = StatusSnapshot(got)
                for field in wanted.differingFields(from: got) {
                    report.convergenceProblems.append(ConvergenceProblem(
                        field: "status.\(field.rawValue)",
                        sent: Self.show(sent.value(of: field)), received: Self.show(received.value(of: field))))
                }
            default: break
            }
        }
        if let change = applied.first(where: { $0.resource == .avatar }) {
            switch change.action {
            case .delete:
                if let url = live.avatarURL {
                    report.convergenceProblems.append(ConvergenceProblem(field: "avatar", sent: "DELETE", received: url))
                } else {
                    record.avatar = nil
                    recordChanged = true
                }
            case .create, .update:
                guard let liveURL = live.avatarURL, let file = change.avatarAfter else {
                    report.convergenceProblems.append(ConvergenceProblem(
                        field: "avatar", sent: change.avatarAfter?.declaredPath ?? "image", received: "no avatar"))
                    return
                }
                if uploadUnproven { return }
                // Remember the upload under the URL a later GET shows, so the next plan proves
                // identity from the record without downloading.
                record.avatar = .init(sha256: file.sha256, imageURL: liveURL, uploadedAt: now())
                recordChanged = true
            }
        }
    }

    static func show(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "nothing" }
}
