import Support

/// `timeline`: the status in force from each instant it changes, over a period (SPEC §10).
/// Pure: the period and the zone are arguments.
public struct TimelineEntry: Sendable, Equatable {
    /// From this instant on…
    public var at: Date
    /// …this status is in force (`.none`: no status; `.unmanaged`: the file leaves it alone).
    public var status: Managed<StatusFields>
    /// The window giving it, nil for the base status.
    public var window: String?
}

public enum Timeline {
    /// A bound on rows, so a pathological file cannot print forever.
    public static let maxEntries = 10_000

    public static func entries(_ desired: DesiredState, from start: Date, until end: Date, zone: ZoneRules?) -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        var t = start
        while t < end, entries.count < maxEntries {
            let evaluation = ScheduleEvaluator.evaluate(desired, at: t, zone: zone)
            var status = evaluation.status
            // An expired status is no status (SPEC §5).
            if let e = status.value?.expiresAt, e <= t { status = .none }
            entries.append(TimelineEntry(at: t, status: status, window: evaluation.window?.label))
            guard let next = evaluation.nextChangeAt else { break }
            t = next
        }
        return entries
    }
}
