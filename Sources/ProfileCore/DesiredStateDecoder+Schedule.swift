import Support
import ProfileYAML

extension DesiredStateDecoder {
    public static let windowKeys = ["name", "from", "until", "days", "status"]
    public static let manualChangeValues = ManualChangePolicy.allCases.map(\.rawValue)
}

/// `timezone`, `schedule` and `on_manual_change`, with the same file:line:col
/// diagnostics as the rest of the format.
extension Decoding {
    mutating func decodeSchedule(_ keys: [String: YAMLMappingEntry]) -> Schedule {
        var schedule = Schedule()
        if let entry = keys["timezone"] { (schedule.timezone, schedule.zone) = decodeTimeZone(entry.value) }
        if let entry = keys["on_manual_change"], let policy = decodeManualChange(entry.value) { schedule.onManualChange = policy }
        if let entry = keys["schedule"] {
            var marks: [Mark] = []
            schedule.windows = decodeWindows(entry.value, timezoneKey: keys["timezone"], marks: &marks)
            warnAboutWindows(schedule.windows, marks: marks, zone: schedule.zone)
        }
        return schedule
    }

    mutating func decodeTimeZone(_ node: YAMLNode) -> (TimeZoneSetting?, ZoneRules?) {
        guard let name = string(node, path: "timezone") else { return (nil, nil) }
        if name == "profile" { return (.profile, nil) }
        switch TimeZoneResolution.resolve(name, source: zones) {
        case .success(let rules): return (.named(name), rules)
        case .failure(let failure):
            error(failure.message, at: node.start, path: "timezone", notes: failure.notes)
            return (nil, nil)
        }
    }

    mutating func decodeManualChange(_ node: YAMLNode) -> ManualChangePolicy? {
        guard let text = string(node, path: "on_manual_change") else { return nil }
        if let policy = ManualChangePolicy(rawValue: text) { return policy }
        let known = DesiredStateDecoder.manualChangeValues
        let hint = Suggest.nearest(to: text, among: known).map { "did you mean '\($0)'?" } ?? "write keep or overwrite"
        error("expected keep or overwrite (got '\(text.truncatedForMessage)')", at: node.start, path: "on_manual_change", notes: [hint])
        return nil
    }

    mutating func decodeWindows(_ node: YAMLNode, timezoneKey: YAMLMappingEntry?, marks: inout [Mark]) -> [ScheduleWindow] {
        if node.isPreReported || node.resolved == .null { return [] }
        guard let items = node.sequence else {
            error("expected a list of windows (got \(node.describedForMessage))", at: node.start, path: "schedule")
            return []
        }
        var windows: [ScheduleWindow] = []
        for (index, item) in items.enumerated() {
            // An included file's weekly windows take the zone of the file that includes it.
            if let window = decodeWindow(item, index: index, hasZone: timezoneKey != nil || inheritedZone || role == .included) {
                windows.append(window)
                marks.append(item.start)
            }
        }
        return windows
    }

    mutating func decodeWindow(_ node: YAMLNode, index: Int, hasZone: Bool) -> ScheduleWindow? {
        let path = "schedule[\(index)]"
        guard !node.isPreReported else { return nil }
        guard let entries = node.mapping else {
            error("expected a window: a mapping with from, until and status (got \(node.describedForMessage))", at: node.start, path: path)
            return nil
        }
        var seen: [String: YAMLMappingEntry] = [:]
        for entry in entries {
            guard let key = keyName(entry.key, parentPath: path) else { continue }
            if DesiredStateDecoder.windowKeys.contains(key) { seen[key] = entry } else {
                unknownKey(key, at: entry.key.start, path: path, known: DesiredStateDecoder.windowKeys)
            }
        }
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count
        var name: String?
        if let entry = seen["name"], let text = string(entry.value, path: "\(path).name") {
            if text.isEmpty { error("must not be empty", at: entry.value.start, path: "\(path).name") } else { name = text }
        }
        for required in ["from", "until", "status"] where seen[required] == nil {
            error("required key is missing", at: node.start, path: "\(path).\(required)",
                  notes: required == "status" ? ["a window needs a status; write 'status: null' for no status during it"] : [])
        }
        var status: StatusFields?
        if let entry = seen["status"] {
            switch decodeStatus(entry.value, key: entry.key, path: "\(path).status") {
            case .value(let s): status = s
            case .none, .unmanaged: status = nil
            }
        }
        var timing: ScheduleWindow.Timing?
        if let days = seen["days"] {
            timing = decodeWeekly(days: days, from: seen["from"], until: seen["until"], path: path, hasZone: hasZone)
        } else if let from = seen["from"], let until = seen["until"] {
            timing = decodeDated(from: from.value, until: until.value, path: path)
        }
        let errorsAfter = diagnostics.filter { $0.severity == .error }.count
        guard errorsAfter == errorsBefore, let timing else { return nil }
        return ScheduleWindow(name: name, timing: timing, status: status, line: node.start.line, index: index)
    }

