import Foundation

/// What a file asks for at one instant (SPEC §10).
public struct ScheduleEvaluation: Sendable, Equatable {
    /// The desired status: a window's (with `expires_at` = the end of its occurrence, or the
    /// status's own earlier one), `.none` in a `status: null` window, else the base status.
    public var status: Managed<StatusFields>
    /// The window in force, nil outside every window.
    public var window: ScheduleWindow?
    /// The next instant the desired status changes; nil when it never does.
    public var nextChangeAt: Date?
}

/// (file, instant, zone) → desired status, its expiry and the next change. Pure: the clock
/// and the zone rules are arguments.
public enum ScheduleEvaluator {
    /// How far ahead the next change is looked for, in boundaries crossed without a change.
    static let maxSteps = 512

    public static func evaluate(_ desired: DesiredState, at instant: Date, zone: ZoneRules?) -> ScheduleEvaluation {
        let windows = desired.schedule?.windows ?? []
        let zone = zone ?? desired.schedule?.zone ?? .utc
        let t = Timestamp.epochSeconds(instant)
        let current = status(at: t, base: desired.status, windows: windows, zone: zone)
        var next: Date?
        var x = t
        let currentKey = effective(current.status, at: t)
        for _ in 0..<maxSteps {
            guard let b = nextBoundary(after: x, base: desired.status, windows: windows, zone: zone) else { break }
            if effective(status(at: b, base: desired.status, windows: windows, zone: zone).status, at: b) != currentKey {
                next = Date(timeIntervalSince1970: Double(b))
                break
            }
            x = b
        }
        return ScheduleEvaluation(status: current.status, window: current.window, nextChangeAt: next)
    }

    /// The status in force at `t`, without looking ahead.
    static func status(at t: Int64, base: Managed<StatusFields>, windows: [ScheduleWindow],
                       zone: ZoneRules) -> (status: Managed<StatusFields>, window: ScheduleWindow?) {
        for window in windows {
            guard let occurrence = window.occurrence(containing: t, zone: zone) else { continue }
            guard var status = window.status else { return (.none, window) }
            let end = Date(timeIntervalSince1970: Double(occurrence.end))
            status.expiresAt = min(status.expiresAt ?? end, end)
            return (.value(status), window)
        }
        return (base, nil)
    }

    /// A status whose expiry has passed is no status (SPEC §5): the key compared for changes.
    static func effective(_ status: Managed<StatusFields>, at t: Int64) -> Managed<StatusFields> {
        if case .value(let s) = status, let e = s.expiresAt, Timestamp.epochSeconds(e) <= t { return .none }
        return status
    }

    /// The earliest instant after `t` at which some window starts or ends, or a status expires.
    static func nextBoundary(after t: Int64, base: Managed<StatusFields>, windows: [ScheduleWindow], zone: ZoneRules) -> Int64? {
        var best: Int64?
        func offer(_ c: Int64?) { if let c, c > t, best.map({ c < $0 }) ?? true { best = c } }
        if let e = base.value?.expiresAt { offer(Timestamp.epochSeconds(e)) }
        for window in windows {
            if let e = window.status?.expiresAt { offer(Timestamp.epochSeconds(e)) }
            switch window.timing {
            case .dated(let from, let until):
                offer(Timestamp.epochSeconds(from)); offer(Timestamp.epochSeconds(until))
            case .weekly:
                if let occurrence = window.occurrence(containing: t, zone: zone) { offer(occurrence.end) }
                offer(window.nextStart(after: t, before: best, zone: zone))
            }
        }
        return best
    }
}

/// One occurrence of a window: `start ≤ t < end`, epoch seconds.
public struct Occurrence: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
}

extension ScheduleWindow {
    static let secondsPerDay: Int64 = 86_400

    /// The occurrence of a weekly window that starts on local day `day` (days since 1970).
    func occurrence(startingOnDay day: Int64, zone: ZoneRules) -> Occurrence? {
        guard case .weekly(let days, let from, let until) = timing, days.contains(Weekday.index(ofDay: Int(day))) else { return nil }
        let startLocal = day * Self.secondsPerDay + Int64(from) * 60
        let endDay = until <= from ? day + 1 : day
        let endLocal = endDay * Self.secondsPerDay + Int64(until) * 60
        let occurrence = Occurrence(start: zone.instant(forLocal: startLocal), end: zone.instant(forLocal: endLocal))
        // A window inside a daylight-saving gap can collapse to nothing.
        return occurrence.start < occurrence.end ? occurrence : nil
    }

    /// The occurrence containing `t`, if any. Back-to-back occurrences of the same window
    /// (`00:00`–`24:00` on consecutive days) count as one, up to a week, so a weekend window
    /// expires on Monday, not at midnight on Saturday.
    public func occurrence(containing t: Int64, zone: ZoneRules) -> Occurrence? {
        switch timing {
        case .dated(let from, let until):
            let f = Timestamp.epochSeconds(from), u = Timestamp.epochSeconds(until)
            return f <= t && t < u ? Occurrence(start: f, end: u) : nil
        case .weekly:
            let localDay = floorDiv(t + Int64(zone.utcOffset(at: t)), Self.secondsPerDay)
            for day in [localDay - 1, localDay] {
                guard var found = occurrence(startingOnDay: day, zone: zone), found.start <= t, t < found.end else { continue }
                var next = day + 1
                while next - day <= 7, let following = occurrence(startingOnDay: next, zone: zone), following.start == found.end {
                    found.end = following.end
                    next += 1
                }
                return found
            }
            return nil
        }
    }

    /// The first start of an occurrence after `t` (weekly windows), stopping early once past `limit`.
    func nextStart(after t: Int64, before limit: Int64?, zone: ZoneRules) -> Int64? {
        guard case .weekly(let days, _, _) = timing, !days.isEmpty else { return nil }
        let localDay = floorDiv(t + Int64(zone.utcOffset(at: t)), Self.secondsPerDay)
        for day in (localDay - 1)...(localDay + 8) {
            if let limit, (day - 1) * Self.secondsPerDay - 2 * Self.secondsPerDay > limit { return nil }
            if let o = occurrence(startingOnDay: day, zone: zone), o.start > t { return o.start }
        }
        return nil
    }

    /// The first occurrence that ends after `t` (for overlap checks of weekly against dated windows).
    func firstOccurrence(endingAfter t: Int64, zone: ZoneRules) -> Occurrence? {
        if let o = occurrence(containing: t, zone: zone) { return o }
        guard let start = nextStart(after: t, before: nil, zone: zone) else { return nil }
        return occurrence(containing: start, zone: zone)
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
