import PortableFoundation
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
            if let window = decodeWindow(item, index: index, hasZone: timezoneKey != nil) {
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

    /// Legal but probably wrong: overlapping windows, windows entirely in the past.
    mutating func warnAboutWindows(_ windows: [ScheduleWindow], marks: [Mark], zone: ZoneRules?) {
        let now = Timestamp.epochSeconds(self.now)
        func isPast(_ w: ScheduleWindow) -> Bool {
            if case .dated(_, let until) = w.timing { Timestamp.epochSeconds(until) <= now } else { false }
        }
        for (i, window) in windows.enumerated() {
            let path = "schedule[\(window.index)]"
            if case .dated(_, let until) = window.timing, isPast(window) {
                warning("the window is entirely in the past (until \(Timestamp.canonical(until)))", at: marks[i], path: path)
                continue
            }
            // A past window overlaps nothing that matters any more.
            for earlier in windows[..<i] where !isPast(earlier) && Self.overlap(earlier, window, zone: zone) {
                warning("overlaps window '\(earlier.label)' (line \(earlier.line)); where both apply, the earlier one wins",
                        at: marks[i], path: path)
            }
        }
    }

    static func overlap(_ a: ScheduleWindow, _ b: ScheduleWindow, zone: ZoneRules?) -> Bool {
        switch (a.timing, b.timing) {
        case let (.dated(f1, u1), .dated(f2, u2)):
            return f1 < u2 && f2 < u1
        case let (.weekly(d1, f1, u1), .weekly(d2, f2, u2)):
            let x = weekIntervals(d1, f1, u1), y = weekIntervals(d2, f2, u2)
            return x.contains { p in y.contains { q in p.0 < q.1 && q.0 < p.1 } }
        case let (.dated(from, until), .weekly), let (.weekly, .dated(from, until)):
            // Needs the zone; with `timezone: profile` it is known only at plan time.
            guard let zone else { return false }
            let weekly = a.isWeekly ? a : b
            guard let o = weekly.firstOccurrence(endingAfter: Timestamp.epochSeconds(from), zone: zone) else { return false }
            return o.start < Timestamp.epochSeconds(until)
        }
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
