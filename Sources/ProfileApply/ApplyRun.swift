import Support
import PachcaAPI
import ProfileCore

/// `apply`'s steps, so that the command only parses, asks, renders and picks the exit code:
/// lock, get a plan (saved and checked, or computed now), then execute it.
public struct ApplyRun: Sendable {
    public let executor: Executor
    /// A token-info read started alongside the live reads when no prompt stands between plan
    /// and writes (one round trip fewer); still awaited before the first write.
    let tokenInfo: Task<WireTokenInfo, any Error>?
    /// The state records' locks, held as long as this run lives (one apply per profile at a time).
    let locks: StateLocks

    /// How state-record locks are waited for (the CLI's timeout and its "waiting" line).
    public struct Locking: Sendable {
        public var timeout: Double
        public var onWait: @Sendable (String) -> Void
        public init(timeout: Double, onWait: @escaping @Sendable (String) -> Void) {
            self.timeout = timeout; self.onWait = onWait
        }
    }

    /// Files planned against live state now. The run's people are resolved first; then their
    /// state records are locked (one per person, canonical order), records from earlier
    /// versions moved into the store, and only then are the records read and the run planned.
    public static func planned(_ files: [DesiredState], targets: [UserReference], client: PachcaClient,
                               state: StateLocation, prefetchScopes: Bool, now: Date,
                               locking: Locking) async throws -> (ApplyRun, RunPlan) {
        let planner = Planner(client: client)
        let tokenInfo = prefetchScopes ? Task { try await client.tokenInfo().info } : nil
        var resolved = try await planner.resolve(files, targets: targets)
        let stores = resolved.stores(in: state)
        let locks = try await StateLocks.acquire(stores, timeout: locking.timeout, onWait: locking.onWait)
        // Another apply of these people finished meanwhile: read live state again, so its
        // writes are seen by this plan (the people, and so the locks, stay the same).
        if locks.waited {
            resolved = try await planner.resolve(files, targets: targets)
            guard resolved.stores(in: state) == stores else { throw StateLocks.Failure.peopleChanged }
        }
        for store in stores { try store.migrateLegacy(redactor: client.configuration.redactor) }
        let run = ApplyRun(executor: Executor(client: client, state: state), tokenInfo: tokenInfo, locks: locks)
        return (run, try await planner.plan(resolved, state: state, now: now))
    }

    /// A plan saved by `plan --out`: refused for another API before any request, for another
    /// token owner or person, or when stale — all before any write. The locks are taken before
    /// live state is re-read, so that a concurrent apply's writes make this plan stale.
    public static func savedPlan(_ path: String, client: PachcaClient, state: StateLocation, now: Date,
                                 locking: Locking) async throws -> (ApplyRun, RunPlan) {
        let loaded = try SavedPlan.load(path)
        if state.override != nil, loaded.plans.count > 1 { throw StateOverrideError() }
        try SavedPlan.checkAPI(loaded, path: path, client: client)
        let stores = loaded.plans.map { state.store(file: $0.file, personID: $0.owner.id) }
        let locks = try await StateLocks.acquire(stores, timeout: locking.timeout, onWait: locking.onWait)
        for store in stores { try store.migrateLegacy(redactor: client.configuration.redactor) }
        let tokenInfo = Task { try await client.tokenInfo().info }
        let run = ApplyRun(executor: Executor(client: client, state: state), tokenInfo: tokenInfo, locks: locks)
        let plan = try await SavedPlan.checkCurrent(loaded, path: path, client: client, now: now, tokenInfo: tokenInfo)
        return (run, plan)
    }

    /// Checks the scopes the plan needs, then writes, re-reads and verifies.
    public func execute(_ plan: RunPlan, now: @escaping @Sendable () -> Date = { Date() }) async throws -> RunReport {
        try await executor.preflight(plan, prefetched: tokenInfo)
        let report = await executor.apply(plan, now: now)
        withExtendedLifetime(locks) {}  // held until everything is written
        return report
    }
}

/// `--state PATH` names one record: a saved plan of several profiles cannot use it.
public struct StateOverrideError: Error, CustomStringConvertible {
    public var description: String { "--state applies to a run with one file" }
}