    mutating func decodeDated(from fromNode: YAMLNode, until untilNode: YAMLNode, path: String) -> ScheduleWindow.Timing? {
        for node in [fromNode, untilNode] where node.scalar.map({ Self.looksLikeTimeOfDay($0.value) }) ?? false {
            let which = node == fromNode ? "from" : "until"
            error("a time of day needs days (got '\(node.scalar!.value.truncatedForMessage)')", at: node.start, path: "\(path).\(which)",
                  notes: ["add days: [mon, tue, wed, thu, fri] for a weekly window, or write a date, a time and an offset, e.g. 2026-12-28T00:00:00+03:00"])
            return nil
        }
        let from = timestamp(fromNode, path: "\(path).from")
        let until = timestamp(untilNode, path: "\(path).until")
        guard let from, let until else { return nil }
        guard until > from else {
            error("must be after from (\(Timestamp.canonical(from)); got \(Timestamp.canonical(until)))", at: untilNode.start,
                  path: "\(path).until")
            return nil
        }
        return .dated(from: from, until: until)
    }

    mutating func decodeWeekly(days daysEntry: YAMLMappingEntry, from: YAMLMappingEntry?, until: YAMLMappingEntry?,
                               path: String, hasZone: Bool) -> ScheduleWindow.Timing? {
        var days: [Int] = []
        let node = daysEntry.value
        if let items = node.sequence {
            if items.isEmpty { error("must list at least one day (mon..sun)", at: node.start, path: "\(path).days") }
            for (i, item) in items.enumerated() {
                guard let text = string(item, path: "\(path).days[\(i)]") else { continue }
                if let day = Weekday.names.firstIndex(of: text) {
                    if !days.contains(day) { days.append(day) }
                } else {
                    let hint = Suggest.nearest(to: text, among: Weekday.names).map { "did you mean '\($0)'?" }
                        ?? "days are mon, tue, wed, thu, fri, sat, sun"
                    error("not a day: expected one of mon..sun (got '\(text.truncatedForMessage)')", at: item.start,
                          path: "\(path).days[\(i)]", notes: [hint])
                }
            }
        } else if !node.isPreReported {
            error("expected a list of days such as [mon, tue] (got \(node.describedForMessage))", at: node.start, path: "\(path).days")
        }
        if !hasZone {
            error("a weekly window needs the file's timezone", at: daysEntry.key.start, path: "\(path).days",
                  notes: ["add a top-level 'timezone: Europe/Moscow' (an IANA name) or 'timezone: profile'"])
        }
        let fromMinute = from.flatMap { timeOfDay($0.value, path: "\(path).from", allowEndOfDay: false) }
        let untilMinute = until.flatMap { timeOfDay($0.value, path: "\(path).until", allowEndOfDay: true) }
        guard let fromMinute, let untilMinute, let until else { return nil }
        if fromMinute == untilMinute {
            error("must differ from from: the window would be empty", at: until.value.start, path: "\(path).until",
                  notes: ["for a whole day write from: \"00:00\" and until: \"24:00\""])
            return nil
        }
        return .weekly(days: days.sorted(), fromMinute: fromMinute, untilMinute: untilMinute)
    }

