import Support
import Timekeeping

/// `timeline`: the status in force from each instant it changes, over a period.
/// Pure: the period and the zone are arguments.
public struct TimelineEntry: Sendable, Equatable {
    /// From this instant on…
    public var at: Date
    /// …this status is in force (`.none`: no status; `.unmanaged`: the file leaves it alone).
    public var status: Managed<StatusFields>
    /// The window giving it, nil for the base status.
    public var window: String?
    /// Where the window (or the base status) is written: the file, an include or a group file.
    public var source: SourceRef? = nil
}

public enum Timeline {
    /// A bound on rows, so a pathological file cannot print forever.
    public static let maxEntries = 10_000

    /// The last instant a timeline covers: the end of year 9999 UTC, the last the API's form
    /// can write. Near it the evaluator's clamped arithmetic may name a "next change" that is
    /// not later than the current one; the walk stops there instead of repeating the entry.
    public static let lastInstant = Date(timeIntervalSince1970: Double(Timestamp.lastSecond) + 1)

    public static func entries(_ desired: DesiredState, from start: Date, until end: Date, zone: ZoneRules?) -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        var t = start
        let end = min(end, lastInstant)
        while t < end, entries.count < maxEntries {
            let evaluation = ScheduleEvaluator.evaluate(desired, at: t, zone: zone)
            var status = evaluation.status
            // An expired status is no status.
            if let e = status.value?.expiresAt, e <= t { status = .none }
            let source = evaluation.window.map { SourceRef(file: $0.file ?? desired.file, line: $0.line) } ?? desired.source(of: "status")
            entries.append(TimelineEntry(at: t, status: status, window: evaluation.window?.label, source: source))
            // Strictly forward, or stop: time never repeats an entry.
            guard let next = evaluation.nextChangeAt, next > t else { break }
            t = next
        }
        return entries
    }
}
