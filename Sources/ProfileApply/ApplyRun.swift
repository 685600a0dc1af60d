import PortableFoundation
import PachcaAPI
import ProfileCore

/// `apply`'s steps, so that the command only parses, asks, renders and picks the exit code:
/// get a plan (saved and checked, or computed now), then execute it.
public struct ApplyRun: Sendable {
    public let client: PachcaClient
    public let stateOverride: String?
    /// A token-info read started alongside the live reads when no prompt stands between plan
    /// and writes (one round trip fewer); still awaited before the first write.
    let tokenInfo: Task<WireTokenInfo, any Error>?
    /// The state record's lock, held as long as this run lives (one apply per profile at a time).
    let lock: StateLock?

    /// A plan saved by `plan --out`: refused for another API before any request, for another
    /// token owner or person, or when stale — all before any write.
    /// `lock` takes the state record's lock; it is taken before live state is re-read, so that a
    /// concurrent apply's writes make this plan stale.
    public static func savedPlan(_ path: String, client: PachcaClient, stateOverride: String?, now: Date,
                                 lock: @Sendable (StateStore) async throws -> StateLock) async throws -> (ApplyRun, Plan) {
        let saved = try SavedPlan.load(path)
        try SavedPlan.checkAPI(saved, path: path, client: client)
        // §9: a plan about someone else is refused when its `user:` now names another person.
        if case .user(let id) = saved.subject, let reference = saved.desired.user,
           let current = try await ReadPlanner.currentID(of: reference, in: client), current != id {
            throw SavedPlan.Failure.otherAccount(path: path, mismatches: [
                "person: the plan was made for user \(id), but `user: \(reference.value)` is now user \(current)"])
        }
        let held = try await lock(StateStore(profilePath: saved.file, override: stateOverride))
        let run = ApplyRun(client: client, stateOverride: stateOverride, tokenInfo: Task { try await client.tokenInfo().info },
                           lock: held)
        let plan = try await SavedPlan.checkCurrent(saved, path: path, client: client, now: now, tokenInfo: run.tokenInfo)
        return (run, plan)
    }

    /// A desired-state file planned against live state now.
    public static func planned(_ desired: DesiredState, client: PachcaClient, stateOverride: String?,
                               prefetchScopes: Bool, now: Date,
                               lock: @Sendable (StateStore) async throws -> StateLock) async throws -> (ApplyRun, Plan) {
        // One apply per profile at a time: the next one plans from what this one wrote.
        let held = try await lock(StateStore(profilePath: desired.file, override: stateOverride))
        let run = ApplyRun(client: client, stateOverride: stateOverride,
                           tokenInfo: prefetchScopes ? Task { try await client.tokenInfo().info } : nil, lock: held)
        let plan = try await Planner(client: client).plan(
            desired: desired, stateStore: StateStore(profilePath: desired.file, override: stateOverride), now: now)
        return (run, plan)
    }

    /// Checks the scopes the plan needs, then writes, re-reads and verifies.
    public func execute(_ plan: Plan, now: @escaping @Sendable () -> Date = { Date() }) async throws -> ApplyReport {
        let executor = Executor(client: client, subject: plan.subject,
                                stateStore: StateStore(profilePath: plan.file, override: stateOverride))
        try await executor.preflight(plan, prefetched: tokenInfo)
        return await executor.apply(plan, now: now)
    }
}
