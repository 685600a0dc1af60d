import Support

/// How each profile of a `watch` cycle ended, counted: the `profiles` of a cycle's JSON line
/// and the `pachca_profile_profiles{state=…}` gauge. Each profile is in exactly one state:
/// `failed` (not planned, or a write or its verification failed), `skipped` (a suspended
/// person), `changed` (its changes were applied), `kept` (in sync but for a hand-set status
/// left in place), `in_sync`.
public struct ProfileStates: Sendable, Equatable, Encodable {
    public var inSync = 0, changed = 0, failed = 0, kept = 0, skipped = 0

    public init() {}

    /// The states of a run's profiles; `report` is nil when nothing was written.
    public init(run: RunPlan, report: RunReport?) {
        for profile in run.profiles {
            if profile.failure != nil { failed += 1; continue }
            if profile.skipped != nil { skipped += 1; continue }
            guard let plan = profile.plan else { continue }
            if let result = report?.report(for: profile.file), !result.succeeded {
                failed += 1
            } else if plan.hasChanges {
                changed += 1
            } else if plan.keptStatus != nil {
                kept += 1
            } else {
                inSync += 1
            }
        }
    }

    /// Label value and count, in the order the metrics list them.
    public var labelled: [(state: String, count: Int)] {
        [("in_sync", inSync), ("changed", changed), ("failed", failed), ("kept", kept), ("skipped", skipped)]
    }
}

/// Writes of a cycle by result.
public struct WriteCounts: Sendable, Equatable, Encodable {
    public var applied = 0, failed = 0
    public init() {}
    public init(_ report: RunReport?) {
        for result in report?.results ?? [] {
            applied += result.report.applied.count
            failed += result.report.failed.count
        }
    }
}

/// One cycle of `watch`: one `apply --auto-approve` of the run, or the failure that stopped
/// it; printed as one line on stderr and, with `--json`, one JSON object on stdout
/// (docs/schemas/watch-cycle.schema.json).
public struct WatchCycle: Sendable, Encodable {
    public enum Result: String, Sendable, Encodable {
        /// Every profile planned and every change applied and verified.
        case success
        /// The files, the network, the API or some profile failed; retried with backoff.
        case failure
        /// A stop signal came after planning: nothing was written.
        case stopped
    }

    /// Why the process wakes next.
    public enum Wake: String, Sendable, Encodable {
        /// A window starts or ends then (`next_change_at`).
        case nextChange = "next_change"
        /// The drift check of `--interval`.
        case interval
        /// A retry after a failed cycle.
        case backoff
    }

    public struct Failure: Sendable, Encodable {
        public var kind: String
        public var message: String
        public init(kind: String, message: String) { self.kind = kind; self.message = message }
    }

    public var formatVersion = JSONDocument.formatVersion
    public var cycle: Int
    public var startedAt: Date
    public var finishedAt: Date
    public var result: Result
    public var changes: WriteCounts
    /// nil when the cycle failed before planning (the metrics keep the last known states).
    @AlwaysPresent public var profiles: ProfileStates?
    @AlwaysPresent public var nextChangeAt: Date?
    public var nextWakeAt: Date
    public var wake: Wake
    @AlwaysPresent public var error: Failure?

    public init(cycle: Int, startedAt: Date, finishedAt: Date, result: Result, changes: WriteCounts,
                profiles: ProfileStates?, nextChangeAt: Date?, nextWakeAt: Date, wake: Wake, error: Failure?) {
        self.cycle = cycle; self.startedAt = startedAt; self.finishedAt = finishedAt; self.result = result
        self.changes = changes; self.profiles = profiles; self.nextChangeAt = nextChangeAt
        self.nextWakeAt = nextWakeAt; self.wake = wake; self.error = error
    }
}

/// When `watch` wakes next: at the earliest change of any profile's desired state, else after
/// the interval; after failed cycles, sooner, doubling from `backoffBase` up to the interval.
public enum WatchSchedule {
    public static let defaultInterval: Double = 300
    public static let backoffBase: Double = 1

    /// The wait after `failures` consecutive failed cycles (0: the interval itself).
    public static func retryDelay(failures: Int, interval: Double) -> Double {
        guard failures > 0 else { return interval }
        return min(interval, backoffBase * Double(1 << min(failures - 1, 30)))
    }

    public static func nextWake(now: Date, interval: Double, nextChangeAt: Date?,
                                failures: Int) -> (at: Date, wake: WatchCycle.Wake) {
        let regular = now.addingTimeInterval(retryDelay(failures: failures, interval: interval))
        let fallback: WatchCycle.Wake = failures > 0 ? .backoff : .interval
        guard let change = nextChangeAt, change < regular else { return (regular, fallback) }
        return (max(change, now), .nextChange)
    }
}

/// What `watch` has seen since it started, for the metrics: counters only grow; the profile
/// states are those of the last cycle that planned.
public struct WatchMetrics: Sendable {
    public var startedAt: Date
    public var interval: Double
    public var cycles: (success: Int, failure: Int, stopped: Int) = (0, 0, 0)
    public var writes = WriteCounts()
    public var profiles: ProfileStates?
    public var lastCycleAt: Date?
    public var lastSuccessAt: Date?
    public var nextWakeAt: Date?
    public var lastCycleSeconds: Double?

    public init(startedAt: Date, interval: Double) { self.startedAt = startedAt; self.interval = interval }

    public mutating func record(_ cycle: WatchCycle) {
        switch cycle.result {
        case .success: cycles.success += 1; lastSuccessAt = cycle.finishedAt
        case .failure: cycles.failure += 1
        case .stopped: cycles.stopped += 1
        }
        writes.applied += cycle.changes.applied
        writes.failed += cycle.changes.failed
        if let states = cycle.profiles { profiles = states }
        lastCycleAt = cycle.finishedAt
        lastCycleSeconds = cycle.finishedAt.timeIntervalSince(cycle.startedAt)
        nextWakeAt = cycle.nextWakeAt
    }

    /// Healthy while the last successful cycle (or, before the first one, the start) is at
    /// most three intervals old.
    public func healthy(now: Date) -> Bool {
        now.timeIntervalSince(lastSuccessAt ?? startedAt) <= 3 * interval
    }
}
