import Support

/// What a file asks for at one instant (docs/schedules.md).
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
        let current = state(at: t, base: desired.status, windows: windows, zone: zone)
        let currentKey = effective(current.status, at: t)
        var next: Date?
        var cursor = current
        for step in 0..<maxSteps {
            guard let b = nextBoundary(after: cursor, base: desired.status, windows: windows, zone: zone) else { break }
            let there = state(at: b, base: desired.status, windows: windows, zone: zone)
            // Past the step budget, an instant where nothing changes is still a safe answer
            // ("look again then"); "never" would stop a pipeline that follows it.
            if effective(there.status, at: b) != currentKey || step == maxSteps - 1 {
                next = Date(timeIntervalSince1970: Double(b))
                break
            }
            cursor = there
        }
        return ScheduleEvaluation(status: current.status, window: current.window.map { windows[$0] }, nextChangeAt: next)
    }

    /// The status in force at an instant, the window giving it (an index) and that occurrence.
    struct State {
        var t: Int64
        var status: Managed<StatusFields>
        var window: Int?
        var occurrence: Occurrence?
    }

    /// The status in force at `t`, without looking ahead: the first window in file order wins.
    static func state(at t: Int64, base: Managed<StatusFields>, windows: [ScheduleWindow], zone: ZoneRules) -> State {
        let localT = t + Int64(zone.utcOffset(at: t))
        for (i, window) in windows.enumerated() {
            guard let occurrence = window.occurrence(containing: t, localT: localT, zone: zone) else { continue }
            guard var status = window.status else { return State(t: t, status: .none, window: i, occurrence: occurrence) }
            let end = Date(timeIntervalSince1970: Double(occurrence.end))
            status.expiresAt = min(status.expiresAt ?? end, end)
            return State(t: t, status: .value(status), window: i, occurrence: occurrence)
        }
        return State(t: t, status: base, window: nil, occurrence: nil)
    }

    /// A status whose expiry has passed is no status (docs/file-format.md): the key compared for changes.
    static func effective(_ status: Managed<StatusFields>, at t: Int64) -> Managed<StatusFields> {
        if case .value(let s) = status, let e = s.expiresAt, Timestamp.epochSeconds(e) <= t { return .none }
        return status
    }

    /// The earliest instant after the state's at which the outcome may change: the end of the
    /// occurrence in force, a status expiring, or a window starting that comes earlier in the
    /// file than the one in force (later ones cannot take over while it lasts).
    static func nextBoundary(after state: State, base: Managed<StatusFields>, windows: [ScheduleWindow], zone: ZoneRules) -> Int64? {
        let t = state.t
        var best: Int64?
        func offer(_ c: Int64?) { if let c, c > t, best.map({ c < $0 }) ?? true { best = c } }
        offer(state.occurrence?.end)
        if let e = state.status.value?.expiresAt { offer(Timestamp.epochSeconds(e)) }
        let localT = t + Int64(zone.utcOffset(at: t))
        for window in windows[..<(state.window ?? windows.count)] {
            switch window.timing {
            case .dated(let from, _):
                offer(Timestamp.epochSeconds(from))
            case .weekly:
                offer(window.nextStart(after: t, localT: localT, before: best, zone: zone))
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
        occurrence(containing: t, localT: t + Int64(zone.utcOffset(at: t)), zone: zone)
    }

    /// `localT` is `t` on the local clock (computed once per instant, not once per window).
    func occurrence(containing t: Int64, localT: Int64, zone: ZoneRules) -> Occurrence? {
        switch timing {
        case .dated(let from, let until):
            let f = Timestamp.epochSeconds(from), u = Timestamp.epochSeconds(until)
            return f <= t && t < u ? Occurrence(start: f, end: u) : nil
        case .weekly(let days, let from, let until):
            let localDay = floorDiv(localT, Self.secondsPerDay)
            for day in [localDay - 1, localDay] where days.contains(Weekday.index(ofDay: Int(day))) {
                // On the local clock the occurrence spans [start, end); a clock change moves its
                // instants by at most a few hours, so anything a day away cannot contain `t`.
                let localStart = day * Self.secondsPerDay + Int64(from) * 60
                let localEnd = (until <= from ? day + 1 : day) * Self.secondsPerDay + Int64(until) * 60
                if localT < localStart - Self.secondsPerDay || localT >= localEnd + Self.secondsPerDay { continue }
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

    /// The first start of an occurrence after `t` (weekly windows); nil when none comes
    /// before `limit` (a start a day past the limit on the local clock cannot be earlier).
    func nextStart(after t: Int64, localT: Int64, before limit: Int64?, zone: ZoneRules) -> Int64? {
        guard case .weekly(let days, let from, _) = timing, !days.isEmpty else { return nil }
        let localDay = floorDiv(localT, Self.secondsPerDay)
        let limitLocal = limit.map { $0 + (localT - t) + Self.secondsPerDay }
        for day in (localDay - 1)...(localDay + 8) where days.contains(Weekday.index(ofDay: Int(day))) {
            let localStart = day * Self.secondsPerDay + Int64(from) * 60
            if localStart < localT - Self.secondsPerDay { continue }
            if let limitLocal, localStart > limitLocal { return nil }
            // Only the start is needed: should the occurrence collapse in a clock change, the
            // evaluator finds nothing changed there and walks on.
            let start = zone.instant(forLocal: localStart)
            if start > t { return start }
        }
        return nil
    }

/// The first occurrence that ends after `t` (to walk a weekly window across a dated one).
    func firstOccurrence(endingAfter t: Int64, zone: ZoneRules) -> Occurrence? {
        if let o = occurrence(containing: t, zone: zone) { return o }
        guard let start = nextStart(after: t, localT: t + Int64(zone.utcOffset(at: t)), before: nil, zone: zone) else { return nil }
        return occurrence(containing: start, zone: zone)
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