    /// `HH:MM`, 00:00…23:59 (and 24:00 for `until`), in minutes since local midnight.
    mutating func timeOfDay(_ node: YAMLNode, path: String, allowEndOfDay: Bool) -> Int? {
        guard !node.isPreReported else { return nil }
        guard let scalar = node.scalar, case .string = node.resolved else {
            error("expected a time HH:MM such as \"13:00\" (got \(node.describedForMessage))", at: node.start, path: path)
            return nil
        }
        let u = Array(scalar.value.utf8)
        func digit(_ i: Int) -> Int? { (0x30...0x39).contains(u[i]) ? Int(u[i] - 0x30) : nil }
        if u.count == 5, u[2] == UInt8(ascii: ":"), let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4) {
            let hour = h1 * 10 + h2, minute = m1 * 10 + m2
            if hour <= 23, minute <= 59 { return hour * 60 + minute }
            if allowEndOfDay, hour == 24, minute == 0 { return 1440 }
        }
        var notes = ["write two-digit hours and minutes, 00:00 to 23:59\(allowEndOfDay ? " (or 24:00 for the end of the day)" : "")"]
        if u.count == 4, u[1] == UInt8(ascii: ":") { notes = ["write the hour with two digits: \"0\(scalar.value)\""] }
        error("not a time HH:MM (got '\(scalar.value.truncatedForMessage)')", at: node.start, path: path, notes: notes)
        return nil
    }

    static func looksLikeTimeOfDay(_ text: String) -> Bool {
        let u = Array(text.utf8)
        return (4...5).contains(u.count) && u.contains(UInt8(ascii: ":")) && !u.contains(UInt8(ascii: "-"))
            && !u.contains(UInt8(ascii: "T"))
    }

    /// Legal but probably wrong: windows entirely in the past, and windows that can never
    /// apply because earlier windows cover every occurrence (the first match wins). Overlaps
    /// as such are ordinary — lunch inside working hours, listed first — and not warned about.
    mutating func warnAboutWindows(_ windows: [ScheduleWindow], marks: [Mark], zone: ZoneRules?) {
        let now = Timestamp.epochSeconds(self.now)
        func isPast(_ w: ScheduleWindow) -> Bool {
            if case .dated(_, let until) = w.timing { Timestamp.epochSeconds(until) <= now } else { false }
        }
        // A window that never applies covers nothing the others do not: it is left out of
        // the windows named as covering a later one.
        var live: [ScheduleWindow] = []
        for (i, window) in windows.enumerated() {
            let path = "schedule[\(window.index)]"
            if case .dated(_, let until) = window.timing, isPast(window) {
                warning("the window is entirely in the past (until \(Timestamp.canonical(until)))", at: marks[i], path: path)
                continue
            }
            guard let covering = Self.shadowing(window, by: live, zone: zone) else {
                live.append(window)
                continue
            }
            let names = covering.map { "'\($0.label)' (line \($0.line))" }.joined(separator: ", ")
            warning("the window never applies: earlier windows cover every occurrence (\(names))", at: marks[i], path: path,
                    notes: ["the first window in file order wins; move this one above them, or remove it"])
        }
    }

    /// The earlier windows that together cover every occurrence of `window`, or nil when some
    /// instant of it is left to it. With `timezone: profile` the zone is known only at plan
    /// time, so a dated window is judged against the dated windows alone (never a false alarm).
    static func shadowing(_ window: ScheduleWindow, by earlier: [ScheduleWindow], zone: ZoneRules?) -> [ScheduleWindow]? {
        switch window.timing {
        case let .weekly(days, from, until):
            // Dated windows end, a weekly one recurs forever: only weekly windows can cover it.
            // All weekly windows share the file's zone, so one local week compares them.
            let target = weekIntervals(days, from, until).map { (Int64($0.0), Int64($0.1)) }
            var parts: [(ScheduleWindow, [(Int64, Int64)])] = []
            for w in earlier {
                guard case let .weekly(d, f, u) = w.timing else { continue }
                let mine = weekIntervals(d, f, u).map { (Int64($0.0), Int64($0.1)) }
                if mine.contains(where: { p in target.contains { q in p.0 < q.1 && q.0 < p.1 } }) { parts.append((w, mine)) }
            }
            let union = parts.flatMap(\.1)
            return !parts.isEmpty && target.allSatisfy { covered($0, by: union) } ? parts.map(\.0) : nil
        case let .dated(fromDate, untilDate):
            let target = (Timestamp.epochSeconds(fromDate), Timestamp.epochSeconds(untilDate))
            var parts: [(ScheduleWindow, [(Int64, Int64)])] = []
            for w in earlier {
                var mine: [(Int64, Int64)] = []
                switch w.timing {
                case let .dated(f, u):
                    mine = [(Timestamp.epochSeconds(f), Timestamp.epochSeconds(u))]
                case .weekly:
                    guard let zone, let occurrences = occurrences(of: w, within: target, zone: zone) else { continue }
                    mine = occurrences
                }
                mine = mine.filter { $0.0 < target.1 && target.0 < $0.1 }
                if !mine.isEmpty { parts.append((w, mine)) }
            }
            let union = parts.flatMap(\.1)
            return !parts.isEmpty && covered(target, by: union) ? parts.map(\.0) : nil
        }
    }

    /// A weekly window's occurrences that meet `range`, or nil past a bound (a dated window
    /// spanning decades is not worth walking day by day; it then gets no warning).
    static func occurrences(of window: ScheduleWindow, within range: (Int64, Int64), zone: ZoneRules) -> [(Int64, Int64)]? {
        var result: [(Int64, Int64)] = []
        var t = range.0
        while t < range.1, let o = window.firstOccurrence(endingAfter: t, zone: zone), o.start < range.1 {
            guard result.count < 5_000 else { return nil }
            result.append((o.start, o.end))
            t = o.end
        }
        return result
    }

    /// Whether the half-open intervals cover `target` without a gap.
    static func covered(_ target: (Int64, Int64), by intervals: [(Int64, Int64)]) -> Bool {
        var reached = target.0
        for interval in intervals.sorted(by: { $0.0 < $1.0 }) {
            if interval.0 > reached { break }
            reached = max(reached, interval.1)
            if reached >= target.1 { return true }
        }
        return reached >= target.1
    }

    /// A weekly window's occurrences as minute intervals of one week (Monday 00:00 = 0), wrapped.
    static func weekIntervals(_ days: [Int], _ from: Int, _ until: Int) -> [(Int, Int)] {
        let week = 7 * 1440
        var intervals: [(Int, Int)] = []
        for d in days {
            let start = d * 1440 + from
            let end = d * 1440 + (until <= from ? until + 1440 : until)
            if end > week { intervals += [(start, week), (0, end - week)] } else { intervals.append((start, end)) }
        }
        return intervals
    }
}
